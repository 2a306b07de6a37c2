"""Dataset arguments: preset names, YAML files and dict specs; options as flags."""

import json
import numbers
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

_NAME = re.compile(r"""^name:\s*["']?([A-Za-z0-9._+-]+)["']?\s*(#.*)?$""", re.M)


def integer(name, v, low=None):
    """v as an int, for the command line: an int (numpy's too) or a float
    that is a whole number (1e6). Anything else is a TypeError naming the
    argument, since int(2.5) would silently make 2 samples of a request for
    2.5, and int(True) one."""
    if isinstance(v, bool) or not isinstance(v, (numbers.Integral, float)):
        raise TypeError(f"{name} must be an integer, not {v!r}")
    if isinstance(v, float) and not v.is_integer():
        raise TypeError(f"{name} must be a whole number, not {v!r}")
    i = int(v)
    if low is not None and i < low:
        raise ValueError(f"{name} must be ≥ {low}, got {i}")
    return i


def stream_args(seed, start, stop, batch_size):
    """(seed, start, stop, batch_size) checked as integer() does, with
    0 ≤ start ≤ stop (stop None: no end): what stream() and the torch
    data set both take."""
    seed, start = integer("seed", seed, low=0), integer("start", start)
    stop = None if stop is None else integer("stop", stop)
    if start < 0 or (stop is not None and stop < start):
        raise ValueError(f"bad range [{start}, {stop})")
    return seed, start, stop, integer("batch_size", batch_size, low=1)


def _looks_like_file(s):
    return s.endswith((".yaml", ".yml")) or os.sep in s or os.path.isfile(s)


@contextmanager
def spec_args(dataset_or_spec):
    """Yields (flags, name): ["--dataset", X] or ["--spec", FILE], and the
    dataset's name (which names the default output). A dict (JSON is YAML)
    or a string of YAML text (one with a line break, which no preset name or
    path has) is written to a temporary YAML file that lives as long as the
    context."""
    if isinstance(dataset_or_spec, dict):
        spec = dict(dataset_or_spec)
        name = str(spec.get("name") or "spec")
        with _spec_file(name, json.dumps(spec, indent=1, ensure_ascii=False) + "\n") as path:
            yield ["--spec", path], name
        return
    if isinstance(dataset_or_spec, str) and "\n" in dataset_or_spec:
        m = _NAME.search(dataset_or_spec)
        name = m.group(1) if m else "spec"
        with _spec_file(name, dataset_or_spec) as path:
            yield ["--spec", path], name
        return
    if isinstance(dataset_or_spec, os.PathLike):
        dataset_or_spec = os.fspath(dataset_or_spec)
    if not isinstance(dataset_or_spec, str) or not dataset_or_spec:
        raise TypeError("dataset_or_spec must be a preset name, a YAML path or a dict, "
                        f"not {dataset_or_spec!r}")
    s = dataset_or_spec
    if _looks_like_file(s):
        # A file that is not there (or not readable) is left to the command,
        # whose one-line error the caller raises.
        try:
            m = _NAME.search(Path(s).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            m = None
        yield ["--spec", os.path.abspath(s)], (m.group(1) if m else Path(s).stem)
        return
    yield ["--dataset", s], s


@contextmanager
def _spec_file(name, text):
    # The file is named after the spec, as the command names the dataset
    # after a spec file without a name: field.
    with tempfile.TemporaryDirectory(prefix="synbols-gpu-spec-") as d:
        path = os.path.join(d, name + ".yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        yield path


def option_flags(options):
    """Keyword options as command-line flags: underscores become dashes,
    True is ``--flag``, False ``--flag=false``, None is left out, a list or
    tuple repeats the flag, anything else is ``--flag value``."""
    out = []
    for key, value in options.items():
        if value is None:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            out.append(flag)
        elif value is False:
            out.append(flag + "=false")
        elif isinstance(value, (list, tuple)):
            if key == "resolution" and len(value) == 2 and all(isinstance(v, int) for v in value):
                out += [flag, f"{value[0]}x{value[1]}"]
                continue
            for v in value:
                out += [flag, os.fspath(v) if isinstance(v, os.PathLike) else str(v)]
        else:
            out += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return out
