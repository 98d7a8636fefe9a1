"""classifier.arrow_arrays: Arrow arrays made without pyarrow.array hold what pyarrow.array would."""

from __future__ import annotations

import numpy as np
import pyarrow
import pytest

from classifier.arrow_arrays import binary_array, filled, literal, numbers, strings


def test_binary_array_cuts_the_data_at_the_ends_given():
    array = binary_array(b"one two  three", np.array([4, 8, 9, 14]))
    assert array.to_pylist() == [b"one ", b"two ", b" ", b"three"]
    assert binary_array(b"", np.array([], dtype=np.int64)).to_pylist() == []


def test_strings_keep_nulls_and_any_unicode():
    values = ["Alep", None, "", "accusé l’armée", "𝐀𝐂𝐂𝐔𝐒𝐄𝐃"]
    assert strings(values).equals(pyarrow.array(values, pyarrow.string()))


def test_strings_refuse_what_is_not_a_string_as_pyarrow_array_does():
    with pytest.raises(TypeError):
        strings(["text", 5])
    with pytest.raises(UnicodeError):
        strings(["lone \ud800 surrogate"])


@pytest.mark.parametrize("values", [
    np.array([0, -1, 2**62, 7], dtype=np.int64),
    np.array([0.5, -0.0, np.nan, 1e300]),
    np.array([True, False, False, True, True, False, True, False, True]),  # more than a byte of bits
])
def test_numbers_hold_the_numpy_values(values):
    array = numbers(values)
    assert array.type == pyarrow.array(values).type and array.null_count == 0
    np.testing.assert_array_equal(array.to_numpy(zero_copy_only=False), values)  # NaN equals NaN here


def test_numbers_of_a_strided_column_and_with_nulls():
    matrix = np.arange(12, dtype=np.float64).reshape(4, 3)
    assert numbers(matrix[:, 1]).to_pylist() == [1.0, 4.0, 7.0, 10.0]
    valid = np.array([True, False, True, False])
    assert numbers(np.array([1, 0, 3, 0], dtype=np.int64), valid).to_pylist() == [1, None, 3, None]


def test_literal_is_a_string_scalar_and_made_once():
    assert literal('"') == pyarrow.scalar('"')
    assert literal("null") is literal("null")


def test_filled_replaces_nulls_also_in_a_slice():
    array = pyarrow.array([3, None, 5, None, 9, 1, None, 2, 4, None], pyarrow.int32())
    np.testing.assert_array_equal(filled(array, -1), [3, -1, 5, -1, 9, 1, -1, 2, 4, -1])
    np.testing.assert_array_equal(filled(array[3:9], -7), [-7, 9, 1, -7, 2, 4])
    np.testing.assert_array_equal(filled(pyarrow.array([1, 2], pyarrow.int32()), -1), [1, 2])
