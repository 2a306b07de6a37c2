"""Shared set-up of the tests: the binary, reference files, the fake engine.

Run from the repository root with
``SYNBOLS_GPU=/path/to/synbols-gpu PYTHONPATH=python python3 -m unittest discover -s python/tests``
(python/python_test.go does it from ``go test ./python``).
"""

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import synbols_gpu as sg

HERE = os.path.dirname(os.path.abspath(__file__))
# Every dataset of the tests draws from the embedded fonts only: the same
# pool on every machine, for the file and the stream alike.
FONTS = {"fonts": "embedded", "backend": "cpu"}

_tmp = tempfile.mkdtemp(prefix="synbols-gpu-pytest-")
atexit.register(lambda: shutil.rmtree(_tmp, ignore_errors=True))


def tmpdir():
    return _tmp


def cleanup():
    shutil.rmtree(_tmp, ignore_errors=True)


def binary():
    try:
        return sg.find_binary()
    except FileNotFoundError as e:
        raise unittest.SkipTest(str(e))


def have(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def require(module):
    """Skip without module, or fail under CI (CI set)."""
    if have(module):
        return
    msg = f"python module {module} is not installed (Debian: apt-get install python3-{module})"
    if os.environ.get("CI"):
        raise AssertionError(msg)
    raise unittest.SkipTest(msg)


@functools.lru_cache(maxsize=None)
def reference(dataset, n, seed, **extra):
    """A file generated once per (dataset, n, seed) for the whole run."""
    out = os.path.join(_tmp, f"ref-{dataset}-{n}-{seed}.h5py")
    sg.generate(dataset, n, seed=seed, out=out, quiet=True, preview=False, **FONTS, **extra)
    return out


@functools.lru_cache(maxsize=None)
def stream_available():
    """Whether the binary has the stream sub-command (``stream --help``
    exits 0)."""
    r = subprocess.run([binary(), "stream", "--help"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return r.returncode == 0


def fake_engine():
    """A wrapper script that runs fake_engine.py with this Python."""
    path = os.path.join(_tmp, "fake-synbols-gpu")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" "{os.path.join(HERE, "fake_engine.py")}" "$@"\n')
        os.chmod(path, 0o755)
    return path


class FakeEngine:
    """Context: SYNBOLS_GPU points at the fake engine (which runs the real
    binary for everything but stream); extra environment variables set."""

    def __init__(self, **env):
        self.env = env

    def __enter__(self):
        real = binary()
        self.saved = {k: os.environ.get(k) for k in ["SYNBOLS_GPU", "SYNBOLS_GPU_REAL", *self.env]}
        os.environ["SYNBOLS_GPU_REAL"] = real
        os.environ["SYNBOLS_GPU"] = fake_engine()
        os.environ.update({k: str(v) for k, v in self.env.items()})
        return self

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
