"""Dataset arguments: preset names, YAML files and dict specs; options as flags."""

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

_NAME = re.compile(r"""^name:\s*["']?([A-Za-z0-9._+-]+)["']?\s*(#.*)?$""", re.M)


def _looks_like_file(s):
    return s.endswith((".yaml", ".yml")) or os.sep in s or os.path.isfile(s)


@contextmanager
def spec_args(dataset_or_spec):
    """Yields (flags, name): ["--dataset", X] or ["--spec", FILE], and the
    dataset's name (which names the default output). A dict is written to a
    temporary YAML file (JSON is YAML) that lives as long as the context."""
    if isinstance(dataset_or_spec, dict):
        spec = dict(dataset_or_spec)
        name = str(spec.get("name") or "spec")
        with tempfile.TemporaryDirectory(prefix="synbols-gpu-spec-") as d:
            path = os.path.join(d, name + ".yaml")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(spec, f, indent=1, ensure_ascii=False)
                f.write("\n")
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
