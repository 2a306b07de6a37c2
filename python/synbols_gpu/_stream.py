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

import functools
import json
import struct
import subprocess

import numpy as np

from ._binary import find_binary
from ._errors import SynbolsError, StderrTail
from ._records import columns
from ._spec import integer, option_flags, spec_args, stream_args

_FRAME = struct.Struct("<4sQ")
_BATCH = struct.Struct("<QII")
_U32 = struct.Struct("<I")


class StreamError(SynbolsError):
    """The stream stopped with an error: the command's one-line error when it
    failed before its header (a bad spec, an unknown preset…), a SYNX
    frame's message, a malformed frame, or the process ending (killed,
    crashed) before its end frame. A RuntimeError."""


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


class _Engine:
    """One ``synbols-gpu stream`` process and its pipes. The generators that
    read it hold this object, not the Stream, so that a Stream nobody holds
    (a ``for`` loop over ``stream(...)`` left by ``break``) or a dropped
    generator ends the process at once, without waiting for the cycle
    collector: the last reference going closes it (kill, wait: no zombie)."""

    def __init__(self, command):
        self.command = command  # spec flags -> argv
        self.spec = None
        self.proc = None
        self.tail = None
        self.ctx = None
        self.header = None
        self.samples = None
        self.closed = False
        self.echo = True

    def open(self):
        if self.proc is not None:
            return
        if self.closed:
            raise ValueError("the stream is closed")
        self.ctx = spec_args(self.spec)
        flags, _ = self.ctx.__enter__()
        try:
            self.cmd = self.command(flags)
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, bufsize=1 << 20)
            self.tail = StderrTail(self.proc.stderr, self.echo)
        except BaseException:
            self.close()
            raise

    def _wait(self):
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def error(self, what, before_header=False):
        """The StreamError for a stream that ended (EOF) before it should."""
        rc = self._wait()
        self.tail.join()
        last = self.tail.last_line()
        if before_header and rc > 0 and last:
            msg = last  # the command's own one-line error, as on the terminal
        else:
            msg = f"synbols-gpu stream exited with status {rc} {what}" + (f": {last}" if last else "")
        return StreamError(msg, rc, self.cmd, self.tail.text())

    def frame(self, what="before its end frame", before_header=False):
        try:
            return _FRAME.unpack(_read_exact(self.proc.stdout, _FRAME.size))
        except EOFError:
            raise self.error(what, before_header) from None

    def payload(self, length):
        try:
            return _read_exact(self.proc.stdout, length)
        except EOFError:
            raise self.error("in the middle of a frame") from None

    def sent_error(self, length):
        msg = self.payload(length).decode("utf-8", "replace").strip()
        rc = self._wait()
        self.tail.join()
        return StreamError(msg, rc, self.cmd, self.tail.text())

    def read_header(self):
        if self.header is None:
            self.open()
            tag, length = self.frame("before its header frame", before_header=True)
            if tag == b"SYNX":
                raise self.sent_error(length)
            if tag != b"SYNH":
                raise StreamError(f"synbols-gpu stream: expected a SYNH header frame, got {tag!r}")
            h = json.loads(self.payload(length))
            if h.get("format") != "synbols-gpu-stream" or h.get("version") != 1:
                raise StreamError(f"synbols-gpu stream: unsupported format {h.get('format')!r} "
                                  f"version {h.get('version')!r}")
            self.header = h
        return self.header

    def close(self):
        """Stop the process (closing its pipe, then SIGTERM, then SIGKILL)
        and reap it. Idempotent."""
        self.closed = True
        p, self.proc = self.proc, None
        if p is not None:
            try:
                if p.stdout:
                    p.stdout.close()
            except OSError:
                pass
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
            p.wait()
            if self.tail is not None:
                self.tail.join()
        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            ctx.__exit__(None, None, None)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _frames(e, start, stop):
    """The stream's batches as sent: (first, x, mask, symbol_mask or None,
    records). Each array is read in place (readinto)."""
    if stop is not None and stop <= start:
        return  # nothing to stream (and --stop 0 would mean no end)
    try:
        e.open()  # ValueError once closed
        h = e.read_header()
        H, W, C = h["height"], h["width"], h["channels"]
        mshape = tuple(h["mask_shape"])
        K = int(h.get("symbol_mask_channels") or 0)
        nmask = int(np.prod(mshape))
        f = e.proc.stdout
        expect = start
        while True:
            tag, length = e.frame()
            if tag == b"SYNB":
                first, count, _ = _BATCH.unpack(e.payload(_BATCH.size))
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
                    raise e.error("in the middle of a batch") from None
                if want != length:
                    raise StreamError(f"synbols-gpu stream: batch frame of {length} bytes holds {want}")
                expect = first + count
                yield first, x, mask, smask, records
            elif tag == b"SYNE":
                end = json.loads(e.payload(length))
                e.samples = end.get("samples")
                if stop is not None and expect != stop:
                    raise StreamError(f"synbols-gpu stream ended at {expect}, before {stop}")
                rc = e._wait()
                if rc != 0:
                    raise StreamError(f"synbols-gpu stream exited with status {rc} after its end frame",
                                      rc, e.cmd)
                return
            elif tag == b"SYNX":
                raise e.sent_error(length)
            else:
                e.payload(length)  # a frame this reader does not know: skipped
    finally:
        e.close()


def _batches(e, start, stop, bs):
    """Re-batched to bs (the last one may be smaller)."""
    pend, have = [], 0
    for piece in _frames(e, start, stop):
        if not pend and len(piece[4]) == bs:
            yield _batch([piece])
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
            yield _batch(take)
            pend, have = rest, have - bs
    if pend:
        yield _batch(pend)


def _batch(pieces):
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


def _command(spec_flags, seed, start, stop, ebs, backend, options):
    cmd = [find_binary(), "stream", *spec_flags, "--seed", str(seed), "--start", str(start)]
    if stop is not None:
        cmd += ["--stop", str(int(stop))]
    cmd += ["--batch-size", str(ebs)]
    if backend is not None:
        cmd += ["--backend", str(backend)]
    return cmd + option_flags(options)


class Stream:
    """An iterator of batches ``(x, mask, attrs)`` read from a
    ``synbols-gpu stream`` process (started on first use).

    ``header`` is the stream's SYNH header (a dict). The process ends, and
    is reaped, when the stream is done, when ``close()`` is called or the
    ``with`` block left, or when the Stream and its iterator are no longer
    referenced (``for b in stream(...): break`` ends it at the break).
    """

    def __init__(self, dataset_or_spec, seed=42, batch_size=256, start=0, stop=None,
                 backend="auto", engine_batch_size=None, **options):
        seed, start, stop, batch_size = stream_args(seed, start, stop, batch_size)
        self.spec = dataset_or_spec
        self.seed, self.batch_size, self.start, self.stop = seed, batch_size, start, stop
        self.backend = backend
        self.engine_batch_size = integer("engine_batch_size", engine_batch_size or batch_size, low=1)
        self.options = options
        # A function of the values, not a bound method: the engine must not
        # refer back to the Stream (see _Engine).
        self._engine = _Engine(functools.partial(_command, seed=self.seed, start=self.start, stop=self.stop,
                                                 ebs=self.engine_batch_size, backend=backend,
                                                 options=dict(options)))
        self._engine.spec = dataset_or_spec
        self._engine.echo = not options.get("quiet")
        self._gen = None

    def command(self, spec_flags):
        """The argv of the stream command for these spec flags."""
        return _command(spec_flags, self.seed, self.start, self.stop, self.engine_batch_size,
                        self.backend, self.options)

    @property
    def _proc(self):
        """The running subprocess.Popen, None before the start and after the end."""
        return self._engine.proc

    @property
    def header(self):
        return self._engine.read_header()

    @property
    def samples(self):
        """The end frame's count, once read."""
        return self._engine.samples

    def close(self):
        g, self._gen = self._gen, None
        self._engine.close()
        if g is not None:
            g.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def frames(self):
        """The stream's batches as sent: (first, x, mask, symbol_mask or
        None, records). Each array is read in place (readinto)."""
        return _frames(self._engine, self.start, self.stop)

    def batches(self):
        """Re-batched to batch_size (the last one may be smaller)."""
        return _batches(self._engine, self.start, self.stop, self.batch_size)

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
