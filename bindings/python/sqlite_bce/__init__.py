# SPDX-License-Identifier: MIT
"""sqlite-bce: binary cross-entropy (log loss) for SQLite.

    import sqlite3, sqlite_bce
    conn = sqlite3.connect(":memory:")
    sqlite_bce.load(conn)
    conn.execute("SELECT bce(1, 0.9)")

Each wheel carries the loadable library of one platform (linux-x86_64,
linux-aarch64 or win-amd64) next to this file, and _platform.py naming it;
loadable_path() is its path, for hosts that take one (sqlite-utils
--load-extension, Datasette --load-extension), and refuses a library built
for another platform than this Python's.
"""
import os
import sys
import sysconfig

from ._version import __version__
from ._parallel import parallel

__all__ = ["loadable_path", "load", "parallel", "__version__"]

_HERE = os.path.dirname(os.path.abspath(__file__))
# The wheels' platforms, as sysconfig.get_platform() names them, with
# each one's wheel tag.
_TAGS = {"linux-x86_64": "linux_x86_64", "linux-aarch64": "linux_aarch64",
         "win-amd64": "win_amd64"}

try:
    from ._platform import PLATFORM
except ImportError:
    # a copy of the source tree, not a wheel: whatever library is here
    PLATFORM = None


def _build_it():
    return ("build the extension from the sources (make, or the one-file "
            "sqlite-bce.c) and load its path with conn.load_extension()")


def loadable_path():
    """The absolute path of the library in this package (bce.so, or
    bce.dll on Windows)."""
    here = sysconfig.get_platform()
    if PLATFORM is not None and PLATFORM != here:
        if here in _TAGS:
            fix = "install the wheel for %s (sqlite_bce-%s-py3-none-%s.whl)" % (
                here, __version__, _TAGS[here])
        else:
            fix = ("no wheel is made for %s (only for %s): %s"
                   % (here, ", ".join(sorted(_TAGS)), _build_it()))
        raise RuntimeError(
            "sqlite_bce: this wheel carries the library of %s, and this "
            "Python runs on %s; %s" % (PLATFORM, here, fix))
    for suffix in ("so", "dll", "dylib"):
        path = os.path.join(_HERE, "bce." + suffix)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "sqlite_bce: the package has no library next to %s; %s"
        % (__file__, _build_it()))


def load(conn):
    """Loads the extension into the sqlite3 connection conn.

    Extension loading is turned on for the load and off again afterwards,
    so SQL run on conn later cannot load other libraries with
    load_extension().  Python's sqlite3 must be built with extension
    loading (Debian's is; some others, such as pyenv's default builds and
    macOS's system Python, are not: conn has no enable_load_extension
    then, and the error says how to get a Python that has it)."""
    if not hasattr(conn, "enable_load_extension"):
        raise RuntimeError(
            "sqlite_bce.load: the sqlite3 module of %s cannot load "
            "extensions (it was built without them). Use a Python that can: "
            "Debian's and Ubuntu's /usr/bin/python3, or with pyenv "
            "PYTHON_CONFIGURE_OPTS=--enable-loadable-sqlite-extensions "
            "pyenv install --force %d.%d.%d; or give loadable_path() to a "
            "host that loads it (the sqlite3 shell's .load, sqlite-utils "
            "--load-extension)" % ((sys.executable,) + tuple(sys.version_info[:3])))
    conn.enable_load_extension(True)
    try:
        conn.load_extension(loadable_path())
    finally:
        conn.enable_load_extension(False)
