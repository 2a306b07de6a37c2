"""generate() and load()."""

import json
import os
import subprocess

import numpy as np

from ._binary import find_binary
from ._spec import option_flags, spec_args


def generate(dataset_or_spec, n, seed=42, out=None, **options):
    """Run ``synbols-gpu generate`` and return the output path.

    ``dataset_or_spec`` is a preset name (``"default"``), a YAML spec file,
    or a dict in the distribution language (docs/spec-language.md), written
    to a temporary YAML file for the run. ``options`` become flags:
    ``resolution="64x64"`` (or ``(64, 64)``), ``backend="cpu"``,
    ``font_dir=[...]`` (repeated), ``force=True`` (``--force``),
    ``preview=False`` (``--preview=false``). The progress bar and the
    summary pass through to the terminal (stderr and stdout). Without
    ``out`` the file is ``<dataset name>.h5py`` in the current folder, as the
    command writes it. A failed run raises subprocess.CalledProcessError.
    With ``dry_run=True`` nothing is written and None is returned.
    """
    binary = find_binary()
    with spec_args(dataset_or_spec) as (flags, name):
        path = None
        cmd = [binary, "generate", *flags, "--n_samples", str(int(n)), "--seed", str(int(seed))]
        if out is not None:
            path = os.fspath(out)
            cmd += ["--out", path]
        elif not options.get("dry_run"):
            path = name + ".h5py"
        cmd += option_flags(options)
        subprocess.run(cmd, check=True)
    return None if path is None else os.path.abspath(path)


def load(path):
    """Load a whole dataset like the original Synbols' ``load_h5``.

    Returns ``(x, mask, y, splits)``: ``x`` uint8 (n, H, W, C), ``mask`` as
    stored (see ``mask_mode`` in docs/format.md), ``y`` the list of parsed
    JSON attribute records and ``splits`` a dict name → (n, 3) bool array
    (columns train, valid, test).
    """
    import h5py

    with h5py.File(path, "r") as f:
        x = np.array(f["x"])
        mask = np.array(f["mask"])
        y = [json.loads(r) for r in f["y"]]
        splits = {}
        if "split" in f:
            for key in f["split"].keys():
                splits[key] = np.array(f["split"][key]).astype(bool, copy=False)
    return x, mask, y, splits
