# SPDX-License-Identifier: MIT
# Wine for the tests (sourced by tests/windows.sh and tests/samebits/run.sh):
# a prefix of its own under BUILD/wine, no debug output, and every process
# started here recorded by its PID and stopped by it.
#   wine_start        a wineserver of our own, in the foreground of a job,
#                     and the prefix (made once, wine wineboot --init)
#   wine_run CMD...   run a Windows program; its exit status
#   wine_stop         wineserver -k on our prefix, then our PIDs
# Debian's wine runs as root here (CI): the prefix belongs to the caller.
WINEPREFIX=$(cd "${BUILD:-build}" && pwd)/wine
WINEDEBUG=-all
WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono or Gecko installer dialogs
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
wine_pids=""

wine_start() {
  mkdir -p "$WINEPREFIX"
  wineserver -f -p >/dev/null 2>&1 &
  wine_pids="$wine_pids $!"
  # wineboot's status, not system.reg, says the prefix is made: a
  # persistent wineserver writes the registry files only later
  if [ ! -f "$WINEPREFIX/.made" ]; then
    wine wineboot --init >/dev/null 2>&1 &
    _pid=$!
    wine_pids="$wine_pids $_pid"
    wait $_pid || return 1
    touch "$WINEPREFIX/.made"
  fi
}

wine_run() {
  wine "$@" &
  _pid=$!
  wine_pids="$wine_pids $_pid"
  wait $_pid
}

wine_stop() {
  wineserver -k >/dev/null 2>&1
  for _pid in $wine_pids; do
    kill "$_pid" 2>/dev/null
    wait "$_pid" 2>/dev/null
  done
  wine_pids=""
}
