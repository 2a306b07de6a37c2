#!/usr/bin/env bash
# device-prepare.sh: run here (with Go and a package registry) before
# borrowing the GPU machine, which has the NVIDIA driver but neither Go nor
# a registry. It builds what bench/device.sh runs into bin/ (git-ignored)
# and downloads the glvnd loader packages into .gl/ (git-excluded), as
# ../shared/GPU.md describes. Then, with the device tool:
#   run  command: bash bench/device.sh   carry: ["bin", ".gl"]
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p bin
# cgo is required: internal/gl dlopens libEGL through C.
export CGO_ENABLED=1
go build -o bin/synbols-gpu ./cmd/synbols-gpu
go test -c -o bin/gpu.test ./engine/gpu

# The glvnd loader (libEGL.so.1, libGLdispatch.so.0, ...): the driver's
# vendor library is on the machine, the loader is not.
for p in /.gl/ /.gl-lists/; do
	grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >>.git/info/exclude
done
mkdir -p .gl .gl-lists/partial
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$PWD/.gl-lists")
apt-get "${o[@]}" update >/dev/null
(cd .gl && rm -f ./*.deb && apt-get "${o[@]}" download libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libvulkan1)

ls -l bin .gl
du -csh bin .gl | tail -1
echo "ready: run 'bash bench/device.sh' on the device machine with carry [\"bin\", \".gl\"]"
