"""Numpy arrays as JSON: how policy state is stored in a JSON column.

An array becomes ``{"dtype": "float64", "shape": [3, 3], "data": "<base64>"}``: exact
(no decimal round trip, so a policy restored from the store decides exactly as before the
restart) and a third of the size of a list of decimal numbers.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["decode_array", "encode_array"]

_DTYPES = {"float64": np.float64, "int64": np.int64}


def encode_array(array: npt.NDArray[Any]) -> dict[str, Any]:
    """A JSON-serialisable, lossless form of a float64 or int64 array."""
    dtype = "int64" if np.issubdtype(array.dtype, np.integer) else "float64"
    data = np.ascontiguousarray(array, dtype=_DTYPES[dtype]).astype(f"<{dtype[0]}8")
    return {
        "dtype": dtype,
        "shape": list(array.shape),
        "data": base64.b64encode(data.tobytes()).decode("ascii"),
    }


def decode_array(data: dict[str, Any]) -> npt.NDArray[Any]:
    """The array :func:`encode_array` wrote.

    Raises
    ------
    ValueError
        Not an encoded array, or its bytes do not fit its shape.
    """
    try:
        dtype = data["dtype"]
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["data"], validate=True)
        kind = _DTYPES[dtype]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not an encoded array") from exc
    try:
        array = np.frombuffer(raw, dtype=f"<{dtype[0]}8").astype(kind)
        return array.reshape(shape).copy()
    except ValueError as exc:
        raise ValueError(f"not an encoded array ({exc})") from exc
