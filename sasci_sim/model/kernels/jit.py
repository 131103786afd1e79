"""Compiling the few loops numpy cannot fuse, with Numba (ODD 7.11).

A kernel compiled here is a plain loop over arrays: no Python objects, no fused or reordered
floating-point arithmetic (Numba's default), so it computes what the numpy it replaces computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba import njit


def compiled(fn: Callable[..., Any]) -> Any:
    """``fn`` compiled on its first call, and cached on disk so that later processes load it.

    Where no cache folder can be written (a read-only install), each process compiles it again.

    Args:
        fn: A function Numba can compile in nopython mode.

    Returns:
        The compiled function (called as ``fn`` is).
    """
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba found nowhere to keep the cache
        return njit(nogil=True)(fn)
