"""Arrow arrays and scalars made from numpy buffers and Arrow's builders.

pyarrow.array, pyarrow.scalar, fill_null and every Python value passed to a compute function
import pandas, to check whether they were given a pandas object (apache/arrow#34994): a third of a
second in every process that tags, before its first row. Tagging makes its arrays here instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np
import pyarrow


def binary_array(data: bytes, ends: np.ndarray) -> pyarrow.Array:
    """The byte strings of ``data`` that end at ``ends`` (each starts where the one before ends),
    not copied."""
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    return pyarrow.LargeBinaryArray.from_buffers(
        pyarrow.large_binary(), len(ends), [None, pyarrow.py_buffer(offsets), pyarrow.py_buffer(data)]
    )


def strings(values: Sequence[str | None]) -> pyarrow.Array:
    """Python strings (None for null) as an Arrow string array."""
    builder = pyarrow.lib.StringBuilder()
    builder.append_values(values)
    return builder.finish()


def numbers(values: np.ndarray, valid: np.ndarray | None = None) -> pyarrow.Array:
    """A one-dimensional numpy array of int64, float64 or bool as Arrow; ``valid`` (bool) marks the
    values that are not null."""
    kinds = {np.dtype(np.int64): pyarrow.int64(), np.dtype(np.float64): pyarrow.float64(), np.dtype(bool): pyarrow.bool_()}
    kind = kinds[values.dtype]
    data = np.packbits(values, bitorder="little") if values.dtype == bool else np.ascontiguousarray(values)
    validity = None if valid is None else pyarrow.py_buffer(np.packbits(valid, bitorder="little"))
    return pyarrow.Array.from_buffers(kind, len(values), [validity, pyarrow.py_buffer(data)])


@lru_cache(maxsize=256)  # field names, separators and a document's name: only a few live long
def literal(text: str) -> pyarrow.Scalar:
    """A string scalar, to pass to compute functions in place of a Python string."""
    return strings([text])[0]


def filled(array: pyarrow.Array, missing: int) -> np.ndarray:
    """An Arrow int32 array as int64 numpy, its nulls replaced by ``missing``."""
    validity, values = array.buffers()
    result = np.frombuffer(values, np.int32, len(array), array.offset * 4).astype(np.int64)
    if validity is not None and array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, np.uint8), count=array.offset + len(array), bitorder="little")
        result[bits[array.offset:] == 0] = missing
    return result
