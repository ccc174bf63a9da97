# SPDX-License-Identifier: MIT
"""A C file of src/'s internals, compiled as a shared library for ctypes.

The scripts that measure an inner path against mpmath (tests/
elementary_errors.py, tests/focal_bound_errors.py) reach static functions
through a shim that #includes the C file and exports wrappers.  They
compile it here with the flags the library is built with (no contraction
into fma, so the shim gives the shipped bits), and read doubles by their
bits with b2d() and d2b().
"""
import ctypes
import os
import struct
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(source):
    d = tempfile.mkdtemp()
    src = os.path.join(d, "shim.c")
    lib = os.path.join(d, "libshim.so")
    with open(src, "w") as f:
        f.write(source)
    subprocess.check_call(["cc", "-std=c11", "-O2", "-ffp-contract=off", "-fPIC", "-shared",
                           "-I" + os.path.join(ROOT, "src"), "-o", lib, src, "-lm"])
    return ctypes.CDLL(lib)


def b2d(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def d2b(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]
