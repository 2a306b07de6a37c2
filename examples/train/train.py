#!/usr/bin/env python3
"""Reference training harness for the Synbols paper's Tables 1 and 2.

Trains the paper's backbones (MLP, Conv-4 Flat, Conv-4 GAP, ResNet-12,
WRN-28-4) with Adam on synbols-gpu datasets, picks the learning rate on the
validation split from a small grid, and prints the test accuracy in the
paper's layout (rows backbones, columns dataset/partition, mean ± std over
seeds); a bar plot of the same goes to a PNG. See README.md beside this file.

Data come from an HDF5 file that synbols-gpu writes (``--source file``,
generated on first use into --data-dir, or given with --file) or from
``synbols-gpu stream`` (``--source stream``: no file; the samples are read
into memory as they are painted). ``--bench`` instead measures the images/s
fed to one backbone from the stream and from the file.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))

import partitions as P  # noqa: E402

# Table 1: one i.i.d. column per dataset (font classification for less-variations).
TABLE1 = ["default:iid", "camouflage:iid", "korean-1k:iid", "less-variations:iid"]
# Table 2: the default dataset under each partition, and font classification
# on less-variations with unseen characters.
TABLE2 = ["default:iid", "default:stratified_font", "default:stratified_scale",
          "default:stratified_rotation", "default:compositional_rotation_scale",
          "default:stratified_x_translation", "less-variations:stratified_char"]
TASK_SETS = {"table1": TABLE1, "table2": TABLE2,
             "all": TABLE1 + [t for t in TABLE2 if t not in TABLE1]}
# The attribute predicted: the symbol, except on less-variations (the font).
TARGET = {"less-variations": "font"}
DEFAULT_LR_GRID = "1e-3,4e-4,1e-4"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# -- data ----------------------------------------------------------------

class Data:
    """A dataset in memory: x uint8 (n, H, W, C); cols: char and font as
    int codes (n_char, n_font classes), scale, rotation, translation_x;
    splits: the file's split/<name> masks (empty for a stream)."""

    def __init__(self, name, x, cols, n_classes, splits, source, seconds):
        self.name, self.x, self.cols, self.n_classes = name, x, cols, n_classes
        self.splits, self.source, self.seconds = splits, source, seconds


def _codes(values):
    uniq, inv = np.unique(np.asarray(values), return_inverse=True)
    return inv.astype(np.int64), len(uniq)


def read_file(path, name=None):
    """x and the columns from a synbols-gpu file: the typed attr/* columns
    (codes into attr/char_values, attr/font_values), or, for a file without
    them (the original Synbols), the parsed JSON records."""
    import h5py

    t = time.time()
    with h5py.File(path, "r") as f:
        x = np.asarray(f["x"][()])
        g = f.get("attr")
        if g is not None and all(k in g for k in ("char", "char_values", "font", "font_values",
                                                  "scale", "rotation", "translation")):
            cols = {"char": np.asarray(g["char"][()], dtype=np.int64),
                    "font": np.asarray(g["font"][()], dtype=np.int64),
                    "scale": np.asarray(g["scale"][()], dtype=np.float64),
                    "rotation": np.asarray(g["rotation"][()], dtype=np.float64),
                    "translation_x": np.asarray(g["translation"][:, 0], dtype=np.float64)}
            n_classes = {"char": len(g["char_values"]), "font": len(g["font_values"])}
        else:
            from synbols_gpu.torch_data import read_columns

            c, _ = read_columns(f)
            cols = {"scale": c["scale"], "rotation": c["rotation"],
                    "translation_x": np.asarray(c["translation"])[:, 0]}
            n_classes = {}
            for k in ("char", "font"):
                cols[k], n_classes[k] = _codes(c[k])
        splits = {k: np.asarray(f["split"][k][()]).astype(bool) for k in f.get("split", {}).keys()}
        name = name or f.attrs.get("dataset", os.path.basename(path))
    return Data(name, x, cols, n_classes, splits, "file", time.time() - t)


def file_data(dataset, n, seed, data_dir, backend):
    import synbols_gpu

    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"{dataset}-n{n}-seed{seed}.h5py")
    t = time.time()
    if not os.path.exists(path):
        log(f"[data] generating {path}")
        synbols_gpu.generate(dataset, n, seed=seed, out=path + ".part", backend=backend,
                             quiet=True, preview=False, force=True)
        os.replace(path + ".part", path)
    gen = time.time() - t
    d = read_file(path, dataset)
    log(f"[data] {dataset}: {len(d.x)} samples from {path} (generate {gen:.1f} s, read {d.seconds:.1f} s)")
    d.seconds += gen
    return d


def stream_data(dataset, n, seed, backend, batch_size=1024):
    """All n samples read from ``synbols-gpu stream`` into memory (no file).
    The partitions are then computed by the harness, the file's included."""
    import synbols_gpu

    t = time.time()
    xs, chars, fonts, scale, rot, tx = [], [], [], [], [], []
    with synbols_gpu.stream(dataset, seed=seed, batch_size=batch_size, stop=n, backend=backend) as s:
        for x, _mask, a in s:
            xs.append(x)
            chars.append(a["char"]), fonts.append(a["font"])
            scale.append(a["scale"]), rot.append(a["rotation"]), tx.append(a["translation"][:, 0])
    x = np.concatenate(xs)
    cols = {"scale": np.concatenate(scale), "rotation": np.concatenate(rot),
            "translation_x": np.concatenate(tx)}
    n_classes = {}
    cols["char"], n_classes["char"] = _codes(np.concatenate(chars))
    cols["font"], n_classes["font"] = _codes(np.concatenate(fonts))
    d = Data(dataset, x, cols, n_classes, {}, "stream", time.time() - t)
    log(f"[data] {dataset}: {len(x)} samples streamed in {d.seconds:.1f} s")
    return d


def partition(d, name, seed):
    """The (n, 3) mask of a partition: the file's split where it writes one
    (split/random, split/stratified_font, split/stratified_char), computed
    from the columns otherwise (scale, rotation, x-translation,
    compositional rotation-scale, and every partition of a stream)."""
    fs = P.FILE_SPLITS.get(name)
    if fs is not None and fs in d.splits:
        return d.splits[fs], f"split/{fs}"
    return P.compute(name, d.cols, seed), "computed"


# -- training ------------------------------------------------------------

def to_device(x, device):
    import torch

    # uint8 (n, C, H, W) on the device; floats are made a batch at a time.
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).to(device)


def prep(xb):
    return xb.float().div_(127.5).sub_(1.0)


def evaluate(model, X, Y, idx, bs, amp):
    import torch
    import torch.nn.functional as F

    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad(), torch.autocast(X.device.type, enabled=amp):
        for i in range(0, len(idx), bs):
            j = idx[i:i + bs]
            out = model(prep(X[j])).float()
            loss += F.cross_entropy(out, Y[j], reduction="sum").item()
            correct += (out.argmax(1) == Y[j]).sum().item()
    n = max(len(idx), 1)
    return loss / n, 100.0 * correct / n


def fit(backbone, X, Y, n_classes, parts, lr, seed, args):
    """Adam at lr for up to args.epochs epochs, stopping after args.patience
    epochs without a lower validation loss; returns the validation and test
    accuracy at the epoch of the lowest validation loss."""
    import torch
    import torch.nn.functional as F
    import models

    torch.manual_seed(seed)
    g = torch.Generator(device="cpu").manual_seed(seed)
    model = models.build(backbone, X.shape[1:], n_classes).to(X.device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    amp = args.amp and X.device.type == "cuda"
    scaler = torch.cuda.amp.GradScaler(enabled=amp)
    tr, va, te = parts
    best = (math.inf, 0.0, 0.0, 0)
    bad, seen, t0 = 0, 0, time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = tr[torch.randperm(len(tr), generator=g).to(tr.device)]
        for i in range(0, len(perm), args.batch_size):
            j = perm[i:i + args.batch_size]
            with torch.autocast(X.device.type, enabled=amp):
                loss = F.cross_entropy(model(prep(X[j])), Y[j])
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            seen += len(j)
        vloss, vacc = evaluate(model, X, Y, va, args.eval_batch_size, amp)
        if vloss < best[0]:
            _, tacc = evaluate(model, X, Y, te, args.eval_batch_size, amp)
            best, bad = (vloss, vacc, tacc, epoch), 0
        else:
            bad += 1
            if bad >= args.patience:
                break
    secs = time.time() - t0
    return {"valid_loss": best[0], "valid_acc": best[1], "test_acc": best[2], "best_epoch": best[3],
            "epochs": epoch, "seconds": secs, "train_images_per_s": seen / max(secs, 1e-9)}


def run_cell(backbone, d, X, task_part, seeds, lr_grid, args):
    import torch

    target = TARGET.get(d.name, "char")
    Y = torch.from_numpy(d.cols[target]).to(X.device)
    mask, _ = task_part
    parts = tuple(torch.from_numpy(np.flatnonzero(mask[:, k])).to(X.device) for k in range(3))
    runs = []
    for seed in seeds:
        tries = [dict(fit(backbone, X, Y, d.n_classes[target], parts, lr, seed, args), lr=lr)
                 for lr in lr_grid]
        pick = max(tries, key=lambda r: (r["valid_acc"], -r["valid_loss"]))
        log(f"  seed {seed}: lr {pick['lr']:g} (valid {pick['valid_acc']:.2f}%), test {pick['test_acc']:.2f}%"
            f"  [{sum(r['seconds'] for r in tries):.1f} s, {pick['train_images_per_s']:.0f} img/s]")
        runs.append({"seed": seed, "picked": pick, "grid": tries})
    accs = np.array([r["picked"]["test_acc"] for r in runs])
    return {"mean": float(accs.mean()), "std": float(accs.std(ddof=1)) if len(accs) > 1 else None,
            "runs": runs}


# -- output --------------------------------------------------------------

def table(results, backbones, tasks):
    import models

    head = ["Backbone"] + tasks
    rows = []
    for b in backbones:
        row = [models.BACKBONES[b][0]]
        for t in tasks:
            c = results.get(b, {}).get(t)
            if c is None:
                row.append("-")
            elif c["std"] is None:
                row.append(f"{c['mean']:.2f}")
            else:
                row.append(f"{c['mean']:.2f} ± {c['std']:.2f}")
        rows.append(row)
    w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(s.ljust(w[i]) for i, s in enumerate(r)) + " |"  # noqa: E731
    out = [line(head), "|" + "|".join("-" * (x + 2) for x in w) + "|"] + [line(r) for r in rows]
    return "\n".join(out)


def plot(results, backbones, tasks, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import models

    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(tasks) + 2), 4.5))
    width = 0.8 / max(len(backbones), 1)
    xs = np.arange(len(tasks))
    for i, b in enumerate(backbones):
        m = [results[b][t]["mean"] if t in results.get(b, {}) else np.nan for t in tasks]
        s = [(results[b][t]["std"] or 0.0) if t in results.get(b, {}) else 0.0 for t in tasks]
        ax.bar(xs + (i - (len(backbones) - 1) / 2) * width, m, width, yerr=s, capsize=3,
               label=models.BACKBONES[b][0])
    ax.set_xticks(xs)
    ax.set_xticklabels([t.replace(":", "\n").replace("_", " ") for t in tasks], fontsize=8)
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# -- throughput bench ----------------------------------------------------

def bench(args, device):
    """Images/s fed to one backbone (forward, backward, Adam step) for one
    pass over n samples: from the stream as the engine paints them, and
    from a file read a batch at a time with h5py (its generation timed
    apart)."""
    import h5py
    import torch
    import torch.nn.functional as F
    import models
    import synbols_gpu

    ds, n, bs = args.datasets_bench, args.n_samples, args.batch_size
    res = {}

    def train_on(batches, n_classes=26):
        torch.manual_seed(0)
        model = models.build(args.bench_backbone, (3, 32, 32), n_classes).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step(xb, yb):
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

        for _ in range(3):  # warm-up (allocations, kernels), untimed
            step(torch.zeros(bs, 3, 32, 32, device=device), torch.zeros(bs, dtype=torch.long, device=device))
        seen, t = 0, time.time()
        for x, y in batches:
            xb = prep(torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).to(device))
            step(xb, torch.from_numpy(np.asarray(y, dtype=np.int64)).to(device))
            seen += len(x)
        if device.type == "cuda":
            torch.cuda.synchronize()
        return seen, time.time() - t

    # the backbone alone, on images already in memory (the ceiling)
    rng = np.random.default_rng(0)
    xm = rng.integers(0, 255, (n, 32, 32, 3), dtype=np.uint8)
    ym = rng.integers(0, 26, n)
    seen, secs = train_on((xm[i:i + bs], ym[i:i + bs]) for i in range(0, n, bs))
    res["memory"] = seen / secs

    def from_stream():
        with synbols_gpu.stream(ds, seed=args.data_seed, batch_size=bs, stop=n, backend=args.backend) as s:
            for x, _m, a in s:
                yield x, np.searchsorted(np.array(list("abcdefghijklmnopqrstuvwxyz")), a["char"])
    seen, secs = train_on(from_stream())
    res["stream"] = seen / secs

    os.makedirs(args.data_dir, exist_ok=True)
    path = os.path.join(args.data_dir, f"bench-{ds}-n{n}.h5py")
    t = time.time()
    synbols_gpu.generate(ds, n, seed=args.data_seed, out=path, backend=args.backend, quiet=True,
                         preview=False, force=True)
    gen = time.time() - t

    def from_file():
        with h5py.File(path, "r") as f:
            X, C = f["x"], f["attr/char"]
            for i in range(0, n, bs):
                yield X[i:i + bs], np.asarray(C[i:i + bs], dtype=np.int64)
    seen, secs = train_on(from_file())
    res["file"] = seen / secs
    res["file_incl_generate"] = seen / (secs + gen)
    res["generate_s"] = gen
    print(f"throughput, {args.bench_backbone}, {ds}, {n} samples, batch {bs}, device {device}, "
          f"{torch.get_num_threads()} torch threads (images/s fed to the backbone):")
    print(f"  in memory (random images, no data): {res['memory']:.0f}")
    print(f"  stream (painted while training):    {res['stream']:.0f}")
    print(f"  file (h5py batches):                {res['file']:.0f}")
    print(f"  file incl. its generation ({gen:.1f} s): {res['file_incl_generate']:.0f}")
    return res


# -- main ----------------------------------------------------------------

def parse():
    import models

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", default="all",
                   help="comma list of DATASET:PARTITION, or table1, table2, all (default all). Partitions: "
                        + ", ".join(P.PARTITIONS))
    p.add_argument("--backbones", default=",".join(models.BACKBONES),
                   help="comma list of " + ", ".join(models.BACKBONES) + " (default all)")
    p.add_argument("--source", choices=["file", "stream"], default="file",
                   help="file: an HDF5 file generated into --data-dir (or --file); stream: synbols-gpu stream, no file")
    p.add_argument("--file", action="append", default=[], metavar="DATASET=PATH",
                   help="use this existing file for DATASET (repeatable)")
    p.add_argument("--data-dir", default="synbols-data", help="where generated files go (default ./synbols-data)")
    p.add_argument("--n-samples", type=int, default=100000, help="samples per dataset (default 100000)")
    p.add_argument("--data-seed", type=int, default=42, help="dataset seed (default 42)")
    p.add_argument("--seeds", default="0,1,2", help="training seeds, comma list (default 0,1,2)")
    p.add_argument("--lr-grid", default=DEFAULT_LR_GRID,
                   help=f"Adam learning rates tried; the best validation accuracy wins (default {DEFAULT_LR_GRID})")
    p.add_argument("--epochs", type=int, default=200, help="most epochs (default 200)")
    p.add_argument("--patience", type=int, default=10,
                   help="stop after this many epochs without a lower validation loss (default 10)")
    p.add_argument("--batch-size", type=int, default=512)
    p.add_argument("--eval-batch-size", type=int, default=1024)
    p.add_argument("--partition-seed", type=int, default=0, help="seed of the partitions the harness draws")
    p.add_argument("--device", default="auto", help="auto (cuda if available), cpu, cuda, cuda:1, ...")
    p.add_argument("--backend", default="auto", help="synbols-gpu painting backend: auto, cpu, gpu")
    p.add_argument("--no-amp", dest="amp", action="store_false", help="no mixed precision on CUDA")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.add_argument("--out-dir", default=".", help="results.json and the plot go here (default .)")
    p.add_argument("--plot", default=None, help="PNG path of the plot (default OUT_DIR/results.png)")
    p.add_argument("--bench", action="store_true",
                   help="measure images/s fed to --bench-backbone from the stream and from a file, and exit")
    p.add_argument("--bench-backbone", default="conv4-gap")
    p.add_argument("--bench-dataset", dest="datasets_bench", default="default")
    return p.parse_args()


def main():
    args = parse()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available()
                          else ("cpu" if args.device == "auto" else args.device))
    if args.bench:
        bench(args, device)
        return
    tasks = []
    for t in args.tasks.split(","):
        t = t.strip()
        tasks += TASK_SETS.get(t, [t]) if t else []
    tasks = list(dict.fromkeys(tasks))
    for t in tasks:
        if ":" not in t or t.split(":", 1)[1] not in P.PARTITIONS:
            sys.exit(f"bad task {t!r}: want DATASET:PARTITION with a partition in {list(P.PARTITIONS)}")
    import models

    backbones = [b.strip() for b in args.backbones.split(",") if b.strip()]
    for b in backbones:
        if b not in models.BACKBONES:
            sys.exit(f"unknown backbone {b!r} (have {list(models.BACKBONES)})")
    seeds = [int(s) for s in args.seeds.split(",")]
    lr_grid = [float(s) for s in args.lr_grid.split(",")]
    files = dict(f.split("=", 1) for f in args.file)
    log(f"[harness] device {device}, source {args.source}, {args.n_samples} samples, seeds {seeds}, "
        f"lr grid {lr_grid}, {args.epochs} epochs (patience {args.patience}), batch {args.batch_size}")

    results = {b: {} for b in backbones}
    meta = {"args": vars(args), "device": str(device), "partitions": {}, "data": {}}
    t_all = time.time()
    for dataset in dict.fromkeys(t.split(":")[0] for t in tasks):
        if dataset in files:
            d = read_file(files[dataset], dataset)
        elif args.source == "file":
            d = file_data(dataset, args.n_samples, args.data_seed, args.data_dir, args.backend)
        else:
            d = stream_data(dataset, args.n_samples, args.data_seed, args.backend)
        meta["data"][dataset] = {"n": len(d.x), "source": d.source, "seconds": d.seconds,
                                 "classes": d.n_classes}
        X = to_device(d.x, device)
        for t in [t for t in tasks if t.split(":")[0] == dataset]:
            part = partition(d, t.split(":", 1)[1], args.partition_seed)
            sizes = part[0].sum(axis=0).tolist()
            meta["partitions"][t] = {"from": part[1], "train_valid_test": sizes}
            for b in backbones:
                log(f"[train] {models.BACKBONES[b][0]} on {t} ({part[1]}, train/valid/test {sizes}, "
                    f"target {TARGET.get(dataset, 'char')})")
                results[b][t] = run_cell(b, d, X, part, seeds, lr_grid, args)
        del X, d
    seconds = time.time() - t_all
    print(f"Test accuracy (%) on synbols-gpu data, {args.n_samples} samples a dataset, source {args.source}, "
          f"device {device}; mean ± std over seeds {seeds}; learning rate picked on validation from {lr_grid}")
    print(table(results, backbones, tasks))
    print(f"[{seconds:.1f} s]")
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "results.json"), "w") as f:
        json.dump({"results": results, "meta": meta, "seconds": seconds}, f, indent=1)
    path = args.plot or os.path.join(args.out_dir, "results.png")
    plot(results, backbones, tasks, path,
         f"synbols-gpu, {args.n_samples} samples, {len(seeds)} seed(s), {args.source}")
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
