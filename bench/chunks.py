#!/usr/bin/env python3
"""Chunk shape study: how the samples per HDF5 chunk of x and mask
(``generate --chunk-samples``) trade writing against reading.

For each resolution and chunk size it generates one dataset with the
built command and measures, with h5py:

- the run's wall time and the file's size;
- random minibatches: ``x[sorted random indices]`` and the same rows of
  ``mask``, batches of ``--batch`` (256) rows drawn uniformly from the whole
  file, as a shuffling loader reads them (h5py's default chunk cache);
- the same random rows read one at a time (``x[i]``), which avoids h5py's
  cost of building a 256-row selection;
- sequential minibatches: ``x[i:i+batch]`` over the file in order;
- the whole dataset: ``x[:]`` and ``mask[:]`` (the original's loaders).

Images/s counts samples read. Not a test: run it by hand, from the
repository root, on a quiet machine:

    GOEXPERIMENT=simd go build -o synbols-gpu ./cmd/synbols-gpu
    /usr/bin/python3 bench/chunks.py --n 100000

(``--help`` for the options). docs/format.md, "Chunks", gives the figures
and the reason for the default.
"""

import argparse
import os
import subprocess
import tempfile
import time

import h5py
import numpy as np


def generate(binary, folder, n, res, chunk, dataset, compression):
    out = os.path.join(folder, f"c{chunk}-{res}.h5py")
    args = [binary, "generate", "--dataset", dataset, "--n_samples", str(n),
            "--resolution", f"{res}x{res}", "--out", out, "--force", "--quiet",
            "--preview=false", "--system-fonts=false", "--compression", compression,
            "--chunk-samples", str(chunk)]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return out, time.perf_counter() - t0


def rate(n_read, seconds):
    return n_read / seconds if seconds > 0 else float("inf")


def measure(path, batch, batches, rng):
    with h5py.File(path, "r") as f:
        x, m = f["x"], f["mask"]
        n = x.shape[0]
        chunk = x.chunks[0]
        # Random minibatches (h5py needs increasing indices).
        t0 = time.perf_counter()
        for _ in range(batches):
            idx = np.sort(rng.choice(n, size=batch, replace=False))
            x[idx]
            m[idx]
        rand_s = time.perf_counter() - t0
        # The same, one row at a time (no selection union to build).
        t0 = time.perf_counter()
        for _ in range(batches):
            for i in np.sort(rng.choice(n, size=batch, replace=False)):
                x[i]
                m[i]
        rows_s = time.perf_counter() - t0
        # Sequential minibatches over the file.
        t0 = time.perf_counter()
        read = 0
        for i in range(0, n - batch + 1, batch):
            x[i:i + batch]
            m[i:i + batch]
            read += batch
        seq_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        x[:]
        m[:]
        whole_s = time.perf_counter() - t0
    return chunk, rate(batch * batches, rand_s), rate(batch * batches, rows_s), rate(read, seq_s), rate(n, whole_s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="./synbols-gpu")
    ap.add_argument("--dataset", default="default")
    ap.add_argument("--n", type=int, default=100000, help="samples per file at 32x32 (a quarter at 64, a sixteenth at 128)")
    ap.add_argument("--res", default="32,128")
    ap.add_argument("--chunks", default="1,8,32,0,256", help="samples per chunk; 0 = the default (about 256 KiB of x)")
    ap.add_argument("--compression", default="gzip:1")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--batches", type=int, default=20)
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    print(f"{'res':>5} {'chunk':>6} {'write s':>8} {'MiB':>8} {'random img/s':>13} {'by row img/s':>13} {'seq img/s':>10} {'whole img/s':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for res in [int(r) for r in a.res.split(",")]:
            n = max(a.batch * 4, a.n * 32 * 32 // (res * res))
            for chunk in [int(c) for c in a.chunks.split(",")]:
                path, wall = generate(a.binary, folder, n, res, chunk, a.dataset, a.compression)
                size = os.path.getsize(path) / (1 << 20)
                got, r, rr, s, w = measure(path, a.batch, a.batches, rng)
                print(f"{res:>5} {got:>6} {wall:>8.2f} {size:>8.1f} {r:>13.0f} {rr:>13.0f} {s:>10.0f} {w:>12.0f}", flush=True)
                os.remove(path)


if __name__ == "__main__":
    main()
