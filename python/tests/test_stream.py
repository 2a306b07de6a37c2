"""stream() and SynbolsIterableDataset against the file generate() writes.

StreamTests run against the real ``synbols-gpu stream`` and are skipped
until the binary has that sub-command (they are expected to pass once it
does); FakeStreamTests run the same checks against fake_engine.py, which
sends the file's rows in the same frame format with uneven frame sizes.
"""

import os
import unittest

import numpy as np

import common
import synbols_gpu as sg

N, SEED = 200, 11


class Checks:
    dataset = "default"

    def engine(self):
        raise NotImplementedError

    def ref(self):
        import h5py

        path = common.reference(self.dataset, N, SEED)
        with h5py.File(path, "r") as f:
            return np.array(f["x"]), np.array(f["mask"]), [r.decode() if isinstance(r, bytes) else r for r in f["y"]]

    def check_range(self, start, stop, batch_size):
        import json

        x, mask, y = self.ref()
        got, sizes = [], []
        with self.engine():
            s = sg.stream(self.dataset, seed=SEED, batch_size=batch_size, start=start, stop=stop, **common.FONTS)
            with s:
                h = s.header
                self.assertEqual(h["format"], "synbols-gpu-stream")
                self.assertEqual((h["height"], h["width"], h["channels"]), x.shape[1:])
                self.assertEqual(tuple(h["mask_shape"]), mask.shape[1:])
                for bx, bm, attrs in s:
                    got.append((bx, bm, attrs))
                    sizes.append(len(bx))
        n = stop - start
        self.assertEqual(sizes, [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else []))
        gx = np.concatenate([g[0] for g in got])
        gm = np.concatenate([g[1] for g in got])
        self.assertEqual(gx.dtype, np.uint8)
        np.testing.assert_array_equal(gx, x[start:stop])
        np.testing.assert_array_equal(gm, mask[start:stop])
        recs = [r for g in got for r in g[2]["records"]]
        self.assertEqual(recs, [json.loads(r) for r in y[start:stop]])
        idx = np.concatenate([g[2]["index"] for g in got])
        np.testing.assert_array_equal(idx, np.arange(start, stop))
        a = got[0][2]
        want = {"char": "U", "font": "U", "alphabet": "U", "scale": "f", "rotation": "f", "translation": "f",
                "is_bold": "b", "is_slant": "b", "n_symbols": "i", "seed": "u", "index": "i"}
        for k, kind in want.items():
            self.assertEqual(a[k].dtype.kind, kind, k)
            self.assertEqual(len(a[k]), len(got[0][0]), k)
        self.assertEqual(a["translation"].shape, (len(got[0][0]), 2))
        self.assertEqual(a["seed"].dtype, np.uint32)
        r0 = recs[0]
        self.assertEqual(a["char"][0], r0["char"])
        self.assertEqual(a["is_bold"][0], r0["is_bold"] == "True")
        self.assertEqual(a["scale"][0], r0["scale"])
        self.assertEqual(a["seed"][0], r0["seed"])

    def test_0_200(self):
        self.check_range(0, 200, 64)

    def test_50_120(self):
        self.check_range(50, 120, 64)

    def test_counting_symbol_masks(self):
        import h5py

        path = common.reference("counting", 60, SEED, symbol_masks=True)
        with h5py.File(path, "r") as f:
            x, mask, smask = np.array(f["x"]), np.array(f["mask"]), np.array(f["symbol_mask"])
        with self.engine():
            got = list(sg.stream("counting", seed=SEED, batch_size=16, start=10, stop=60, symbol_masks=True,
                                 **common.FONTS))
        self.assertEqual([len(g[0]) for g in got], [16, 16, 16, 2])
        np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), x[10:60])
        np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), mask[10:60])
        np.testing.assert_array_equal(np.concatenate([g[2]["symbol_mask"] for g in got]), smask[10:60])
        n_sym = np.concatenate([g[2]["n_symbols"] for g in got])
        self.assertEqual(n_sym.tolist(), [len(r["symbols"]) for g in got for r in g[2]["records"]])
        self.assertGreater(n_sym.max(), 1)

    def test_iterable_dataset_two_workers(self):
        common.require("torch")
        import torch.utils.data as tud

        ds = sg.SynbolsIterableDataset(self.dataset, seed=SEED, start=50, stop=120, batch_size=16, **common.FONTS)
        self.assertEqual(len(ds), 70)
        x, mask, _ = self.ref()
        seen = []
        with self.engine():
            dl = tud.DataLoader(ds, batch_size=10, num_workers=2)
            for bx, bm, attrs in dl:
                self.assertEqual(tuple(bx.shape[1:]), (x.shape[3], x.shape[1], x.shape[2]))
                for i, j in enumerate(attrs["index"].tolist()):
                    np.testing.assert_array_equal(bx[i].permute(1, 2, 0).numpy(), x[j])
                    np.testing.assert_array_equal(bm[i].numpy(), mask[j])
                seen += attrs["index"].tolist()
                self.assertIsInstance(attrs["char"], list)
        self.assertEqual(sorted(seen), list(range(50, 120)))

    def test_iterable_dataset_batched(self):
        common.require("torch")
        import torch.utils.data as tud

        ds = sg.SynbolsIterableDataset(self.dataset, seed=SEED, start=0, stop=40, batch_size=16, batched=True,
                                       **common.FONTS)
        x, _, _ = self.ref()
        seen = []
        with self.engine():
            for bx, bm, attrs in tud.DataLoader(ds, batch_size=None, num_workers=2):
                seen += attrs["index"].tolist()
                self.assertEqual(len(attrs["records"]), len(bx))
                np.testing.assert_array_equal(bx.permute(0, 2, 3, 1).numpy(), x[attrs["index"].numpy()])
        self.assertEqual(sorted(seen), list(range(40)))


class StreamTests(Checks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        if not common.stream_available():
            raise unittest.SkipTest("the binary has no `stream` sub-command yet (these tests pass once it has)")

    def engine(self):
        class Real:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                pass

        return Real()


class FakeStreamTests(Checks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        common.binary()

    def engine(self, **env):
        return common.FakeEngine(**env)

    def test_error_frame(self):
        with self.engine(FAKE_STREAM_FAIL_AT=30):
            s = sg.stream(self.dataset, seed=SEED, batch_size=16, stop=100, **common.FONTS)
            with self.assertRaises(RuntimeError) as cm:
                for _ in s:
                    pass
        self.assertIn("injected failure", str(cm.exception))

    def test_engine_dies(self):
        with self.engine(FAKE_STREAM_DIE_AT=30):
            s = sg.stream(self.dataset, seed=SEED, batch_size=16, stop=100, **common.FONTS)
            with self.assertRaises(RuntimeError) as cm:
                for _ in s:
                    pass
        self.assertIn("status 3", str(cm.exception))

    def test_empty_range(self):
        with self.engine():
            self.assertEqual(list(sg.stream(self.dataset, seed=SEED, start=5, stop=5, **common.FONTS)), [])

    def test_close_early_stops_the_process(self):
        with self.engine():
            s = sg.stream(self.dataset, seed=SEED, batch_size=8, stop=200, **common.FONTS)
            next(iter(s))
            p = s._proc
            s.close()
            self.assertIsNotNone(p.poll())


if __name__ == "__main__":
    unittest.main()
