"""SynbolsH5: typed attr/* columns where the file has them, else the JSON y."""

import json
import os
import shutil
import unittest

import numpy as np

import common
import synbols_gpu as sg
from synbols_gpu._records import COLUMNS, columns

N, SEED = 150, 3


def json_columns(path):
    import h5py

    with h5py.File(path, "r") as f:
        return columns([json.loads(r) for r in f["y"]])


def copy_without_attr(src, dst):
    import h5py

    shutil.copyfile(src, dst)
    with h5py.File(dst, "a") as f:
        if "attr" in f:
            del f["attr"]
    return dst


def write_typed(path, cols):
    """The typed layout: attr/NAME indices into attr/NAME_values for
    strings, values otherwise."""
    import h5py

    with h5py.File(path, "a") as f:
        if "attr" in f:
            del f["attr"]
        g = f.create_group("attr")
        for k, v in cols.items():
            if k == "index":
                continue
            if v.dtype.kind == "U":
                values, inv = np.unique(v, return_inverse=True)
                g.create_dataset(k, data=inv.astype(np.int32))
                g.create_dataset(k + "_values", data=np.array([s.encode() for s in values], dtype=h5py.string_dtype()))
            else:
                g.create_dataset(k, data=v)


class TestSynbolsH5(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        common.require("torch")
        common.binary()
        cls.path = common.reference("default", N, SEED)
        cls.want = json_columns(cls.path)

    def assert_columns(self, ds):
        for k in COLUMNS:
            np.testing.assert_array_equal(ds.columns[k], self.want[k], err_msg=k)

    def check_items(self, ds, path):
        x, mask, y, splits = sg.load(path)
        for i in (0, 1, len(ds) - 1):
            xi, mi, a = ds[i]
            j = a["index"]
            self.assertEqual(j, int(ds.indices[i]))
            self.assertEqual(tuple(xi.shape), (x.shape[3], x.shape[1], x.shape[2]))
            self.assertEqual(str(xi.dtype), "torch.uint8")
            np.testing.assert_array_equal(xi.permute(1, 2, 0).numpy(), x[j])
            np.testing.assert_array_equal(mi.numpy(), mask[j])
            self.assertEqual(a["char"], y[j]["char"])
            self.assertEqual(a["font"], y[j]["font"])
            self.assertEqual(a["is_bold"], y[j]["is_bold"] == "True")
            self.assertEqual(a["rotation"], y[j]["rotation"])
            self.assertEqual(a["translation"].tolist(), y[j]["translation"])
            self.assertEqual(ds.record(i), y[j])

    def test_file_as_written(self):
        import h5py

        ds = sg.SynbolsH5(self.path)
        with h5py.File(self.path, "r") as f:
            typed = "attr" in f
        self.assertEqual(ds.columns_source.startswith("typed"), typed)
        self.assertEqual(len(ds), N)
        self.assert_columns(ds)
        self.check_items(ds, self.path)

    def test_without_typed_columns(self):
        p = copy_without_attr(self.path, os.path.join(common.tmpdir(), "no-attr.h5py"))
        ds = sg.SynbolsH5(p)
        self.assertEqual(ds.columns_source, "json")
        self.assert_columns(ds)
        self.check_items(ds, p)

    def test_with_typed_columns(self):
        p = os.path.join(common.tmpdir(), "typed.h5py")
        shutil.copyfile(self.path, p)
        write_typed(p, self.want)
        ds = sg.SynbolsH5(p)
        self.assertEqual(ds.columns_source, "typed")
        self.assert_columns(ds)
        self.check_items(ds, p)

    def test_splits(self):
        _, _, _, splits = sg.load(self.path)
        for name in ("random", "stratified_font"):
            parts = [sg.SynbolsH5(self.path, split=name, part=p) for p in ("train", "valid", "test")]
            self.assertEqual(sum(len(d) for d in parts), N)
            for c, d in enumerate(parts):
                np.testing.assert_array_equal(d.indices, np.flatnonzero(splits[name][:, c]))
        fonts = [set(sg.SynbolsH5(self.path, split="stratified_font", part=p).columns["font"][
            sg.SynbolsH5(self.path, split="stratified_font", part=p).indices]) for p in ("train", "valid", "test")]
        self.assertFalse(fonts[0] & fonts[1] or fonts[0] & fonts[2] or fonts[1] & fonts[2])
        with self.assertRaises(KeyError):
            sg.SynbolsH5(self.path, split="nope")

    def test_dataloader_workers(self):
        import torch.utils.data as tud

        ds = sg.SynbolsH5(self.path, split="random", part="train")
        ds[0]  # a handle opened in the parent before the fork: each worker opens its own
        seen = []
        for x, mask, a in tud.DataLoader(ds, batch_size=16, num_workers=2):
            self.assertEqual(x.shape[1:], (3, 32, 32))
            seen += a["index"].tolist()
        self.assertEqual(sorted(seen), sorted(ds.indices.tolist()))

    def test_counting_flatten(self):
        p = common.reference("counting", 20, SEED)
        ds = sg.SynbolsH5(p)
        x, mask, y, _ = sg.load(p)
        self.assertEqual(ds[0][1].shape, mask.shape[1:])
        np.testing.assert_array_equal(ds.columns["n_symbols"], [len(r["symbols"]) for r in y])


if __name__ == "__main__":
    unittest.main()
