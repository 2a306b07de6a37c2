"""stream(): batches read from ``synbols-gpu stream``'s stdout.

The frame format (little-endian): a 4-byte ASCII tag, a uint64 payload
length, the payload.

- ``SYNH`` header: UTF-8 JSON (format, version, name, seed, start, stop,
  height, width, channels, mask_mode, mask_shape, symbol_mask_channels, ...).
- ``SYNB`` batch: uint64 first index, uint32 count, uint32 reserved, then x
  (count·H·W·C bytes), mask (count·prod(mask_shape)), symbol_mask
  (count·H·W·K when K > 0), then count records, each uint32 length + JSON.
- ``SYNE`` end: JSON {"samples": n}.
- ``SYNX`` error: a one-line message.
"""

import json
import struct
import subprocess

import numpy as np

from ._binary import find_binary
from ._records import columns
from ._spec import option_flags, spec_args

_FRAME = struct.Struct("<4sQ")
_BATCH = struct.Struct("<QII")
_U32 = struct.Struct("<I")


class StreamError(RuntimeError):
    """The stream stopped with an error (a SYNX frame, a malformed frame, or
    the process exiting before its end frame)."""


def _read_exact(f, n):
    b = f.read(n)
    if b is None or len(b) != n:
        raise EOFError
    return b


def _read_into(f, arr):
    view = memoryview(arr.reshape(-1)).cast("B")
    got = 0
    total = len(view)
    while got < total:
        k = f.readinto(view[got:])
        if not k:
            raise EOFError
        got += k


class Stream:
    """An iterator of batches ``(x, mask, attrs)`` read from a
    ``synbols-gpu stream`` process (started on first use, killed on close).

    ``header`` is the stream's SYNH header (a dict). Use it as a context
    manager, or call ``close()``, to stop the process early.
    """

    def __init__(self, dataset_or_spec, seed=42, batch_size=256, start=0, stop=None,
                 backend="auto", engine_batch_size=None, **options):
        if batch_size < 1:
            raise ValueError("batch_size must be ≥ 1")
        if start < 0 or (stop is not None and stop < start):
            raise ValueError(f"bad range [{start}, {stop})")
        self.spec = dataset_or_spec
        self.seed, self.batch_size, self.start, self.stop = int(seed), int(batch_size), int(start), stop
        self.backend = backend
        self.engine_batch_size = int(engine_batch_size or batch_size)
        self.options = options
        self._proc = None
        self._ctx = None
        self._header = None
        self._gen = None
        self.samples = None  # the end frame's count, once read

    # -- process --------------------------------------------------------

    def command(self, spec_flags):
        cmd = [find_binary(), "stream", *spec_flags, "--seed", str(self.seed),
               "--start", str(self.start)]
        if self.stop is not None:
            cmd += ["--stop", str(int(self.stop))]
        cmd += ["--batch-size", str(self.engine_batch_size)]
        if self.backend is not None:
            cmd += ["--backend", str(self.backend)]
        return cmd + option_flags(self.options)

    def _open(self):
        if self._proc is not None:
            return
        self._ctx = spec_args(self.spec)
        flags, _ = self._ctx.__enter__()
        try:
            self._proc = subprocess.Popen(self.command(flags), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, bufsize=1 << 20)
        except BaseException:
            self._ctx.__exit__(None, None, None)
            self._ctx = None
            raise

    def _died(self, what):
        rc = self._proc.wait()
        return StreamError(f"synbols-gpu stream exited with status {rc} {what}")

    def _frame(self, what="before its end frame"):
        f = self._proc.stdout
        try:
            tag, length = _FRAME.unpack(_read_exact(f, _FRAME.size))
        except EOFError:
            raise self._died(what) from None
        return tag, length

    def _payload(self, length):
        try:
            return _read_exact(self._proc.stdout, length)
        except EOFError:
            raise self._died("in the middle of a frame") from None

    @property
    def header(self):
        if self._header is None:
            self._open()
            tag, length = self._frame("before its header frame")
            if tag == b"SYNX":
                raise StreamError(self._payload(length).decode("utf-8", "replace").strip())
            if tag != b"SYNH":
                raise StreamError(f"synbols-gpu stream: expected a SYNH header frame, got {tag!r}")
            h = json.loads(self._payload(length))
            if h.get("format") != "synbols-gpu-stream" or h.get("version") != 1:
                raise StreamError(f"synbols-gpu stream: unsupported format {h.get('format')!r} "
                                  f"version {h.get('version')!r}")
            self._header = h
        return self._header

    def close(self):
        p, self._proc = self._proc, None
        if p is not None:
            if p.poll() is None:
                p.kill()
            p.wait()
            if p.stdout:
                p.stdout.close()
        if self._ctx is not None:
            ctx, self._ctx = self._ctx, None
            ctx.__exit__(None, None, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- frames ---------------------------------------------------------

    def frames(self):
        """The stream's batches as sent: (first, x, mask, symbol_mask or
        None, records). Each array is read in place (readinto)."""
        if self.stop is not None and self.stop <= self.start:
            return  # nothing to stream (and --stop 0 would mean no end)
        h = self.header
        H, W, C = h["height"], h["width"], h["channels"]
        mshape = tuple(h["mask_shape"])
        K = int(h.get("symbol_mask_channels") or 0)
        nmask = int(np.prod(mshape))
        f = self._proc.stdout
        expect = self.start
        try:
            while True:
                tag, length = self._frame()
                if tag == b"SYNB":
                    first, count, _ = _BATCH.unpack(self._payload(_BATCH.size))
                    if first != expect:
                        raise StreamError(f"synbols-gpu stream: batch starts at {first}, expected {expect}")
                    want = _BATCH.size + count * (H * W * C + nmask + H * W * K)
                    x = np.empty((count, H, W, C), dtype=np.uint8)
                    mask = np.empty((count,) + mshape, dtype=np.uint8)
                    smask = np.empty((count, H, W, K), dtype=np.uint8) if K else None
                    try:
                        _read_into(f, x)
                        _read_into(f, mask)
                        if K:
                            _read_into(f, smask)
                        records = []
                        for _ in range(count):
                            (n,) = _U32.unpack(_read_exact(f, 4))
                            records.append(json.loads(_read_exact(f, n)))
                            want += 4 + n
                    except EOFError:
                        raise self._died("in the middle of a batch") from None
                    if want != length:
                        raise StreamError(f"synbols-gpu stream: batch frame of {length} bytes holds {want}")
                    expect = first + count
                    yield first, x, mask, smask, records
                elif tag == b"SYNE":
                    end = json.loads(self._payload(length))
                    self.samples = end.get("samples")
                    if self.stop is not None and expect != self.stop:
                        raise StreamError(f"synbols-gpu stream ended at {expect}, before {self.stop}")
                    rc = self._proc.wait()
                    if rc != 0:
                        raise StreamError(f"synbols-gpu stream exited with status {rc} after its end frame")
                    return
                elif tag == b"SYNX":
                    raise StreamError(self._payload(length).decode("utf-8", "replace").strip())
                else:
                    raise StreamError(f"synbols-gpu stream: unknown frame tag {tag!r}")
        finally:
            self.close()

    def batches(self):
        """Re-batched to batch_size (the last one may be smaller)."""
        bs = self.batch_size
        pend, have = [], 0
        for piece in self.frames():
            if not pend and len(piece[4]) == bs:
                yield self._batch([piece])
                continue
            pend.append(piece)
            have += len(piece[4])
            while have >= bs:
                take, rest, got = [], [], 0
                for p in pend:
                    n = len(p[4])
                    if got + n <= bs:
                        take.append(p)
                        got += n
                    elif got < bs:
                        k = bs - got
                        take.append(_cut(p, 0, k))
                        rest.append(_cut(p, k, n))
                        got = bs
                    else:
                        rest.append(p)
                yield self._batch(take)
                pend, have = rest, have - bs
        if pend:
            yield self._batch(pend)

    def _batch(self, pieces):
        first = pieces[0][0]
        if len(pieces) == 1:
            _, x, mask, smask, records = pieces[0]
        else:
            x = np.concatenate([p[1] for p in pieces])
            mask = np.concatenate([p[2] for p in pieces])
            smask = None if pieces[0][3] is None else np.concatenate([p[3] for p in pieces])
            records = [r for p in pieces for r in p[4]]
        attrs = columns(records, first)
        attrs["records"] = records
        if smask is not None:
            attrs["symbol_mask"] = smask
        return x, mask, attrs

    def __iter__(self):
        if self._gen is None:
            self._gen = self.batches()
        return self._gen

    def __next__(self):
        return next(iter(self))


def _cut(piece, a, b):
    first, x, mask, smask, records = piece
    return (first + a, x[a:b], mask[a:b], None if smask is None else smask[a:b], records[a:b])


def stream(dataset_or_spec, seed=42, batch_size=256, start=0, stop=None, backend="auto", **options):
    """Batches ``(x, mask, attrs)`` of samples [start, stop) of a dataset,
    painted by a ``synbols-gpu stream`` subprocess and read from its stdout
    pipe (``stop=None``: without end). ``x`` is uint8 (B, H, W, C), ``mask``
    uint8 (B, *mask_shape), ``attrs`` a dict of numpy columns (char, font,
    alphabet, scale, rotation, translation, is_bold, is_slant, n_symbols,
    seed, index), ``records`` (the parsed JSON records) and, when the stream
    carries them, ``symbol_mask``. Sample i is the same as row i of the file
    ``generate`` writes for the same spec and seed. Errors raise
    RuntimeError (StreamError) with the engine's message. Options become
    flags as in generate()."""
    return Stream(dataset_or_spec, seed=seed, batch_size=batch_size, start=start, stop=stop,
                  backend=backend, **options)
