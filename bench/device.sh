#!/usr/bin/env bash
# device.sh: the one script to run on the lent GPU machine (README "GPU
# machine"). It expects what bench/device-prepare.sh made,
# carried as [".device", ".gl"]: the gzipped binaries (or bin/ itself) and
# the glvnd loader .debs. It
#   1. unpacks the binaries into bin/ and the loader into /, points glvnd
#      at the NVIDIA EGL vendor file;
#   2. preflight: machine, ldd of every binary ("MISSING: lib..." for what
#      does not resolve), the EGL loader and vendor files, the GL context
#      (gpu.test's TestDeviceInfo), disks;
#   3. the GPU-vs-CPU parity tests;
#   4. the benchmark table, one synbols-gpu bench process per row (gpu,
#      then cpu, at each size), so each row is printed as soon as it is
#      measured and a timeout loses only the row it cuts; then a GPU-only
#      row with large batches. If synbols-gpu cannot start, gpu.test's
#      painting-only benchmark stands in;
#   5. the end-to-end run of the issue's goal: E2E_SAMPLES (1,000,000)
#      default samples into compressed HDF5 on the GPU with generate
#      --stats (each stage's busy and waiting time: what bounds it), its
#      wall, user and sys time, the same run without checkpoints (what
#      they cost on the libhdf5 goroutine), then a per-stage table at each
#      size (STAGE_SAMPLES, 200,000), the files removed after; before it,
#      the shader variants side by side (gpu.test -test.bench
#      PaintDefault32, VARIANTS_TIME);
#   6. an HDF5 round trip: 2,000 samples into a file, read back with the
#      machine's h5py;
#   7. a summary: each step's exit status and time, and the rows again.
# Each step has a timeout and the whole script a deadline (TOTAL), and a
# failing step does not stop the next one; the exit status is that of the
# first failure. Everything is also written to $OUT/device.log (and the
# rows to $OUT/bench.txt); without $OUT, to out/device/.
#
# Environment: SIZES (32,64,128), BACKENDS ("gpu cpu"), N_SAMPLES (100000),
# TIME (3s), BATCH (4096), BIG_BATCH (65536; "" skips that row), PARITY
# (the parity tests' -test.run pattern; "" skips them), TOTAL (480 s for
# the whole script), STEP_TIMEOUT (240 s at most per step), ROW_TIMEOUT
# (120 s at most per table row), E2E_SAMPLES (1000000; 0 skips the
# end-to-end and per-stage runs), STAGE_SAMPLES (200000), VARIANTS_TIME
# (gpu.test's -test.benchtime for the shader variants' benchmark, 20x;
# "" skips it).
# No set -e or -u: a step that fails, or a variable the machine lacks, must
# not end the script.
set -o pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-32,64,128}
BACKENDS=${BACKENDS:-gpu cpu}
N_SAMPLES=${N_SAMPLES:-100000}
TIME=${TIME:-3s}
BATCH=${BATCH:-4096}
BIG_BATCH=${BIG_BATCH-65536}
PARITY=${PARITY-Parity|ReadBackFallback|PipelinedMatchesSimple|BatchLargerThanRing|Rounding|ConcurrentPaints|TailAfterFailedCall|CloseRetiresTail|StateInRegisters}
VARIANTS_TIME=${VARIANTS_TIME-20x}
# PRESETS: NAME:SIZE pairs measured after the main table and the HDF5 round
# trip, each preset at its native resolution, gpu then cpu (the issue's
# comparison with the original's figures); empty to skip.
PRESETS=${PRESETS-camouflage:32 some-large-occlusion:32 counting:128 counting-crowded:128 korean-1k:32 tiny:8 plain:32}
PRESET_SAMPLES=${PRESET_SAMPLES:-20000}
E2E_SAMPLES=${E2E_SAMPLES-1000000}
STAGE_SAMPLES=${STAGE_SAMPLES:-200000}
TOTAL=${TOTAL:-480}
STEP_TIMEOUT=${STEP_TIMEOUT:-240}
ROW_TIMEOUT=${ROW_TIMEOUT:-120}
OUT=${OUT:-$PWD/out/device}
mkdir -p "$OUT"
: >"$OUT/bench.txt"
# Every line reaches the log as it is written: tee does not buffer, the Go
# binaries write straight to their stdout.
exec 3>&1 4>&2 > >(tee -a "$OUT/device.log") 2>&1
tee_pid=$!

start=$SECONDS
status=0
summary=()

left() { echo $((TOTAL - (SECONDS - start))); }

# step NAME LIMIT CMD...: runs CMD under timeout (the smaller of LIMIT and
# the time left before the deadline), prints its exit status, records it.
step() {
	local name=$1 limit=$2
	shift 2
	local l
	l=$(left)
	((l - 5 < limit)) && limit=$((l - 5))
	echo
	if ((limit < 5)); then
		echo "=== $name: SKIPPED, the ${TOTAL}s deadline is reached"
		summary+=("$(printf '%-34s %9s %5s' "$name" skipped -)")
		[ $status -eq 0 ] && status=124
		return 124
	fi
	echo "=== $name ($(date -u +%T), timeout ${limit}s)"
	echo "\$ ${SHOWN:-$*}"
	local t0=$SECONDS
	timeout -k 5 "$limit" "$@"
	local rc=$?
	local what=$rc
	((rc == 124 || rc == 137)) && what="$rc (timed out)"
	echo "=== exit $what, $((SECONDS - t0)) s"
	summary+=("$(printf '%-34s %9s %5s' "$name" "$rc" "$((SECONDS - t0))s")")
	if [ $rc -ne 0 ] && [ $status -eq 0 ]; then status=$rc; fi
	return $rc
}

echo "=== device.sh $(date -u '+%F %T UTC'), deadline ${TOTAL}s, output under $OUT"
[ -f .device/BUILD ] && sed 's/^/build: /' .device/BUILD

# --- 1. set-up ------------------------------------------------------------
mkdir -p bin
for f in synbols-gpu gpu.test; do
	if [ -f ".device/$f.gz" ]; then
		if command -v gzip >/dev/null; then
			gzip -dc ".device/$f.gz" >"bin/$f.tmp"
		else
			python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), sys.stdout.buffer)' ".device/$f.gz" >"bin/$f.tmp"
		fi && chmod +x "bin/$f.tmp" && mv "bin/$f.tmp" "bin/$f" || echo "device.sh: could not unpack .device/$f.gz"
	fi
	[ -x "bin/$f" ] || { echo "MISSING: bin/$f (run bench/device-prepare.sh here and carry .device and .gl)"; status=2; }
done
if [ -f .device/SHA256SUMS ] && command -v sha256sum >/dev/null; then
	(cd bin && sha256sum -c --quiet ../.device/SHA256SUMS) && echo "binaries: checksums match .device/SHA256SUMS" || echo "device.sh: WARNING: binaries differ from .device/SHA256SUMS"
fi
if ls .gl/*.deb >/dev/null 2>&1; then
	if command -v dpkg >/dev/null; then
		for f in .gl/*.deb; do dpkg -x "$f" / || echo "device.sh: dpkg -x $f failed"; done
		ldconfig
	else
		echo "MISSING: dpkg (cannot unpack .gl/*.deb)"
	fi
else
	echo "device.sh: no .gl/*.deb: relying on an installed libEGL"
fi
if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]; then
	for v in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json /etc/glvnd/egl_vendor.d/10_nvidia.json; do
		if [ -f "$v" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$v; break; fi
	done
fi
# CI=1: the tests fail, rather than skip, when EGL does not open.
export CI=1

# --- 2. preflight ------------------------------------------------------------
echo
echo "=== preflight"
echo "os: $( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || echo unknown), kernel $(uname -r), $(ldd --version 2>/dev/null | head -1)"
echo "cpus: $(nproc), memory: $(awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2} END {printf "%.0f GiB, %.0f GiB available", t / 1048576, a / 1048576}' /proc/meminfo)"
timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.current,pcie.link.width.current --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /' || echo "gpu: (no nvidia-smi)"
missing=0
for f in bin/synbols-gpu bin/gpu.test; do
	[ -x "$f" ] || continue
	echo "ldd $f:"
	ldd "$f" 2>&1 | sed 's/^/  /'
	for l in $(ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'); do
		echo "MISSING: $l (needed by $f)"
		missing=1
	done
done
echo "glvnd loader:"
ldconfig -p | grep -E 'lib(EGL|GLdispatch)\.so' | sed 's/^/  /'
for l in libEGL.so.1 libGLdispatch.so.0; do
	ldconfig -p | grep -q "$l " || { echo "MISSING: $l (the glvnd loader: carry .gl)"; missing=1; }
done
echo "__EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-(unset: glvnd reads the egl_vendor.d folders)}"
vendors=0
named=${__EGL_VENDOR_LIBRARY_FILENAMES:-}
for v in ${named//:/ } /usr/local/nvidia/share/glvnd/egl_vendor.d/*.json /etc/glvnd/egl_vendor.d/*.json /usr/share/glvnd/egl_vendor.d/*.json; do
	[ -f "$v" ] || continue
	vendors=1
	lib=$(sed -n 's/.*"library_path" *: *"\([^"]*\)".*/\1/p' "$v")
	where=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
	[ -z "$where" ] && [ -e "$lib" ] && where=$lib
	echo "EGL vendor: $v -> $lib (${where:-not found})"
	[ -n "$where" ] || echo "MISSING: $lib (EGL vendor library named by $v)"
done
[ $vendors -eq 1 ] || { echo "MISSING: EGL vendor JSON (no egl_vendor.d/*.json): no driver for glvnd to load"; missing=1; }
echo "disks (output folder, working tree, TMPDIR where bench writes its files):"
df -hT "$OUT" "$PWD" "${TMPDIR:-/tmp}" 2>&1 | sed 's/^/  /'
[ $missing -eq 0 ] && echo "preflight: every library resolves, an EGL vendor is there" || echo "preflight: MISSING (above)"
sg_ok=0
if [ -x bin/synbols-gpu ] && timeout 30 bin/synbols-gpu presets >/dev/null 2>&1; then
	sg_ok=1
	echo "preflight: bin/synbols-gpu starts"
else
	echo "preflight: bin/synbols-gpu does NOT start: $(timeout 30 bin/synbols-gpu presets 2>&1 | head -1)"
	[ $status -eq 0 ] && status=2
fi
gl_ok=0
if [ -x bin/gpu.test ]; then
	step "GL probe (TestDeviceInfo)" 60 bin/gpu.test -test.run '^TestDeviceInfo$' -test.v && gl_ok=1
fi

# --- 3. parity -----------------------------------------------------------
# First: a backend that paints wrong bytes makes the figures moot.
if [ -n "$PARITY" ] && [ -x bin/gpu.test ]; then
	step "parity tests" "$STEP_TIMEOUT" bin/gpu.test -test.run "$PARITY" -test.v
fi

# --- 4. the table ------------------------------------------------------------
# row NAME ARGS...: one bench process; its header only if no earlier row
# printed one.
row() {
	local name=$1
	shift
	SHOWN="$*" step "$name" "$ROW_TIMEOUT" bash -c 'if grep -q "^ *backend  " "$BENCH_TXT"; then h=1; else h=0; fi; "$@" 2>&1 | if [ $h = 1 ]; then grep --line-buffered -v "^ *backend  "; else cat; fi | tee -a "$BENCH_TXT"; exit ${PIPESTATUS[0]}' row "$@"
}
export BENCH_TXT=$OUT/bench.txt
cache=$(mktemp -d "${TMPDIR:-/tmp}/synbols-device-cache.XXXXXX")
if [ $sg_ok -eq 1 ]; then
	for size in ${SIZES//,/ }; do
		for be in $BACKENDS; do
			if [ "$be" = gpu ] && [ $gl_ok -eq 0 ]; then
				echo "(gpu ${size}x${size}: skipped, no GL context)"
				continue
			fi
			row "bench $be ${size}x${size}" bin/synbols-gpu bench --backends "$be" --sizes "$size" --n_samples "$N_SAMPLES" --time "$TIME" --batch "$BATCH" --cache-dir "$cache" --fonts embedded
		done
	done
	if [ -n "$BIG_BATCH" ] && [ $gl_ok -eq 1 ]; then
		row "bench gpu 32x32 batch $BIG_BATCH" bin/synbols-gpu bench --backends gpu --sizes 32 --n_samples "$N_SAMPLES" --time "$TIME" --batch "$BIG_BATCH" --cache-dir "$cache" --fonts embedded
	fi
elif [ -x bin/gpu.test ]; then
	echo "(synbols-gpu cannot start: painting-only figures from gpu.test instead, no end-to-end column)"
	SHOWN="bin/gpu.test -test.run '^\$' -test.bench PaintSizes -test.benchtime 2s" step "painting-only benchmark (gpu.test)" "$STEP_TIMEOUT" bash -c 'bin/gpu.test -test.run "^$" -test.bench PaintSizes -test.benchtime 2s 2>&1 | tee -a "$BENCH_TXT"; exit ${PIPESTATUS[0]}'
fi
# --- shader variants side by side, painting only: the specialised and the
# generic programs, and the two exact rounding tests (RoundingAuto picks
# integer on hardware), 4,096 default 32×32 samples an iteration.
if [ -n "$VARIANTS_TIME" ] && [ $gl_ok -eq 1 ]; then
	SHOWN="bin/gpu.test -test.run '^\$' -test.bench PaintDefault32 -test.benchtime $VARIANTS_TIME" step "shader variants (gpu.test)" "$ROW_TIMEOUT" bash -c 'bin/gpu.test -test.run "^$" -test.bench PaintDefault32 -test.benchtime "$1" 2>&1 | tee -a "$BENCH_TXT"; exit ${PIPESTATUS[0]}' variants "$VARIANTS_TIME"
fi
# --- end to end: the goal's run (1 M default samples into compressed HDF5
# on the GPU) with the per-stage table, then one per size. The files go to
# a scratch folder (not $OUT: gigabytes) and are removed after each run.
if [ $sg_ok -eq 1 ] && [ $gl_ok -eq 1 ] && [ "${E2E_SAMPLES:-0}" -gt 0 ]; then
	e2e=$(mktemp -d "${TMPDIR:-/tmp}/synbols-device-e2e.XXXXXX")
	echo "end-to-end scratch: $(df -hT "$e2e" | tail -1)"
	# stage NAME N SIZE [FLAG...]: generate --stats of N default samples at
	# SIZE×SIZE (and the flags), timed by bash (wall, user, sys), the file
	# removed after.
	stage() {
		local name=$1 n=$2 size=$3
		shift 3
		SHOWN="bin/synbols-gpu generate --dataset default --n_samples $n --resolution ${size}x$size --backend gpu --stats $*" \
			step "$name" "$ROW_TIMEOUT" bash -c 'n=$1 size=$2 cache=$3 dir=$4; shift 4; TIMEFORMAT="time: %R s wall, %U s user, %S s sys"; time bin/synbols-gpu generate --dataset default --n_samples "$n" --resolution "${size}x$size" --backend gpu --stats --quiet --fonts embedded --cache-dir "$cache" --out "$dir/e2e.h5py" "$@"; rc=$?; ls -l "$dir/e2e.h5py" 2>/dev/null; rm -f "$dir/e2e.h5py" "$dir/e2e_preview.png"; exit $rc' stage "$n" "$size" "$cache" "$e2e" "$@"
	}
	stage "end to end gpu 32x32, $E2E_SAMPLES samples" "$E2E_SAMPLES" 32
	# What the checkpoints (a close and reopen of the file every 64 MiB of
	# images, on the libhdf5 goroutine) cost there: the same run without.
	stage "end to end gpu 32x32, $E2E_SAMPLES samples, no checkpoints" "$E2E_SAMPLES" 32 --checkpoint "$E2E_SAMPLES"
	for size in ${SIZES//,/ }; do
		stage "stages gpu ${size}x${size}, $STAGE_SAMPLES samples" "$STAGE_SAMPLES" "$size"
	done
	rm -rf "$e2e"
fi
# --- HDF5 round trip: a small dataset painted on the GPU (cpu without a GL
# context), written through the statically linked libhdf5, read back with
# the machine's h5py where it has one.
if [ $sg_ok -eq 1 ]; then
	check=$(mktemp -d "${TMPDIR:-/tmp}/synbols-device-check.XXXXXX")
	be=cpu
	[ $gl_ok -eq 1 ] && be=gpu
	step "HDF5 file ($be, 2000 samples)" 60 bin/synbols-gpu generate --dataset default --n_samples 2000 --backend "$be" --out "$check/check.h5py" --cache-dir "$cache" --fonts embedded --quiet
	if [ -f "$check/check.h5py" ] && command -v python3 >/dev/null && python3 -c 'import h5py' 2>/dev/null; then
		step "HDF5 file read by h5py" 60 python3 -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r")
print({k: (f[k].shape, str(f[k].dtype)) for k in ("x", "mask", "y")}, "splits:", sorted(f["split"]))
assert f["x"].shape[0] == 2000 and f["x"][-1].any(), "empty or short x"' "$check/check.h5py"
	else
		echo "(no python3 with h5py here: the file is not read back)"
	fi
	rm -rf "$check"
fi
# --- per-preset rows: the step name says which preset a row is.
if [ $sg_ok -eq 1 ] && [ -n "$PRESETS" ]; then
	for p in $PRESETS; do
		name=${p%%:*}
		size=${p##*:}
		for be in $BACKENDS; do
			if [ "$be" = gpu ] && [ $gl_ok -eq 0 ]; then
				continue
			fi
			row "bench $be $name ${size}x${size}" bin/synbols-gpu bench --dataset "$name" --backends "$be" --sizes "$size" --n_samples "$PRESET_SAMPLES" --time 2s --batch "$BATCH" --cache-dir "$cache" --fonts embedded
		done
	done
fi
rm -rf "$cache"

# --- 5. summary ----------------------------------------------------------------
echo
echo "=== summary ($((SECONDS - start)) s)"
printf '%-34s %9s %5s\n' step "exit" time
printf '%s\n' "${summary[@]}"
echo
echo "rows:"
# Each bench process aligned its own row: align them together again
# (columns are separated by two spaces or more).
awk '
	{ sub(/^ +/, ""); line[NR] = $0 }
	/^(gpu|cpu|auto|backend) / {
		k = split($0, c, /  +/)
		for (i = 1; i <= k; i++) if (length(c[i]) > w[i]) w[i] = length(c[i])
		table[NR] = 1
	}
	END {
		for (r = 1; r <= NR; r++) {
			if (!table[r]) { print line[r]; continue }
			k = split(line[r], c, /  +/)
			out = sprintf("%-" w[1] "s", c[1])
			for (i = 2; i <= k; i++) out = out sprintf("  %" w[i] "s", c[i])
			print out
		}
	}' "$OUT/bench.txt"
echo
echo "device.sh: done, status $status"
exec 1>&3 2>&4 3>&- 4>&-
wait "$tee_pid" 2>/dev/null
exit $status
