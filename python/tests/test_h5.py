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

    def test_split_index(self):
        import h5py

        with h5py.File(self.path, "r") as f:
            self.assertIn("split_index", f)  # as synbols-gpu writes it
            want = {(name, c): np.flatnonzero(np.asarray(f["split"][name])[:, c]) for name in f["split"]
                    for c in range(3)}
        # A copy whose split_index rows differ from split/* says which one was read.
        p = os.path.join(common.tmpdir(), "split-index-marked.h5py")
        shutil.copyfile(self.path, p)
        with h5py.File(p, "a") as f:
            del f["split_index/random/valid"]
            f["split_index/random/valid"] = np.array([1, 4, 9], dtype=np.int64)
        for path, marked in ((self.path, False), (p, True)):
            for name in ("random", "stratified_font", "compositional_char_font"):
                for c, part in enumerate(("train", "valid", "test")):
                    ds = sg.SynbolsH5(path, split=name, part=part)
                    self.assertEqual(ds.indices_source, "split_index")
                    self.assertEqual(ds.indices.dtype, np.int64)
                    if marked and (name, part) == ("random", "valid"):
                        np.testing.assert_array_equal(ds.indices, [1, 4, 9])
                    else:
                        np.testing.assert_array_equal(ds.indices, want[(name, c)], err_msg=f"{name}/{part}")
        ds = sg.SynbolsH5(p, split="random", part="valid")
        self.assertEqual([ds[i][2]["index"] for i in range(3)], [1, 4, 9])
        np.testing.assert_array_equal(ds[2][0].permute(1, 2, 0).numpy(), sg.load(p)[0][9])

    def test_without_split_index(self):
        import h5py

        p = os.path.join(common.tmpdir(), "no-split-index.h5py")
        shutil.copyfile(self.path, p)
        with h5py.File(p, "a") as f:
            del f["split_index"]
        _, _, _, splits = sg.load(p)
        for name in ("random", "stratified_char"):
            for c, part in enumerate(("train", "valid", "test")):
                ds = sg.SynbolsH5(p, split=name, part=part)
                self.assertEqual(ds.indices_source, "split")
                np.testing.assert_array_equal(ds.indices, np.flatnonzero(splits[name][:, c]))
        # Only one split's index missing: that one falls back, the others do not.
        p2 = os.path.join(common.tmpdir(), "some-split-index.h5py")
        shutil.copyfile(self.path, p2)
        with h5py.File(p2, "a") as f:
            del f["split_index/random"]
        self.assertEqual(sg.SynbolsH5(p2, split="random").indices_source, "split")
        self.assertEqual(sg.SynbolsH5(p2, split="stratified_font").indices_source, "split_index")
        with self.assertRaises(KeyError):
            sg.SynbolsH5(p, split="nope")
        with self.assertRaises(ValueError):
            sg.SynbolsH5(p, split="random", part="nope")

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


def original_records(n, rng):
    """Attribute records shaped like the original Synbols' (booleans as JSON
    true/false, no symbols list, no seed)."""
    chars, fonts = "abcdefgh", ["Arial", "Courier", "Helvetica"]
    out = []
    for i in range(n):
        out.append({"alphabet": "latin", "char": chars[i % len(chars)], "font": fonts[i % 3],
                    "is_bold": bool(i % 2), "is_slant": bool(i % 3 == 0),
                    "scale": float(rng.uniform(0.5, 1)), "rotation": float(rng.uniform(-1, 1)),
                    "translation": [float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1))],
                    "foreground": {"style": "solid"}, "background": {"style": "gradient"},
                    "resolution": [16, 16]})
    return out


def write_original(path, x, mask, records, splits, y_dtype="vlen"):
    """A file in the original Synbols' layout: x, mask, y (JSON strings),
    split/* bool; no attr/, no split_index, no attributes."""
    import h5py

    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=x)
        f.create_dataset("mask", data=mask)
        ys = [json.dumps(r) for r in records]
        if y_dtype == "vlen":
            f.create_dataset("y", data=np.array(ys, dtype=object), dtype=h5py.string_dtype())
        else:
            f.create_dataset("y", data=np.array([y.encode() for y in ys]))  # fixed-length bytes
        for name, s in splits.items():
            f.create_dataset("split/" + name, data=s)


class TestOriginalLayout(unittest.TestCase):
    """Files of the original Synbols, made here with h5py."""

    N = 40

    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        common.require("torch")

    def make(self, name, x_dtype, mask_dtype, y_dtype):
        rng = np.random.default_rng(len(name))
        n = self.N
        x = rng.integers(0, 256, (n, 16, 16, 3)).astype(x_dtype)
        if mask_dtype == np.uint8:
            mask = rng.integers(0, 2, (n, 16, 16, 1)).astype(np.uint8)
        else:
            mask = rng.uniform(0, 1, (n, 16, 16, 1)).astype(mask_dtype)
        records = original_records(n, rng)
        part = rng.integers(0, 3, n)
        part[:3] = [0, 1, 2]
        splits = {"random": np.eye(3, dtype=bool)[part], "stratified_font": np.eye(3, dtype=bool)[part[::-1]]}
        path = os.path.join(common.tmpdir(), name)
        write_original(path, x, mask, records, splits, y_dtype)
        return path, x, mask, records, splits

    def check(self, path, x, mask, records, splits):
        import h5py

        # load() gives what h5py reads.
        lx, lm, ly, ls = sg.load(path)
        with h5py.File(path, "r") as f:
            hx, hm = f["x"][()], f["mask"][()]
            hy = [json.loads(r) for r in f["y"][()]]
            hs = {k: f["split"][k][()] for k in f["split"]}
        for got, want in ((lx, hx), (lm, hm), (lx, x), (lm, mask)):
            self.assertEqual(got.dtype, want.dtype)
            np.testing.assert_array_equal(got, want)
        self.assertEqual(ly, hy)
        self.assertEqual(ly, records)
        self.assertEqual(set(ls), set(hs))
        for k in hs:
            self.assertEqual(ls[k].dtype, np.bool_)
            np.testing.assert_array_equal(ls[k], hs[k])
            np.testing.assert_array_equal(ls[k], splits[k])

        ds = sg.SynbolsH5(path)
        self.assertEqual(ds.columns_source, "json")
        self.assertEqual(ds.mask_mode, "symbols")
        self.assertEqual(len(ds), self.N)
        want = columns(records)
        for k in COLUMNS:
            np.testing.assert_array_equal(ds.columns[k], want[k], err_msg=k)
        for i in (0, 7, self.N - 1):
            xi, mi, a = ds[i]
            np.testing.assert_array_equal(xi.permute(1, 2, 0).numpy(), x[i])
            self.assertEqual(xi.numpy().dtype, x.dtype)
            np.testing.assert_array_equal(mi.numpy(), mask[i])
            self.assertEqual(mi.numpy().dtype, mask.dtype)
            r = records[i]
            self.assertEqual((a["char"], a["font"], a["alphabet"]), (r["char"], r["font"], "latin"))
            self.assertEqual((a["is_bold"], a["is_slant"]), (r["is_bold"], r["is_slant"]))
            self.assertEqual((a["scale"], a["rotation"]), (r["scale"], r["rotation"]))
            self.assertEqual(a["translation"].tolist(), r["translation"])
            self.assertEqual(a["n_symbols"], 1)
            self.assertEqual(a["index"], i)
            self.assertEqual(ds.record(i), r)
        for name in splits:
            for c, part in enumerate(("train", "valid", "test")):
                d = sg.SynbolsH5(path, split=name, part=part)
                self.assertEqual(d.indices_source, "split")
                np.testing.assert_array_equal(d.indices, np.flatnonzero(splits[name][:, c]))
                j = int(d.indices[0])
                np.testing.assert_array_equal(d[0][0].permute(1, 2, 0).numpy(), x[j])
                self.assertEqual(d[0][2]["index"], j)
        # DataLoader batches collate (mask float64 too).
        import torch.utils.data as tud

        bx, bm, ba = next(iter(tud.DataLoader(sg.SynbolsH5(path, split="random"), batch_size=8)))
        self.assertEqual(tuple(bm.shape[1:]), mask.shape[1:])
        self.assertIsInstance(ba["char"], list)

    def test_mask_float64(self):
        self.check(*self.make("orig-f64.h5", np.uint8, np.float64, "vlen"))

    def test_mask_uint8(self):
        self.check(*self.make("orig-u8.h5", np.uint8, np.uint8, "vlen"))

    def test_x_and_mask_float64_fixed_y(self):
        self.check(*self.make("orig-xf64.h5", np.float64, np.float64, "fixed"))


if __name__ == "__main__":
    unittest.main()
