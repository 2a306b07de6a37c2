#!/usr/bin/env bash
# device-prepare.sh: run here (with Go, gcc, libhdf5-dev and a package
# registry) before borrowing the GPU machine, which has the NVIDIA driver
# but neither Go, nor a registry, nor libhdf5. It makes:
#
#   bin/synbols-gpu, bin/gpu.test   stripped binaries that need only glibc
#                                   (libEGL is dlopened at run time)
#   .device/*.gz                    the same, gzipped, for the trip (carry)
#   .gl/*.deb                       the glvnd loader (libEGL.so.1, ...)
#
# libhdf5 is linked statically: a pkg-config file of our own, first on
# PKG_CONFIG_PATH, names Debian's libhdf5.a with libsz.a, libaec.a and
# libz.a (the objects internal/hdf5 reaches need nothing else: not libcurl,
# which Debian's libhdf5.so drags in with about 30 other libraries for its
# S3 driver). engine/gpu's test binary does not link HDF5 at all
# (internal/recipe). The script fails if either binary needs a library
# beyond glibc. Then, with the device tool:
#   run  command: bash bench/device.sh   carry: [".device", ".gl"]
# (carrying "bin" instead of ".device" works too, at twice the size).
set -euo pipefail
cd "$(dirname "$0")/.."

for p in /.gl/ /.gl-lists/ /.device/ /.device-build/; do
	grep -qxF "$p" .git/info/exclude 2>/dev/null || { mkdir -p .git/info && echo "$p" >>.git/info/exclude; }
done
mkdir -p bin .device .device-build/pkgconfig

# --- libhdf5, statically -----------------------------------------------
# Debian: libhdf5-dev ships libhdf5_serial.a, libaec-dev libsz.a/libaec.a,
# zlib1g-dev libz.a.
hdf5_L=$(pkg-config --libs-only-L hdf5 | sed 's/^ *-L//; s/ *$//')
hdf5_cflags=$(pkg-config --cflags hdf5)
archive() { # archive NAME [DIR]: the path of NAME (a .a) or fail
	local f
	if [ -n "${2:-}" ] && [ -e "$2/$1" ]; then f=$2/$1; else f=$(gcc -print-file-name="$1"); fi
	[ -e "$f" ] && [ "$f" != "$1" ] || { echo "device-prepare.sh: no $1 (apt-get install libhdf5-dev libaec-dev zlib1g-dev)" >&2; exit 1; }
	readlink -f "$f"
}
a_hdf5=$(archive libhdf5.a "$hdf5_L")
a_sz=$(archive libsz.a)
a_aec=$(archive libaec.a)
a_z=$(archive libz.a)
cat >.device-build/pkgconfig/hdf5.pc <<EOF
Name: HDF5
Description: HDF5 linked statically, for binaries that start without libhdf5 (bench/device-prepare.sh)
Version: $(pkg-config --modversion hdf5)
Cflags: $hdf5_cflags
Libs: $a_hdf5 $a_sz $a_aec $a_z -lm -ldl
EOF

# cgo is required: internal/gl dlopens libEGL through C. A build cache of
# its own: Go's cache does not key on pkg-config's answer, so with the
# shared one a cached internal/hdf5 would keep linking libhdf5.so here, or
# (worse) the static one would leak into everybody's ordinary builds.
export CGO_ENABLED=1
GOCACHE=${DEVICE_GOCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/synbols-gpu-device-gocache} \
	PKG_CONFIG_PATH=$PWD/.device-build/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} \
	GOEXPERIMENT=simd go build -trimpath -ldflags='-s -w' -o bin/synbols-gpu ./cmd/synbols-gpu
if go list -deps -test ./engine/gpu | grep -q '/internal/hdf5$'; then
	echo "device-prepare.sh: engine/gpu's tests depend on internal/hdf5 again (see internal/recipe)" >&2
	exit 1
fi
go test -c -trimpath -ldflags='-s -w' -o bin/gpu.test ./engine/gpu

# Only glibc: anything else may be missing on the machine.
bad=0
for f in bin/synbols-gpu bin/gpu.test; do
	echo "ldd $f:"
	ldd "$f" | sed 's/^/  /'
	if ldd "$f" | awk '{print $1}' | grep -vE '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|lib(c|m|dl|pthread|rt|resolv)\.so\.[0-9]+)$' | grep .; then
		echo "device-prepare.sh: $f needs the libraries above beyond glibc" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] || exit 1
objdump -T bin/synbols-gpu bin/gpu.test | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | sed 's/^/newest glibc symbol version needed: /'

# --- for the trip: gzipped copies and what they are ------------------------
rm -f .device/*
for f in synbols-gpu gpu.test; do gzip -c bin/$f >.device/$f.gz; done
(cd bin && sha256sum synbols-gpu gpu.test) >.device/SHA256SUMS
{
	echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (+ uncommitted changes)')"
	go version
	echo "hdf5 $(pkg-config --modversion hdf5), static: $a_hdf5"
	date -u '+built %F %T UTC'
} >.device/BUILD

# --- the glvnd loader (libEGL.so.1, libGLdispatch.so.0, ...): the driver's
# vendor library is on the machine, the loader is not.
mkdir -p .gl .gl-lists/partial
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$PWD/.gl-lists")
apt-get "${o[@]}" update >/dev/null
(cd .gl && rm -f ./*.deb && apt-get "${o[@]}" download libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libvulkan1 >/dev/null)

echo
ls -l bin .device .gl
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
carried=$(du -cb .device .gl | tail -1 | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "bin $(mib "$(du -cb bin/synbols-gpu bin/gpu.test | tail -1 | cut -f1)") (not carried), .device $(mib "$(du -cb .device | tail -1 | cut -f1)"), .gl $(mib "$(du -cb .gl | tail -1 | cut -f1)")"
echo "travels: working tree $(mib "$tree") + carried $(mib "$carried") = $(mib $((tree + carried))) of 64 MiB"
[ $((tree + carried)) -lt $((60 << 20)) ] || echo "device-prepare.sh: WARNING: close to the 64 MiB limit" >&2
echo "ready: run 'bash bench/device.sh' on the device machine with carry [\".device\", \".gl\"]"
