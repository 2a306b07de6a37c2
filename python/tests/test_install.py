"""The package installs into a venv the way the README says and works
outside the checkout."""

import os
import subprocess
import sys
import tempfile
import unittest

import common

PKG = os.path.dirname(common.HERE)


class TestInstall(unittest.TestCase):
    def test_venv_install(self):
        common.require("venv")
        common.require("pip")
        d = tempfile.mkdtemp(dir=common.tmpdir())
        # Installed from a copy, so that the build leaves nothing in the checkout.
        import shutil

        src = os.path.join(d, "src")
        shutil.copytree(PKG, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        v = os.path.join(d, "V")
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", v], check=True)
        r = subprocess.run([os.path.join(v, "bin", "pip"), "install", "-q", "--no-build-isolation", "--no-index",
                            src], capture_output=True, text=True, cwd=d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        env = {k: val for k, val in os.environ.items() if k != "PYTHONPATH"}
        env["SYNBOLS_GPU"] = common.binary()
        script = ("import synbols_gpu, sys; print(synbols_gpu.__file__); "
                  "p = synbols_gpu.generate('tiny', 5, out='t.h5py', quiet=True, fonts='embedded', preview=False); "
                  "print(synbols_gpu.load(p)[0].shape)")
        r = subprocess.run([os.path.join(v, "bin", "python"), "-c", script], capture_output=True, text=True,
                           cwd=d, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        first, shape = r.stdout.strip().splitlines()[0], r.stdout.strip().splitlines()[-1]
        self.assertTrue(first.startswith(v), first)
        self.assertEqual(shape, "(5, 8, 8, 1)")


if __name__ == "__main__":
    unittest.main()
