# SPDX-License-Identifier: MIT
"""sqlite-bce: binary cross-entropy (log loss) for SQLite.

    import sqlite3, sqlite_bce
    conn = sqlite3.connect(":memory:")
    sqlite_bce.load(conn)
    conn.execute("SELECT bce(1, 0.9)")

The wheel carries the loadable library (linux-x86_64 only) next to this
file; loadable_path() is its path, for hosts that take one (sqlite-utils
--load-extension, Datasette --load-extension).
"""
import os
import sys

from ._version import __version__
from ._parallel import parallel

__all__ = ["loadable_path", "load", "parallel", "__version__"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def loadable_path():
    """The absolute path of the library in this package (bce.so)."""
    for suffix in ("so", "dylib", "dll"):
        path = os.path.join(_HERE, "bce." + suffix)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "sqlite_bce: the package has no library next to %s; this wheel "
        "carries linux-x86_64 only" % __file__)


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
