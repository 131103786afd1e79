"""The physical floor: a bare numpy kernel doing one Bass update per provider-innovation-step.

No model, no rules beyond the Bass hazard: each month every cell of an
N x M int8 state array gets a uniform draw, unaware cells with a draw below
``min(1, p + q * F[j])`` adopt, and F is recounted. Buffers are preallocated
and every operation works in place, so this is about as fast as numpy can touch
each cell once per step; sasci-sim's full model is measured against it.
"""

from __future__ import annotations

import numpy as np


def run(providers: int, innovations: int, steps: int, p: float, q: float, seed: int) -> np.ndarray:
    """Run the kernel; returns the adopted share per innovation at the end."""
    rng = np.random.default_rng(seed)
    shape = (providers, innovations)
    state = np.zeros(shape, dtype=np.int8)  # 0 unaware, 1 adopted
    draw = np.empty(shape)
    hit = np.empty(shape, dtype=bool)
    unaware = np.empty(shape, dtype=bool)
    adopted = np.zeros(innovations, dtype=np.int64)
    for _ in range(steps):
        hazard = np.minimum(1.0, p + q * adopted / providers)
        rng.random(out=draw)
        np.less(draw, hazard, out=hit)
        np.equal(state, 0, out=unaware)
        hit &= unaware
        state |= hit.view(np.int8)
        adopted += np.count_nonzero(hit, axis=0)
    return adopted / providers
