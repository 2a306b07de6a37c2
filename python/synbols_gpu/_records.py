"""Typed columns built from the JSON attribute records."""

import numpy as np

# Columns every batch's attrs has (besides "records").
COLUMNS = ("char", "font", "alphabet", "scale", "rotation", "translation",
           "is_bold", "is_slant", "n_symbols", "seed", "index")


def _bool(v):
    if isinstance(v, str):
        return v == "True" or v == "true"
    return bool(v)


def columns(records, first_index=0, index=None):
    """A dict of numpy columns from parsed records (the first symbol's
    fields, repeated at the record's top level)."""
    n = len(records)
    if index is None:
        index = np.arange(first_index, first_index + n, dtype=np.int64)
    sym = [r.get("symbols") for r in records]
    return {
        "char": np.array([r.get("char", "") for r in records], dtype=str if n else "<U1"),
        "font": np.array([r.get("font", "") for r in records], dtype=str if n else "<U1"),
        "alphabet": np.array([r.get("alphabet", "") for r in records], dtype=str if n else "<U1"),
        "scale": np.array([r.get("scale", np.nan) for r in records], dtype=np.float64),
        "rotation": np.array([r.get("rotation", np.nan) for r in records], dtype=np.float64),
        "translation": np.array([r.get("translation", (np.nan, np.nan)) for r in records],
                                dtype=np.float64).reshape(n, 2),
        "is_bold": np.array([_bool(r.get("is_bold", False)) for r in records], dtype=bool),
        "is_slant": np.array([_bool(r.get("is_slant", False)) for r in records], dtype=bool),
        "n_symbols": np.array([len(s) if s is not None else 1 for s in sym], dtype=np.int64),
        "seed": np.array([r.get("seed", 0) for r in records], dtype=np.uint32),
        "index": np.asarray(index, dtype=np.int64),
    }
