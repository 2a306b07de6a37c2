"""synbols_gpu: generate, load and stream Synbols datasets from Python.

The work is done by the ``synbols-gpu`` binary, run as a subprocess (found
through $SYNBOLS_GPU, PATH, or the checkout this package lives in).

- ``generate(dataset_or_spec, n, seed=42, out=None, **options)`` → path
- ``load(path)`` → ``(x, mask, y, splits)``, like the original's load_h5
- ``stream(dataset_or_spec, seed=42, batch_size=256, start=0, stop=None, backend="auto", **options)``
  → batches ``(x, mask, attrs)``
- ``SynbolsIterableDataset``, ``SynbolsH5``: torch data sets (torch is
  imported only when they are used)
"""

from ._binary import find_binary
from ._generate import generate, load
from ._errors import GenerateError, SynbolsError
from ._stream import Stream, StreamError, stream

__all__ = ["find_binary", "generate", "load", "stream", "Stream", "StreamError", "SynbolsError", "GenerateError",
           "SynbolsIterableDataset", "SynbolsH5"]
__version__ = "0.1.0"


def __getattr__(name):
    if name in ("SynbolsIterableDataset", "SynbolsH5"):
        from . import torch_data

        return getattr(torch_data, name)
    raise AttributeError(f"module 'synbols_gpu' has no attribute {name!r}")
