#!/usr/bin/env python3
"""Throughput of ``synbols_gpu.stream`` into numpy against a file.

Measures, for one dataset, resolution and backend (default: the ``default``
preset, 32×32, the CPU backend, 100,000 samples, batches of 1024):

1. ``synbols-gpu stream … > /dev/null``: the command alone, the ceiling of
   any reader;
2. ``stream()`` read as the engine's frames (``Stream.frames()``: x, mask
   and the parsed JSON records as numpy arrays, no re-batching or columns);
3. ``stream()`` as a user iterates it (batches of ``--batch-size`` with the
   ``attrs`` columns);
4. ``generate()`` writing an HDF5 file, then reading x, mask and y back with
   h5py (each timed, and the sum);
5. ``synbols-gpu bench --backends cpu --sizes 32``: the engine's painting
   rate, against which the stream's goal is "within 80 %".

Images/s counts samples; MB/s counts the bytes of x and mask received
(10⁶ bytes). Not a test: run it by hand, from the repository root,

    GOEXPERIMENT=simd go build -o synbols-gpu ./cmd/synbols-gpu
    SYNBOLS_GPU=./synbols-gpu PYTHONPATH=python python3 python/bench_stream.py

(``--help`` for the options; ``--n 20000`` for a quicker run). Needs numpy
and, for the file, h5py.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synbols_gpu as sg  # noqa: E402


def fmt_rate(n, nbytes, dt):
    return f"{dt:7.2f} s  {n / dt:9.0f} images/s  {nbytes / dt / 1e6:8.1f} MB/s"


def opts(a):
    o = {"resolution": f"{a.size}x{a.size}", "fonts": a.fonts, "quiet": True}
    if a.workers:
        o["workers"] = a.workers
    return o


def cli_stream(a):
    cmd = [sg.find_binary(), "stream", "--dataset", a.dataset, "--seed", str(a.seed), "--stop", str(a.n),
           "--batch-size", str(a.batch_size), "--backend", a.backend]
    cmd += sg._spec.option_flags(opts(a))
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def py_stream(a, raw):
    n = nbytes = 0
    t = time.perf_counter()
    s = sg.stream(a.dataset, seed=a.seed, batch_size=a.batch_size, stop=a.n, backend=a.backend, **opts(a))
    with s:
        if raw:
            for _, x, mask, smask, records in s.frames():
                n += len(x)
                nbytes += x.nbytes + mask.nbytes
        else:
            for x, mask, attrs in s:
                n += len(x)
                nbytes += x.nbytes + mask.nbytes
    dt = time.perf_counter() - t
    assert n == a.n, (n, a.n)
    return n, nbytes, dt


def file_round_trip(a, d):
    import json

    import h5py

    path = os.path.join(d, "bench.h5py")
    t = time.perf_counter()
    sg.generate(a.dataset, a.n, seed=a.seed, out=path, backend=a.backend, preview=False, force=True, **opts(a))
    t_gen = time.perf_counter() - t
    size = os.path.getsize(path)
    t = time.perf_counter()
    with h5py.File(path, "r") as f:
        x = f["x"][()]
        mask = f["mask"][()]
        t_xm = time.perf_counter() - t
        y = [json.loads(r) for r in f["y"][()]]
    t_read = time.perf_counter() - t
    assert len(x) == a.n and len(y) == a.n
    return t_gen, t_xm, t_read, x.nbytes + mask.nbytes, size


def engine_bench(a):
    cmd = [sg.find_binary(), "bench", "--backends", a.backend, "--sizes", str(a.size), "--dataset", a.dataset,
           "--fonts", a.fonts]
    if a.workers:
        cmd += ["--workers", str(a.workers)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    lines = [ln for ln in r.stdout.splitlines() + r.stderr.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if "painted images/s" in ln:
            head = re.split(r"\s{2,}", ln.strip())
            row = re.split(r"\s{2,}", lines[i + 1].strip())
            if len(row) == len(head):
                return dict(zip(head, row)), lines[i:i + 2]
    return None, lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", default="default")
    ap.add_argument("--n", type=int, default=100_000, help="samples (default 100000)")
    ap.add_argument("--size", type=int, default=32, help="square resolution (default 32)")
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--fonts", default="embedded", help="font sources, the same for every run (default embedded)")
    ap.add_argument("--workers", type=int, default=0, help="engine workers (default: all cores)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-file", action="store_true", help="skip the HDF5 round trip")
    ap.add_argument("--no-bench", action="store_true", help="skip synbols-gpu bench")
    a = ap.parse_args()

    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print(f"binary: {sg.find_binary()}")
    print(f"{a.dataset}, {a.size}x{a.size}, backend {a.backend}, fonts {a.fonts}, {a.n} samples, "
          f"batch {a.batch_size}\n")

    nbytes_per = None
    dt = cli_stream(a)
    print(f"synbols-gpu stream > /dev/null      {dt:7.2f} s  {a.n / dt:9.0f} images/s")
    n, nbytes, dt = py_stream(a, raw=True)
    nbytes_per = nbytes / n
    print(f"stream() frames into numpy          {fmt_rate(n, nbytes, dt)}")
    n, nbytes, dt = py_stream(a, raw=False)
    stream_rate = n / dt
    print(f"stream() batches + attrs columns    {fmt_rate(n, nbytes, dt)}")

    if not a.no_file:
        d = tempfile.mkdtemp(prefix="synbols-gpu-bench-")
        try:
            t_gen, t_xm, t_read, nb, size = file_round_trip(a, d)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        tot = t_gen + t_read
        print(f"generate() HDF5 file                {t_gen:7.2f} s  {a.n / t_gen:9.0f} images/s  "
              f"({size / 1e6:.1f} MB on disk)")
        print(f"h5py read x, mask                   {fmt_rate(a.n, nb, t_xm)}")
        print(f"h5py read x, mask, y (JSON parsed)  {fmt_rate(a.n, nb, t_read)}")
        print(f"file: generate + read               {fmt_rate(a.n, nb, tot)}")
        print(f"stream() / (generate + read)        {stream_rate / (a.n / tot):7.2f}x")

    if not a.no_bench:
        row, lines = engine_bench(a)
        print()
        for ln in lines:
            print("  " + ln)
        if row:
            painted = float(row["painted images/s"])
            print(f"stream() batches / painted rate     {stream_rate / painted:7.0%} (goal: at least 80%)")
    if nbytes_per:
        print(f"\n({nbytes_per:.0f} bytes of x and mask a sample)")


if __name__ == "__main__":
    main()
