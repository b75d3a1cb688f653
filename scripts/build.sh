#!/bin/sh
# Configure and build roomsys into BUILD_DIR (default build/), warnings as errors.
# Extra arguments go to cmake's configure step (e.g. -DRS_SANITIZE=ON).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DRS_WERROR=ON -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
