"""Flat cell indices of a provider x innovation array, and back to rows and columns.

Rules draw events over the flattened (row-major) cell arrays; this turns the drawn cells back
into (provider, innovation) pairs. ``cells - rows * m`` is cheaper than a second division.
"""

from __future__ import annotations

import numpy as np


def split_cells(cells: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (providers) and columns (innovations) of flat indices into an N x m array.

    Args:
        cells: Flat row-major indices.
        m: The number of columns (innovations).

    Returns:
        The row and the column of each cell, in the order of ``cells``.
    """
    rows = cells // m
    return rows, cells - rows * m
