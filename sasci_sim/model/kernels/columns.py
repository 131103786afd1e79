"""Column sums of tall provider x innovation arrays, folded so numpy adds long contiguous runs."""

from __future__ import annotations

import math

import numpy as np


def column_counts(mask: np.ndarray) -> np.ndarray:
    """True cells per column of an N x M boolean array (int64, length M).

    Summing down a tall, narrow array runs one short vector add per row; folding
    blocks of rows into wide rows lets numpy add long contiguous runs of bytes,
    with small integer accumulators that cannot overflow (at most 2**15 rows each).

    Args:
        mask: A C-contiguous N x M boolean array.

    Returns:
        The count per column.
    """
    return _fold_sum(mask.view(np.uint8), np.uint16, np.int64)


def column_counts_by_block(mask: np.ndarray, blocks: int) -> np.ndarray:
    """True cells per column of each of ``blocks`` equal blocks of rows of an N x M boolean array.

    Counts are whole numbers, so folding every block's rows at once gives each block's exact counts.

    Args:
        mask: A C-contiguous N x M boolean array, N a multiple of ``blocks``.
        blocks: Blocks of consecutive rows.

    Returns:
        The counts, block by block (int64, length ``blocks * M``).
    """
    n, m = mask.shape
    rows = n // blocks
    values = mask.view(np.uint8).reshape(blocks, rows * m)
    fold = max(1, min(4096 // max(m, 1), math.isqrt(rows)))  # rows folded into one wide row
    folded = min(rows // fold, 2**15)
    head = folded * fold * m
    out = values[:, head:].reshape(blocks, -1, m).sum(axis=1, dtype=np.int64)
    if folded:
        wide = values[:, :head].reshape(blocks, folded, fold * m).sum(axis=1, dtype=np.uint16)
        out += wide.reshape(blocks, fold, m).sum(axis=1, dtype=np.int64)
    return out.ravel()


def column_sums(values: np.ndarray) -> np.ndarray:
    """Sum per column of an N x M float array (float64, length M), folded as ``column_counts``.

    The first fold adds in the array's own type (float32 sums of at most 2**15 terms keep
    about six significant digits); the second in float64.

    Args:
        values: A C-contiguous N x M float array.

    Returns:
        The sum per column.
    """
    return _fold_sum(values, values.dtype, np.float64)


def _fold_sum(values: np.ndarray, wide_dtype: type, dtype: type) -> np.ndarray:
    """Column sums of an N x M array: blocks of rows folded into wide rows, then the blocks added."""
    n, m = values.shape
    block = max(1, min(4096 // max(m, 1), math.isqrt(n)))  # balances the two folds on small arrays
    folded_rows = n // block
    if folded_rows > 2**15:
        block = -(-n // 2**15)
        folded_rows = n // block
    head = folded_rows * block
    out = values[head:].sum(axis=0, dtype=dtype)
    if folded_rows:
        wide = values[:head].reshape(folded_rows, block * m).sum(axis=0, dtype=wide_dtype)
        out += wide.reshape(block, m).sum(axis=0, dtype=dtype)
    return out


#: Weights of SASCI's capability clusters in the composite score; collaboration
#: was the strongest cluster (CPEC Working Paper 10).
