"""Finding the synbols-gpu binary."""

import os
import shutil
from pathlib import Path

ENV = "SYNBOLS_GPU"


def _checkout_root():
    # <repo>/python/synbols_gpu/_binary.py -> <repo>, when it is a checkout.
    root = Path(__file__).resolve().parent.parent.parent
    if (root / "go.mod").is_file() and (root / "cmd" / "synbols-gpu").is_dir():
        return root
    return None


def find_binary():
    """The path of the synbols-gpu binary.

    $SYNBOLS_GPU (a path) first, then ``synbols-gpu`` on PATH, then
    ``bin/synbols-gpu`` or ``synbols-gpu`` at the root of the checkout this
    package is imported from. Raises FileNotFoundError naming what to set.
    """
    env = os.environ.get(ENV)
    if env:
        p = Path(env).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        raise FileNotFoundError(
            f"${ENV} is {env!r}, which is not an executable file; "
            f"set {ENV} to the path of the synbols-gpu binary")
    on_path = shutil.which("synbols-gpu")
    if on_path:
        return on_path
    root = _checkout_root()
    if root is not None:
        for cand in (root / "bin" / "synbols-gpu", root / "synbols-gpu"):
            if cand.is_file() and os.access(cand, os.X_OK):
                return str(cand)
    raise FileNotFoundError(
        "synbols-gpu binary not found: set SYNBOLS_GPU to its path or put it on PATH "
        "(build it with `GOEXPERIMENT=simd go build -o synbols-gpu ./cmd/synbols-gpu` in the repository)")
