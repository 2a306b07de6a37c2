#!/usr/bin/env python3
"""A stand-in for ``synbols-gpu`` that speaks the stream's frame format.

``fake_engine.py stream --dataset X|--spec F --seed S --start A [--stop B]
--batch-size K [flags]`` runs the real binary ($SYNBOLS_GPU_REAL) to
generate rows [0, B) into a temporary file and sends rows [A, B) as frames
of uneven sizes (K - 1, then K + 3, …), so the reader's re-batching and
frame parsing are tested before (and besides) the real ``stream`` command.
FAKE_STREAM_FAIL_AT=N sends a SYNX error after N samples;
FAKE_STREAM_DIE_AT=N exits 3 mid-batch after N samples. Every other
sub-command is passed to the real binary.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def frame(out, tag, payload):
    out.write(tag + struct.pack("<Q", len(payload)))
    out.write(payload)


def main(argv):
    real = os.environ["SYNBOLS_GPU_REAL"]
    if not argv or argv[0] != "stream":
        os.execv(real, [real] + argv)
    args, rest, i = {}, [], 1
    while i < len(argv):
        a = argv[i]
        key = a.lstrip("-").replace("_", "-")
        if key in ("dataset", "spec", "seed", "start", "stop", "batch-size", "backend"):
            args[key] = argv[i + 1]
            i += 2
        else:
            rest.append(a)
            i += 1
    start, stop, k = int(args.get("start", 0)), int(args["stop"]), int(args["batch-size"])
    out = sys.stdout.buffer
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "ref.h5py")
        which = ["--spec", args["spec"]] if "spec" in args else ["--dataset", args["dataset"]]
        subprocess.run([real, "generate", *which, "--n_samples", str(max(stop, 1)), "--seed", args["seed"],
                        "--out", path, "--quiet", "--preview=false", "--backend", args.get("backend", "auto"), *rest],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(path, "r") as f:
            x, mask = f["x"], f["mask"]
            smask = f["symbol_mask"] if "symbol_mask" in f else None
            n, H, W, C = x.shape
            header = {"format": "synbols-gpu-stream", "version": 1, "name": f.attrs["dataset"],
                      "seed": int(args["seed"]), "start": start, "stop": stop, "height": H, "width": W,
                      "channels": C, "mask_mode": f.attrs["mask_mode"], "mask_shape": list(mask.shape[1:]),
                      "symbol_mask_channels": 0 if smask is None else smask.shape[3],
                      "channel_order": f.attrs["channel_order"], "spec": f.attrs["spec"],
                      "font_pool": f.attrs["font_pool"], "generator": "fake_engine.py"}
            frame(out, b"SYNH", json.dumps(header).encode())
            fail = int(os.environ.get("FAKE_STREAM_FAIL_AT", -1))
            die = int(os.environ.get("FAKE_STREAM_DIE_AT", -1))
            at, sizes, j = start, [max(k - 1, 1), k + 3, 1, k], 0
            while at < stop:
                if fail >= 0 and at - start >= fail:
                    frame(out, b"SYNX", b"synbols-gpu: stream: injected failure\n")
                    out.flush()
                    return 1
                cnt = min(sizes[j % len(sizes)], stop - at)
                j += 1
                recs = [r if isinstance(r, bytes) else r.encode() for r in f["y"][at:at + cnt]]
                parts = [struct.pack("<QII", at, cnt, 0), np.ascontiguousarray(x[at:at + cnt]).tobytes(),
                         np.ascontiguousarray(mask[at:at + cnt]).tobytes()]
                if smask is not None:
                    parts.append(np.ascontiguousarray(smask[at:at + cnt]).tobytes())
                for r in recs:
                    parts += [struct.pack("<I", len(r)), r]
                payload = b"".join(parts)
                if die >= 0 and at + cnt - start > die:
                    out.write(b"SYNB" + struct.pack("<Q", len(payload)) + payload[: len(payload) // 2])
                    out.flush()
                    os._exit(3)
                frame(out, b"SYNB", payload)
                at += cnt
            frame(out, b"SYNE", json.dumps({"samples": stop - start}).encode())
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
