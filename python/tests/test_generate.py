import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

import common
import synbols_gpu as sg
from synbols_gpu._spec import option_flags


class TestBinary(unittest.TestCase):
    def test_env_path(self):
        b = common.binary()
        old = os.environ.get("SYNBOLS_GPU")
        try:
            os.environ["SYNBOLS_GPU"] = b
            self.assertEqual(sg.find_binary(), b)
            os.environ["SYNBOLS_GPU"] = "/nonexistent/synbols-gpu"
            with self.assertRaises(FileNotFoundError) as cm:
                sg.find_binary()
            self.assertIn("SYNBOLS_GPU", str(cm.exception))
        finally:
            if old is None:
                os.environ.pop("SYNBOLS_GPU", None)
            else:
                os.environ["SYNBOLS_GPU"] = old

    def test_not_found_says_what_to_set(self):
        # A copy of the package outside any checkout, no env, empty PATH.
        import shutil
        import sys

        d = tempfile.mkdtemp(dir=common.tmpdir())
        shutil.copytree(os.path.dirname(sg.__file__), os.path.join(d, "synbols_gpu"))
        env = {"PATH": "/nonexistent", "PYTHONPATH": d}
        r = subprocess.run([sys.executable, "-c", "import synbols_gpu; synbols_gpu.find_binary()"],
                           env=env, cwd=d, capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("FileNotFoundError", r.stderr)
        self.assertIn("SYNBOLS_GPU", r.stderr)
        self.assertIn("PATH", r.stderr)

    def test_option_flags(self):
        self.assertEqual(option_flags({"font_dir": ["a", "b"], "quiet": True, "preview": False,
                                       "resolution": (64, 32), "workers": 2, "out": None}),
                         ["--font-dir", "a", "--font-dir", "b", "--quiet", "--preview=false",
                          "--resolution", "64x32", "--workers", "2"])


class TestGenerate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        common.require("h5py")
        common.binary()

    def test_preset(self):
        path = common.reference("tiny", 120, 7)
        x, mask, y, splits = sg.load(path)
        self.assertEqual(x.dtype, np.uint8)
        self.assertEqual(x.shape, (120, 8, 8, 1))
        self.assertEqual(mask.dtype, np.uint8)
        self.assertEqual(mask.shape, (120, 8, 8, 1))
        self.assertEqual(len(y), 120)
        self.assertIsInstance(y[0], dict)
        self.assertEqual(y[0]["resolution"], [8, 8])
        self.assertEqual(set(splits), {"random", "stratified_char", "stratified_font", "compositional_char_font"})
        for name, s in splits.items():
            self.assertEqual(s.shape, (120, 3), name)
            self.assertEqual(s.dtype, np.bool_, name)
            np.testing.assert_array_equal(s.sum(axis=1), 1, err_msg=name)

    def test_default_out_is_dataset_name_in_cwd(self):
        d = tempfile.mkdtemp(dir=common.tmpdir())
        old = os.getcwd()
        os.chdir(d)
        try:
            p = sg.generate("tiny", 10, quiet=True, **common.FONTS)
        finally:
            os.chdir(old)
        self.assertEqual(p, os.path.join(d, "tiny.h5py"))
        self.assertTrue(os.path.isfile(p))
        self.assertTrue(os.path.isfile(os.path.join(d, "tiny_preview.png")))

    def test_default_out_follows_format_and_shard(self):
        # The path returned is the file written: NAME.npz, the wds
        # manifest, a shard's NAME-A-B.h5py (it was NAME.h5py for all).
        for opts, want, rows in [({"format": "npz"}, "tiny.npz", 10),
                                 ({"format": "wds"}, "tiny.json", None),
                                 ({"shard": "1/3"}, "tiny-3-6.h5py", None),
                                 ({"range": "4:9"}, "tiny-4-9.h5py", None)]:
            d = tempfile.mkdtemp(dir=common.tmpdir())
            old = os.getcwd()
            os.chdir(d)
            try:
                got = sg.generate("tiny", 10, quiet=True, **opts, **common.FONTS)
            finally:
                os.chdir(old)
            self.assertEqual(got, os.path.join(d, want), opts)
            self.assertTrue(os.path.isfile(got), opts)
            self.assertFalse(os.path.exists(os.path.join(d, "tiny.h5py")), opts)
            if rows is not None:
                self.assertEqual(len(np.load(got)["x"]), rows, opts)
        self.assertFalse(os.path.exists(os.path.join(d, "tiny.h5py")))

    def test_dict_spec(self):
        spec = {"name": "py-dict", "base": "default", "resolution": [16, 24],
                "symbol": {"bold": False, "char": "a", "rotation": 0}}
        d = tempfile.mkdtemp(dir=common.tmpdir())
        out = sg.generate(spec, 40, seed=5, out=os.path.join(d, "dict.h5py"), quiet=True, **common.FONTS)
        x, mask, y, splits = sg.load(out)
        self.assertEqual(x.shape, (40, 24, 16, 3))  # resolution is [width, height]
        self.assertTrue(all(r["char"] == "a" and r["is_bold"] == "False" and r["rotation"] == 0 for r in y))
        import h5py

        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["dataset"], "py-dict")
        # The same spec as a YAML file gives the same bytes.
        yaml = os.path.join(d, "py-dict.yaml")
        with open(yaml, "w") as f:
            json.dump(spec, f)
        out2 = sg.generate(yaml, 40, seed=5, out=os.path.join(d, "yaml.h5py"), quiet=True, **common.FONTS)
        x2, mask2, y2, _ = sg.load(out2)
        np.testing.assert_array_equal(x, x2)
        self.assertEqual(y, y2)

    def test_yaml_text_spec(self):
        # A string with a line break is YAML text, not a preset's name:
        # before, it went to --dataset and failed as an unknown preset.
        text = ("name: py-text\nbase: default\nresolution: [16, 24]\n"
                "symbol: {bold: false, char: a, rotation: 0}\n")
        d = tempfile.mkdtemp(dir=common.tmpdir())
        out = sg.generate(text, 30, seed=5, out=os.path.join(d, "text.h5py"), quiet=True, **common.FONTS)
        x, _, y, _ = sg.load(out)
        self.assertEqual(x.shape, (30, 24, 16, 3))
        self.assertTrue(all(r["char"] == "a" for r in y))
        import h5py

        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["dataset"], "py-text")
        # Without out, the file is named after the spec's name: field.
        old = os.getcwd()
        os.chdir(d)
        try:
            p = sg.generate(text, 5, quiet=True, **common.FONTS)
        finally:
            os.chdir(old)
        self.assertEqual(p, os.path.join(d, "py-text.h5py"))
        self.assertTrue(os.path.isfile(p))
        # A bad one is the command's one-line error naming the field.
        with self.assertRaises(sg.GenerateError) as cm:
            sg.generate("n_symbols: -3\n", 5, out=os.path.join(d, "bad.h5py"), quiet=True)
        self.assertIn("n_symbols", str(cm.exception))
        self.assertFalse(os.path.exists(os.path.join(d, "bad.h5py")))

    def test_integer_arguments(self):
        # int(2.5) made 2 samples of a request for 2.5, int(True) one:
        # whole numbers only (1e1 is ten), named in a TypeError, and no run.
        d = tempfile.mkdtemp(dir=common.tmpdir())
        for n in (2.5, True, "10", None, float("nan")):
            with self.assertRaises(TypeError, msg=repr(n)) as cm:
                sg.generate("tiny", n, out=os.path.join(d, "n.h5py"), quiet=True)
            self.assertIn("n must be", str(cm.exception))
        with self.assertRaises(TypeError):
            sg.generate("tiny", 10, seed=1.5, out=os.path.join(d, "n.h5py"), quiet=True)
        with self.assertRaises(ValueError):
            sg.generate("tiny", 0, out=os.path.join(d, "n.h5py"), quiet=True)
        self.assertEqual(os.listdir(d), [])
        out = sg.generate("tiny", 1e1, seed=np.int64(3), out=os.path.join(d, "n.h5py"), quiet=True, **common.FONTS)
        self.assertEqual(len(sg.load(out)[2]), 10)
        for kw in ({"stop": 2.5}, {"start": 1.5, "stop": 4}, {"batch_size": 0.5}, {"seed": False}):
            with self.assertRaises(TypeError, msg=repr(kw)):
                sg.stream("tiny", **kw)
            if common.have("torch"):
                with self.assertRaises(TypeError, msg=repr(kw)):
                    sg.SynbolsIterableDataset("tiny", **kw)

    def test_failure_raises(self):
        with self.assertRaises(subprocess.CalledProcessError):
            sg.generate("no-such-preset", 10, out=os.path.join(common.tmpdir(), "x.h5py"), quiet=True)


if __name__ == "__main__":
    unittest.main()
