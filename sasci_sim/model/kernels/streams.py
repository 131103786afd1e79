"""Uniforms from every run's own random stream in one compiled pass (ODD 7.11, 7.19).

A batch of runs draws each run's share of a month's uniforms from that run's generator, block
after block, so that a run draws what it draws alone. In Python that is one
``Generator.random`` call per run per draw, about 0.7 µs each whatever the count: a batch of 32
runs pays some twenty of them a month per run, a tenth of its time at 2,000 providers. Here one
compiled loop calls each generator's own C function for a double (``next_double`` of numpy's
bit generator interface, the function ``Generator.random`` calls for each number it fills in),
so every stream gives the numbers, and ends in the state, that ``Generator.random`` would.

The loop reaches the generators by address, without numpy's lock on each: a batch's generators
belong to its ensemble alone, which draws from one thread at a time. The :class:`Streams` holds
the generators, so the addresses stay valid while it lives.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from sasci_sim.model.kernels.jit import compiled


@intrinsic
def _next_double(typingctx: Any, function: Any, state: Any) -> tuple[Any, Any]:
    """``function(state)``: call a bit generator's ``double next_double(void *state)`` by address."""
    signature = types.float64(types.intp, types.intp)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        address, at = args
        pointer = ir.IntType(8).as_pointer()
        kind = ir.FunctionType(ir.DoubleType(), [pointer])
        return builder.call(builder.inttoptr(address, kind.as_pointer()), [builder.inttoptr(at, pointer)])

    return signature, codegen


@compiled
def _fill(functions: np.ndarray, states: np.ndarray, counts: np.ndarray, out: np.ndarray) -> None:
    """``counts[b]`` doubles from stream b into ``out``, block after block.

    The counts are checked first: a compiled loop would write out of bounds without a word.
    """
    total = 0
    for b in range(counts.size):
        if counts[b] < 0:
            raise ValueError("a negative count of uniforms")
        total += counts[b]
    if counts.size != functions.size or total != out.size:
        raise ValueError("the counts of uniforms do not match the streams and the array to fill")
    start = 0
    for b in range(counts.size):
        function, state = functions[b], states[b]
        for i in range(start, start + counts[b]):
            out[i] = _next_double(function, state)
        start += counts[b]


class Streams:
    """The random streams of a batch's runs, drawn from together.

    Attributes:
        rngs: One generator per run, in block order.
    """

    def __init__(self, rngs: Sequence[np.random.Generator]) -> None:
        """Keep the generators and the addresses of their C interface.

        Args:
            rngs: Each run's random stream, in block order.
        """
        self.rngs = list(rngs)
        interfaces = [rng.bit_generator.ctypes for rng in self.rngs]
        self._functions = np.array([ctypes.cast(i.next_double, ctypes.c_void_p).value for i in interfaces], np.intp)
        self._states = np.array([i.state_address for i in interfaces], np.intp)

    def uniforms(self, counts: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` with ``counts[b]`` uniforms from run b's stream, run after run.

        Args:
            counts: Uniforms to draw from each run's stream (one per run).
            out: Where they go: a float64 array of ``counts.sum()`` elements, contiguous.

        Raises:
            ValueError: The counts are not one per run, are negative or do not add up to ``out``'s
                size, or ``out`` is not a contiguous float64 array.

        Returns:
            ``out``, as ``np.concatenate([rng.random(c) for rng, c in zip(rngs, counts)])``
            would fill it (and with every stream left as those calls leave it).
        """
        if out.dtype != np.float64 or not out.flags.c_contiguous:
            raise ValueError("uniforms are written into a contiguous float64 array")
        _fill(self._functions, self._states, np.asarray(counts, dtype=np.intp), out.reshape(-1))
        return out
