# SPDX-License-Identifier: MIT
# aarch64 under qemu for the tests (sourced by tests/samebits/run.sh and
# tests/package_platforms.sh): the pinned SQLite's shell cross-built for
# aarch64 once, kept where make test-samebits keeps it, and how to run an
# aarch64 program here.
#   aarch64_missing    prints what is not installed; false when all is
#   aarch64_shell V    builds BUILD/samebits/aarch64/sqlite3 from SQLite V
#                      (fetched by tests/versions/fetch.sh; cached), prints
#                      its path; its build log on stderr when it fails
#   aarch64_run CMD... runs an aarch64 program under qemu-aarch64, with
#                      the cross C library (/usr/aarch64-linux-gnu)
AARCH64_CC=${AARCH64_CC:-aarch64-linux-gnu-gcc}
AARCH64_SYSROOT=/usr/aarch64-linux-gnu

aarch64_missing() {
  if command -v "$AARCH64_CC" >/dev/null && command -v qemu-aarch64 >/dev/null &&
     [ -d "$AARCH64_SYSROOT/lib" ]; then
    return 1
  fi
  echo "no $AARCH64_CC, qemu-aarch64 or $AARCH64_SYSROOT (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user)"
}

aarch64_shell() {
  _exe=${BUILD:-build}/samebits/aarch64/sqlite3
  CC=$AARCH64_CC sh tests/versions/shell.sh "$1" "$_exe" "${BUILD:-build}/versions" >&2 ||
    return 1
  echo "$_exe"
}

aarch64_run() {
  qemu-aarch64 -L "$AARCH64_SYSROOT" "$@"
}
