"""generate() and load()."""

import json
import os
import subprocess

import numpy as np

from ._binary import find_binary
from ._errors import GenerateError, StderrTail
from ._spec import integer, option_flags, spec_args


def generate(dataset_or_spec, n, seed=42, out=None, **options):
    """Run ``synbols-gpu generate`` and return the output path.

    ``dataset_or_spec`` is a preset name (``"default"``), a YAML spec file,
    YAML text (a string with a line break) or a dict in the distribution
    language (docs/spec-language.md), the last two written to a temporary
    YAML file for the run. ``n`` and ``seed`` are whole numbers (an int, or
    a float such as 1e6; 2.5 or True is a TypeError). ``options`` become flags:
    ``resolution="64x64"`` (or ``(64, 64)``), ``backend="cpu"``,
    ``font_dir=[...]`` (repeated), ``force=True`` (``--force``),
    ``preview=False`` (``--preview=false``). The progress bar and the
    summary pass through to the terminal (stderr and stdout); with
    ``quiet=True`` there is no progress bar and the summary line the command
    prints on stdout is dropped. Without ``out`` the file is the command's
    default in the current folder (``default_out``): ``<name>.h5py``,
    ``.npz``, the manifest ``<name>.json`` with ``format="wds"``, or
    ``<name>-A-B.h5py`` for a shard; the path returned is the file written.
    A failed run (a bad spec, an unknown preset, a missing spec file…)
    raises GenerateError (a SynbolsError, RuntimeError and
    subprocess.CalledProcessError) whose message is the command's one-line
    error. With ``dry_run=True`` nothing is written and None is returned.
    """
    binary = find_binary()
    n, seed = integer("n", n, low=1), integer("seed", seed, low=0)
    with spec_args(dataset_or_spec) as (flags, name):
        path = None
        cmd = [binary, "generate", *flags, "--n_samples", str(n), "--seed", str(seed)]
        if out is not None:
            path = os.fspath(out)
        elif not options.get("dry_run"):
            path = default_out(name, n, options)
        if path is not None:
            # Always given, so that the path returned is the file written
            # whatever the format, shard or name (before, a format="npz"
            # run returned NAME.h5py, a file it had not written).
            cmd += ["--out", path]
        cmd += option_flags(options)
        quiet = bool(options.get("quiet"))
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.PIPE)
        tail = StderrTail(p.stderr, echo=True)
        try:
            rc = p.wait()
        except BaseException:
            p.kill()
            p.wait()
            raise
        finally:
            tail.join()
        if rc != 0:
            msg = tail.last_line() or f"synbols-gpu generate exited with status {rc}"
            raise GenerateError(msg, rc, cmd, tail.text())
    return None if path is None else os.path.abspath(path)


_EXT = {"h5": ".h5py", "npz": ".npz", "wds": ".json"}


def default_out(name, n, options):
    """The file the command writes without --out: NAME.h5py, .npz, or the
    manifest NAME.json for ``format="wds"``; a shard (``shard="K/N"``, or
    ``range="A:B"``) is NAME-A-B with rows [A, B), A = K*n//N and
    B = (K+1)*n//N as the command computes them. An option it cannot read
    is left for the command to refuse."""
    ext = _EXT.get(str(options.get("format") or "h5"), ".h5py")
    rows = None
    try:
        if options.get("range") is not None:
            a, b = (int(v) for v in str(options["range"]).split(":"))
            rows = (a, b)
        elif options.get("shard") is not None:
            k, parts = (int(v) for v in str(options["shard"]).split("/"))
            if parts > 0:
                rows = (k * n // parts, (k + 1) * n // parts)
    except ValueError:
        pass
    if rows is not None:
        return f"{name}-{rows[0]}-{rows[1]}{ext}"
    return name + ext


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
