#!/usr/bin/env bash
# rehearse.sh: run bench/device.sh here the way the lent GPU machine will
# run it, before spending device time. The stand-in for that machine is a
# clean Debian 12 root (debootstrap --variant=minbase) with neither Go, nor
# libhdf5, nor the glvnd loader .debs' files beyond what Mesa needs: only
# Mesa's EGL (libegl1, libegl-mesa0, libgl1-mesa-dri, libglvnd0) stands in
# for the NVIDIA driver, so the GPU steps run on llvmpipe, slowly. Into a
# fresh copy of that root go only what the device tool sends: the working
# tree (tracked and untracked-not-ignored files) and the carried paths
# (CARRY, default ".device .gl"); then, chrooted, with /dev and /proc
# mounted: bash bench/device.sh, with small sizes (the overrides below).
# What fails here fails there.
#
# Needs root and the Debian mirror (the first time: debootstrap, about
# 2 minutes, kept under REHEARSE_DIR/base for later runs). Runs
# bench/device-prepare.sh first unless .device/ is there (PREPARE=1
# forces it). Writes the whole output to LOG (default /tmp/rehearsal.log)
# and device.sh's $OUT to REHEARSE_DIR/out.
#
# Failure paths: NO_EGL=1 removes Mesa's EGL vendor file from the copy (a
# machine whose driver glvnd cannot find: the GPU steps must fail and the
# CPU rows still run); DROP="synbols-gpu" (or "gpu.test") leaves that
# binary out of what travels (device.sh must say MISSING and go on).
#
# Environment: REHEARSE_DIR (/tmp/synbols-rehearse), LOG, CARRY, PREPARE,
# MIRROR (http://deb.debian.org/debian), NO_EGL, DROP, and device.sh's own overrides,
# here defaulting to SIZES=32,64 N_SAMPLES=2000 TIME=1s BATCH=1024
# BIG_BATCH=4096 TOTAL=540 PRESETS="counting:128 tiny:8" PRESET_SAMPLES=500
# E2E_SAMPLES=3000 STAGE_SAMPLES=500 VARIANTS_TIME=1x.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dir=${REHEARSE_DIR:-/tmp/synbols-rehearse}
base=$dir/base
root=$dir/root
LOG=${LOG:-/tmp/rehearsal.log}
CARRY=${CARRY:-.device .gl}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "rehearse.sh: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
mkdir -p "$dir"

unmount() {
	local m
	for m in "$root/proc" "$root/dev"; do
		if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m"; fi
	done
}
trap unmount EXIT

# The stand-in machine, made once.
if [ ! -f "$base/.synbols-ready" ]; then
	command -v debootstrap >/dev/null || apt-get install -y debootstrap
	rm -rf --one-file-system "$base"
	debootstrap --variant=minbase bookworm "$base" "$MIRROR"
	chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update
	# libegl-mesa0 is only a recommendation of libegl1: without it glvnd
	# has no vendor at all.
	chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		libegl1 libegl-mesa0 libgl1-mesa-dri libglvnd0
	chroot "$base" apt-get clean
	touch "$base/.synbols-ready"
fi
if chroot "$base" dpkg -l | grep -E '^ii +lib(hdf5|sz|aec|curl)'; then
	echo "rehearse.sh: $base has the libraries above: not a bare machine" >&2
	exit 1
fi

if [ "${PREPARE:-}" = 1 ] || [ ! -f .device/synbols-gpu.gz ]; then
	bash bench/device-prepare.sh
fi

# A fresh copy for every rehearsal: device.sh unpacks .debs into /.
unmount
if mountpoint -q "$root/dev" 2>/dev/null || mountpoint -q "$root/proc" 2>/dev/null; then
	echo "rehearse.sh: $root still has mounts: not removing it" >&2
	exit 1
fi
rm -rf --one-file-system "$root"
cp -a "$base" "$root"

# What travels: the working tree as git sees it, plus the carried paths.
mkdir -p "$root/work/repo" "$root/out"
git ls-files -z --cached --others --exclude-standard |
	tar -c --null --ignore-failed-read -T - 2>/dev/null | tar -x -C "$root/work/repo"
for c in $CARRY; do
	[ -e "$c" ] || { echo "rehearse.sh: carried path $c missing" >&2; exit 1; }
	mkdir -p "$root/work/repo/$(dirname "$c")"
	cp -a "$c" "$root/work/repo/$c"
done
for f in ${DROP:-}; do rm -f "$root/work/repo/.device/$f.gz" "$root/work/repo/bin/$f"; done
[ "${NO_EGL:-}" = 1 ] && rm -f "$root"/usr/share/glvnd/egl_vendor.d/*.json
travel=$(du -sb "$root/work/repo" | cut -f1)

mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"

{
	echo "=== rehearse.sh $(date -u '+%F %T UTC'): $(chroot "$root" sh -c '. /etc/os-release; echo "$PRETTY_NAME"') under $root"
	[ -n "${DROP:-}${NO_EGL:-}" ] && echo "failure rehearsal: DROP=${DROP:-} NO_EGL=${NO_EGL:-}"
	echo "travels: $(awk -v b="$travel" 'BEGIN { printf "%.1f MiB", b / 1048576 }') (working tree + carried: $CARRY) of 64 MiB"
	echo "chroot has: $(chroot "$root" dpkg-query -W -f '${Package} ' libegl1 libegl-mesa0 libgl1-mesa-dri libglvnd0 2>/dev/null); libhdf5: $(chroot "$root" sh -c 'ldconfig -p | grep -c libhdf5' || true) entries"
	chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		OUT=/out \
		SIZES="${SIZES:-32,64}" N_SAMPLES="${N_SAMPLES:-2000}" TIME="${TIME:-1s}" BATCH="${BATCH:-1024}" \
		BIG_BATCH="${BIG_BATCH-4096}" TOTAL="${TOTAL:-540}" ${BACKENDS:+BACKENDS="$BACKENDS"} \
		PRESETS="${PRESETS-counting:128 tiny:8}" PRESET_SAMPLES="${PRESET_SAMPLES:-500}" \
		E2E_SAMPLES="${E2E_SAMPLES-3000}" STAGE_SAMPLES="${STAGE_SAMPLES:-500}" VARIANTS_TIME="${VARIANTS_TIME-1x}" \
		${PARITY+PARITY="$PARITY"} ${STEP_TIMEOUT:+STEP_TIMEOUT="$STEP_TIMEOUT"} ${ROW_TIMEOUT:+ROW_TIMEOUT="$ROW_TIMEOUT"} \
		bash -c 'cd /work/repo && bash bench/device.sh'
} 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
unmount
rm -rf "$dir/out"
cp -a "$root/out" "$dir/out"
echo "rehearse.sh: device.sh exited $rc; log $LOG, its \$OUT in $dir/out"
exit "$rc"
