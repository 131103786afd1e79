"""Seeds for replications and design points, derived from a root seed by key.

A run's seed depends only on (root seed, key), never on how many runs there are
or in which order they finish, so results do not depend on workers or executor.
"""

from __future__ import annotations

import numpy as np


def derive_seed(root: int, *key: int) -> int:
    """A 63-bit seed from a root seed and an integer key (e.g. replication index).

    NumPy's SeedSequence mixes the key into the root, so neighbouring keys give unrelated
    streams and a run's seed depends only on its key, not on how many runs came before.

    Args:
        root: The scenario's or experiment's root seed.
        *key: Integers naming the stream, for example a replication index, or a design point
            and replicate.

    Returns:
        A seed in [0, 2**63), as numpy and Mesa accept.
    """
    state = np.random.SeedSequence([int(root), *map(int, key)]).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1])) & (2**63 - 1)
