"""PyTorch data sets: a stream split across DataLoader workers, and a file.

Imported lazily by ``synbols_gpu`` (``synbols_gpu.SynbolsIterableDataset``,
``synbols_gpu.SynbolsH5``), so torch stays optional.

A sample is ``(x, mask, attrs)``: ``x`` a uint8 tensor (C, H, W), ``mask``
a uint8 tensor shaped like one sample's stored mask ((H, W, K), (H, W) or
(H, W, 2) by mask mode), ``attrs`` a dict of Python scalars and strings
(char, font, alphabet, scale, rotation, is_bold, is_slant, n_symbols,
seed, index) and ``translation`` (a float64 tensor of 2), which the
default collate function batches (strings into lists).
"""

import json
import os

import numpy as np
import torch
import torch.utils.data as tud

from ._records import COLUMNS, columns
from ._spec import stream_args
from ._stream import Stream

PARTS = {"train": 0, "valid": 1, "test": 2}
_SCALARS = ("char", "font", "alphabet", "scale", "rotation", "is_bold", "is_slant",
            "n_symbols", "seed", "index")


def _sample_attrs(cols, i):
    a = {k: cols[k][i].item() for k in _SCALARS}
    a["translation"] = torch.from_numpy(np.array(cols["translation"][i], dtype=np.float64))
    return a


def _chw(x):
    # (B, H, W, C) -> a contiguous (B, C, H, W) uint8 tensor: one copy a batch.
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def _batch_attrs(attrs):
    out = {}
    for k, v in attrs.items():
        if k == "records":
            out[k] = v
        elif isinstance(v, np.ndarray) and v.dtype.kind == "U":
            out[k] = v.tolist()
        elif isinstance(v, np.ndarray):
            if v.dtype == np.uint32:
                v = v.astype(np.int64)
            out[k] = torch.from_numpy(v)
        else:
            out[k] = v
    return out


def worker_range(start, stop, worker, workers):
    """The contiguous part [a, b) of [start, stop) that worker of workers reads."""
    n = stop - start
    return start + worker * n // workers, start + (worker + 1) * n // workers


class SynbolsIterableDataset(tud.IterableDataset):
    """Samples [start, stop) of a dataset streamed from ``synbols-gpu stream``.

    Under a DataLoader each worker streams its own contiguous part of the
    range (``worker_range``) from its own engine process, started in the
    worker when it begins iterating (after the fork), so every index is
    yielded exactly once. ``stop=None`` streams without end (one worker only).

    ``batched=False`` (default) yields samples (see the module doc);
    ``batched=True`` yields whole engine batches of ``batch_size``:
    ``x`` (B, C, H, W) uint8, ``mask`` (B, *mask_shape), ``attrs`` with
    tensors, lists of strings and ``records``; use it with
    ``DataLoader(ds, batch_size=None)``. Other keyword options become
    ``synbols-gpu stream`` flags, as in ``stream()``.
    """

    def __init__(self, spec, seed=42, start=0, stop=None, batch_size=256, batched=False,
                 backend="auto", **options):
        super().__init__()
        self.seed, self.start, self.stop, self.batch_size = stream_args(seed, start, stop, batch_size)
        self.spec, self.batched, self.backend, self.options = spec, batched, backend, options

    def __len__(self):
        if self.stop is None:
            raise TypeError("an unbounded SynbolsIterableDataset has no length")
        n = self.stop - self.start
        return -(-n // self.batch_size) if self.batched else n

    def _range(self):
        info = tud.get_worker_info()
        if info is None or info.num_workers == 1:
            return self.start, self.stop
        if self.stop is None:
            raise ValueError("SynbolsIterableDataset: several DataLoader workers need a stop")
        return worker_range(self.start, self.stop, info.id, info.num_workers)

    def __iter__(self):
        a, b = self._range()
        if b is not None and a >= b:
            return
        with Stream(self.spec, seed=self.seed, batch_size=self.batch_size, start=a, stop=b,
                    backend=self.backend, **self.options) as s:
            for x, mask, attrs in s:
                if self.batched:
                    yield _chw(x), torch.from_numpy(mask), _batch_attrs(attrs)
                    continue
                xt, mt = _chw(x), torch.from_numpy(mask)
                for i in range(len(xt)):
                    yield xt[i], mt[i], _sample_attrs(attrs, i)


def _strings(a):
    a = np.asarray(a)
    if a.dtype.kind == "U":
        return a
    if a.dtype.kind in "SO":
        return np.array([v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in a.ravel()],
                        dtype=str).reshape(a.shape)
    return a


# Columns coded in another column's value list (attr/symbol_char in
# attr/char_values, …); a code outside the list (padding) reads as "".
_BOOKS = {"symbol_char": "char", "true_char": "char", "symbol_font": "font"}

_DTYPES = {"scale": np.float64, "rotation": np.float64, "translation": np.float64,
           "is_bold": bool, "is_slant": bool, "n_symbols": np.int64, "seed": np.uint32}


def read_columns(f):
    """The per-sample columns of an open h5py file and where they came from:
    ``"typed"`` (the ``attr/*`` datasets: ``attr/NAME`` indices into
    ``attr/NAME_values`` for categorical ones, values otherwise), ``"json"``
    (parsed from ``y``, e.g. for files of the original Synbols) or
    ``"typed+json"`` when only some are typed."""
    n = f["x"].shape[0]
    cols = {}
    g = f.get("attr")
    if isinstance(g, type(f["/"])):
        names = set(g.keys())
        for name in names:
            if name.endswith("_values") and name[:-len("_values")] in names:
                continue
            ds = g[name]
            if not hasattr(ds, "shape") or not ds.shape or ds.shape[0] != n:
                continue
            v = np.asarray(ds[()])
            book = _BOOKS.get(name, name) + "_values"
            if book in names and v.dtype.kind in "iu":
                values = _strings(g[book][()])
                codes = v.astype(np.int64)
                ok = (codes >= 0) & (codes < len(values))
                v = np.where(ok, values[np.where(ok, codes, 0)] if len(values) else "", "")
            else:
                v = _strings(v)
            if name in _DTYPES and v.dtype.kind != "U":
                v = v.astype(_DTYPES[name])
            cols[name] = v
        if "translation" not in cols and "translation_x" in cols and "translation_y" in cols:
            cols["translation"] = np.stack([cols["translation_x"], cols["translation_y"]], axis=1).astype(np.float64)
    typed = bool(cols)
    missing = [k for k in COLUMNS if k != "index" and k not in cols]
    if missing:
        parsed = columns([json.loads(r) for r in f["y"]])
        for k in missing:
            cols[k] = parsed[k]
    cols["index"] = np.arange(n, dtype=np.int64)
    return cols, ("typed+json" if typed and missing else "typed" if typed else "json")


def split_indices(f, split, part):
    """The sorted rows of ``part`` (train, valid, test) of ``split`` in an
    open h5py file and where they came from: ``"split_index"`` (the file's
    ``split_index/<split>/<part>``, read as is) or ``"split"`` (the rows
    of ``split/<split>``'s column that are set: files without split_index,
    e.g. those of the original Synbols)."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {sorted(PARTS)}, not {part!r}")
    g = f.get("split_index")
    if g is not None and split in g and part in g[split]:
        return np.asarray(g[split][part][()], dtype=np.int64).reshape(-1), "split_index"
    if "split" not in f or split not in f["split"]:
        have = sorted(set(f["split"].keys() if "split" in f else []) | set(g.keys() if g is not None else []))
        raise KeyError(f"{f.filename} has no split {split!r} (it has {have})")
    s = np.asarray(f["split"][split][()]).astype(bool)
    return np.flatnonzero(s[:, PARTS[part]]).astype(np.int64), "split"


class SynbolsH5(tud.Dataset):
    """A map-style Dataset over a synbols-gpu (or original Synbols) file.

    ``split`` names a partition (``"random"``, ``"stratified_font"``, …) and
    ``part`` one of its columns (train, valid, test); ``split=None`` takes
    every sample; the rows come from ``split_index/<split>/<part>`` where the
    file has it, else from ``split/<split>`` (``indices_source`` says which).
    Items are samples as in the module doc; ``attrs["index"]``
    is the row in the file. The per-sample columns are read once at
    construction (``columns``, ``columns_source``: typed ``attr/*``
    datasets where present, else the JSON ``y``); images and masks are read
    per item through an h5py handle each process opens for itself (h5py
    handles do not survive a fork).
    """

    def __init__(self, path, split=None, part="train", transform=None):
        import h5py

        self.path, self.split, self.part, self.transform = os.fspath(path), split, part, transform
        with h5py.File(self.path, "r") as f:
            n = f["x"].shape[0]
            if split is None:
                self.indices, self.indices_source = np.arange(n, dtype=np.int64), None
            else:
                self.indices, self.indices_source = split_indices(f, split, part)
            self.columns, self.columns_source = read_columns(f)
            self.mask_mode = f.attrs.get("mask_mode", "symbols")
            if isinstance(self.mask_mode, bytes):
                self.mask_mode = self.mask_mode.decode()
        self._h5, self._pid = None, None

    def __len__(self):
        return len(self.indices)

    def _file(self):
        if self._h5 is None or self._pid != os.getpid():
            import h5py

            self._h5 = h5py.File(self.path, "r", rdcc_nbytes=32 << 20)
            self._pid = os.getpid()
        return self._h5

    def __getstate__(self):
        d = dict(self.__dict__)
        d["_h5"], d["_pid"] = None, None
        return d

    def __getitem__(self, i):
        j = int(self.indices[i])
        f = self._file()
        x = torch.from_numpy(np.ascontiguousarray(f["x"][j].transpose(2, 0, 1)))
        mask = torch.from_numpy(np.asarray(f["mask"][j]))
        attrs = _sample_attrs(self.columns, j)
        if self.transform is not None:
            x = self.transform(x)
        return x, mask, attrs

    def record(self, i):
        """The parsed JSON record of item i."""
        return json.loads(self._file()["y"][int(self.indices[i])])
