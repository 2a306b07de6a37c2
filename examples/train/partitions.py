"""Train/valid/test partitions of the Synbols paper's §3.2, as (n, 3) bool
masks (columns train, valid, test), computed from per-sample attribute
columns.

- i.i.d.: a random 60/20/20 permutation of the samples.
- stratified over a discrete attribute (font, char): its distinct values
  shuffled and cut 60/20/20, each sample going with its value.
- stratified over a continuous attribute (scale, rotation, x-translation):
  the samples below the 20th percentile are the validation set, those above
  the 80th the test set, the rest the training set.
- compositional over two continuous attributes a, b: with p_a, p_b the
  stratified part (0 train, 1 valid, 2 test) of each sample for a and for b,
  part j takes the samples with p_a = (p_b + j) mod 3. Each marginal keeps
  most of its range in every part while whole cells of the joint
  distribution are held out (train gets the diagonal cells, about 44%).
"""

import numpy as np

# name → (kind, attribute(s)); attributes name the harness's columns.
PARTITIONS = {
    "iid": ("iid", None),
    "stratified_font": ("discrete", "font"),
    "stratified_char": ("discrete", "char"),
    "stratified_scale": ("continuous", "scale"),
    "stratified_rotation": ("continuous", "rotation"),
    "stratified_x_translation": ("continuous", "translation_x"),
    "compositional_rotation_scale": ("compositional", ("rotation", "scale")),
}

# Partitions the generator writes as split/<name> (file input uses them).
FILE_SPLITS = {"iid": "random", "stratified_font": "stratified_font",
               "stratified_char": "stratified_char"}


def _mask(part):
    m = np.zeros((len(part), 3), dtype=bool)
    m[np.arange(len(part)), part] = True
    return m


def iid_part(n, rng, ratios=(0.6, 0.2, 0.2)):
    perm = rng.permutation(n)
    a = int(round(ratios[0] * n))
    b = a + int(round(ratios[1] * n))
    part = np.empty(n, dtype=np.int64)
    part[perm[:a]], part[perm[a:b]], part[perm[b:]] = 0, 1, 2
    return part


def discrete_part(values, rng, ratios=(0.6, 0.2, 0.2)):
    uniq, inv = np.unique(np.asarray(values), return_inverse=True)
    return iid_part(len(uniq), rng, ratios)[inv]


def continuous_part(values, lo=20, hi=80):
    v = np.asarray(values, dtype=np.float64)
    a, b = np.percentile(v, [lo, hi])
    part = np.zeros(len(v), dtype=np.int64)
    part[v < a] = 1
    part[v > b] = 2
    return part


def compositional_part(a, b):
    pa, pb = continuous_part(a), continuous_part(b)
    # p_a = (p_b + j) mod 3  ⇔  j = (p_a - p_b) mod 3
    return (pa - pb) % 3


def compute(name, cols, seed=0):
    """The (n, 3) mask of partition name from columns (a dict of arrays)."""
    kind, attr = PARTITIONS[name]
    rng = np.random.default_rng(seed)
    if kind == "iid":
        part = iid_part(len(cols["char"]), rng)
    elif kind == "discrete":
        part = discrete_part(cols[attr], rng)
    elif kind == "continuous":
        part = continuous_part(cols[attr])
    else:
        part = compositional_part(cols[attr[0]], cols[attr[1]])
    return _mask(part)
