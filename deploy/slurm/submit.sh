#!/bin/bash
# Submits a sharded Synbols run: SHARDS array tasks (generate.sbatch), then
# the merge (merge.sbatch) once all of them have succeeded. The settings
# (DATASET or SPEC, N_SAMPLES, SEED, OUT_DIR, SYNBOLS_GPU, EXTRA_ARGS,
# MERGE_ARGS) reach both jobs through the environment:
#
#   DATASET=counting N_SAMPLES=100000 SHARDS=16 OUT_DIR=/scratch/$USER/counting ./submit.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SHARDS=${SHARDS:-8}
export DATASET=${DATASET:-default} SEED=${SEED:-42}
export OUT_DIR=${OUT_DIR:-$PWD/synbols-$DATASET-$SEED}
mkdir -p "$OUT_DIR"
jid=$(sbatch --parsable --array=0-$((SHARDS - 1)) --export=ALL "$here/generate.sbatch")
jid=${jid%%;*} # --parsable prints "id;cluster" on multi-cluster set-ups
mid=$(sbatch --parsable --dependency=afterok:"$jid" --export=ALL "$here/merge.sbatch")
echo "shards: job array $jid ($SHARDS tasks); merge: job ${mid%%;*} after it; output $OUT_DIR/$DATASET.h5py"
