#!/usr/bin/env bash
# device.sh: the one script to run on the lent GPU machine (see
# ../shared/GPU.md, "Running on the lent GPU machine"). It expects what
# bench/device-prepare.sh made: bin/synbols-gpu, bin/gpu.test and the glvnd
# .debs in .gl/. It installs the loader, points glvnd at the NVIDIA EGL
# vendor file, then prints: the device, the GPU-vs-CPU parity tests, and
# the CPU/GPU benchmark table. Device time is short, so each step has a
# timeout and a failing step does not stop the next one; the exit status
# is that of the first failure.
#
# Environment: SIZES (32,64,128), N_SAMPLES (100000), TIME (3s), BATCH
# (4096), BIG_BATCH (65536: a second GPU-only run with large batches, ""
# to skip), STEP_TIMEOUT (240 s per step).
set -uo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-32,64,128}
N_SAMPLES=${N_SAMPLES:-100000}
TIME=${TIME:-3s}
BATCH=${BATCH:-4096}
BIG_BATCH=${BIG_BATCH-65536}
STEP_TIMEOUT=${STEP_TIMEOUT:-240}
status=0

step() {
	echo
	echo "=== $* ($(date +%T))"
	timeout "$STEP_TIMEOUT" "$@"
	local rc=$?
	echo "=== exit $rc"
	if [ $rc -ne 0 ] && [ $status -eq 0 ]; then status=$rc; fi
}

for f in bin/synbols-gpu bin/gpu.test; do
	[ -x "$f" ] || { echo "device.sh: $f missing: run bench/device-prepare.sh here and carry bin and .gl" >&2; exit 2; }
done
if ls .gl/*.deb >/dev/null 2>&1; then
	for f in .gl/*.deb; do dpkg -x "$f" /; done
	ldconfig
else
	echo "device.sh: no .gl/*.deb: relying on an installed libEGL" >&2
fi
vendor=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f "$vendor" ]; then
	export __EGL_VENDOR_LIBRARY_FILENAMES=$vendor
fi
# CI=1: the tests fail, rather than skip, when EGL does not open.
export CI=1

echo "=== machine"
nproc
free -g | head -2
nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.current,pcie.link.width.current --format=csv 2>/dev/null || echo "(no nvidia-smi)"
echo "__EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-}"

# Parity first: a backend that paints wrong bytes makes the figures moot.
step bin/gpu.test -test.run 'Parity|ReadBackFallback|PipelinedMatchesSimple|BatchLargerThanRing' -test.v
step bin/synbols-gpu bench --backends cpu,gpu --sizes "$SIZES" --n_samples "$N_SAMPLES" --time "$TIME" --batch "$BATCH" --cache-dir "" --system-fonts=false
if [ -n "$BIG_BATCH" ]; then
	step bin/synbols-gpu bench --backends gpu --sizes 32 --n_samples "$N_SAMPLES" --time "$TIME" --batch "$BIG_BATCH" --cache-dir "" --system-fonts=false
fi
echo
echo "device.sh: done, status $status"
exit $status
