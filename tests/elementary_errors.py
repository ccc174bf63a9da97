#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Measure the worst relative errors of src/elementary.c's inner paths
against mpmath (200 bits), for docs/elementary.md:

  * the double-double kernels bce_exp_dd, bce_log_dd, bce_log1p_dd
    (hi and a random lo up to ulp(hi)/2);
  * the fast paths of bce_exp (el_exp_cr_fast, and el_exp_fast, which
    bce_exp_fast() gives src/binary_opt.c), bce_log, bce_log1p (static functions: the
    script compiles src/elementary.c into a shared library with a shim),
    and the FMA copy's (el_exp_fma_fast, el_log_fma_dd), where the
    build has one (x86-64, glibc, gcc) and the processor an FMA.

    /usr/bin/python3 tests/elementary_errors.py [SEED [N]]

N arguments per function (default 50000), from the distributions below:
uniform over the range, random bit patterns over every binade, near 1
(log), near 0 and -1 (log1p), small |x| (exp).  Prints the worst error
of each, as a power of 2, and the argument.  Not part of make test.
"""
import ctypes
import random
import sys

import mpmath
from mpmath import mp, mpf

import cshim
from cshim import b2d

mp.prec = 200
SHIM = """
#include "elementary.c"
double t_exp_fast(double x, int *k, double *l){ return el_exp_fast(x, k, l); }
double t_exp_cr_fast(double x, int *k, double *l){
  int64_t k64; double h = el_exp_cr_fast(x, &k64, l);
  *k = (int)k64;
  return h;
}
double t_log_fast(double x, double *l){ return el_log_fast(x, l); }
double t_log1p_fast(double x, double *l){ return el_log1p_fast(x, l); }
#ifdef EL_FMA_TARGET
/* the FMA copy's fast path (x86-64, glibc, gcc), where the processor has one */
int t_has_fma(void){ __builtin_cpu_init(); return __builtin_cpu_supports("fma"); }
EL_FMA_TARGET double t_exp_fma(double x, int *k, double *l){
  int64_t k64; double h = el_exp_fma_fast(x, &k64, l);
  *k = (int)k64;
  return h;
}
EL_FMA_TARGET double t_log_fma(double x, double *l){ return el_log_fma_dd(x, 0.0, 0, l); }
EL_FMA_TARGET double t_log1p_fma(double x, double *l){
  return __builtin_fabs(x) < 0x1p-8 ? el_log1p_fma_small(x, l) : el_log1p_fma_big(x, l);
}
#else
int t_has_fma(void){ return 0; }
double t_exp_fma(double x, int *k, double *l){ return t_exp_cr_fast(x, k, l); }
double t_log_fma(double x, double *l){ return el_log_fast(x, l); }
double t_log1p_fma(double x, double *l){ return el_log1p_fast(x, l); }
#endif
"""


class DD(ctypes.Structure):
    _fields_ = [("hi", ctypes.c_double), ("lo", ctypes.c_double)]


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    R = random.Random(seed)
    L = cshim.build(SHIM)
    D, P, I = ctypes.c_double, ctypes.POINTER, ctypes.c_int
    L.bce_exp_dd.restype = DD
    L.bce_exp_dd.argtypes = [D, D, P(I)]
    for f in (L.bce_log_dd, L.bce_log1p_dd):
        f.restype = DD
        f.argtypes = [D, D]
    L.t_exp_fast.restype = D
    L.t_exp_fast.argtypes = [D, P(I), P(D)]
    L.t_exp_cr_fast.restype = D
    L.t_exp_cr_fast.argtypes = [D, P(I), P(D)]
    L.t_exp_fma.restype = D
    L.t_exp_fma.argtypes = [D, P(I), P(D)]
    for f in (L.t_log_fast, L.t_log1p_fast, L.t_log_fma, L.t_log1p_fma):
        f.restype = D
        f.argtypes = [D, P(D)]
    fma = L.t_has_fma()
    worst = {}

    def rec(name, x, got, want):
        e = abs((got - want) / want)
        if e > worst.get(name, (-1,))[0]:
            worst[name] = (e, x)

    def lo_for(h):
        u = abs(h) * 2.0 ** -53
        return R.uniform(-u, u) if R.random() < 0.7 else 0.0

    k, l = I(), D()
    for _ in range(n):
        x = R.choice([R.uniform(-708.3, 709.7), R.uniform(-1, 1) * 2.0 ** R.randint(-54, 0)])
        if abs(x) >= 2.0 ** -54:
            lo = lo_for(x)
            r = L.bce_exp_dd(x, lo, ctypes.byref(k))
            rec("exp_dd", (x, lo), (mpf(r.hi) + mpf(r.lo)) * mpf(2) ** k.value,
                mpmath.exp(mpf(x) + mpf(lo)))
            h = L.t_exp_fast(x, ctypes.byref(k), ctypes.byref(l))
            rec("exp fast path", x, (mpf(h) + mpf(l.value)) * mpf(2) ** k.value, mpmath.exp(mpf(x)))
        if abs(x) < 708:
            h = L.t_exp_cr_fast(x, ctypes.byref(k), ctypes.byref(l))
            rec("bce_exp's path", x, (mpf(h) + mpf(l.value)) * mpf(2) ** k.value,
                mpmath.exp(mpf(x)))
            if fma:
                h = L.t_exp_fma(x, ctypes.byref(k), ctypes.byref(l))
                rec("exp FMA path", x, (mpf(h) + mpf(l.value)) * mpf(2) ** k.value,
                    mpmath.exp(mpf(x)))
        x = R.choice([b2d(R.randint(0x0010000000000000, 0x7FEFFFFFFFFFFFFF)),
                      1 + R.uniform(-1, 1) * 2.0 ** R.randint(-53, -1), R.uniform(0.5, 2)])
        if x != 1:
            lo = lo_for(x)
            r = L.bce_log_dd(x, lo)
            rec("log_dd", (x, lo), mpf(r.hi) + mpf(r.lo), mpmath.log(mpf(x) + mpf(lo)))
            h = L.t_log_fast(x, ctypes.byref(l))
            rec("log fast path", x, mpf(h) + mpf(l.value), mpmath.log(mpf(x)))
            if fma:
                h = L.t_log_fma(x, ctypes.byref(l))
                rec("log FMA path", x, mpf(h) + mpf(l.value), mpmath.log(mpf(x)))
        x = R.choice([b2d(R.randint(0x0010000000000000, 0x7FEFFFFFFFFFFFFF)),
                      R.uniform(-1, 1) * 2.0 ** R.randint(-53, 0),
                      -1 + R.random() * 2.0 ** R.randint(-52, -1), R.uniform(-0.3, 0.41)])
        if x > -1 and abs(x) >= 2.0 ** -53:
            lo = lo_for(x)
            if mpf(x) + mpf(lo) > -1:
                r = L.bce_log1p_dd(x, lo)
                rec("log1p_dd", (x, lo), mpf(r.hi) + mpf(r.lo), mpmath.log1p(mpf(x) + mpf(lo)))
            if x >= 2.0 ** 1022:
                continue      # 1 + x outside the fast paths' range
            h = L.t_log1p_fast(x, ctypes.byref(l))
            rec("log1p fast path", x, mpf(h) + mpf(l.value), mpmath.log1p(mpf(x)))
            if fma:
                h = L.t_log1p_fma(x, ctypes.byref(l))
                rec("log1p FMA path", x, mpf(h) + mpf(l.value), mpmath.log1p(mpf(x)))
    for name in sorted(worst):
        e, x = worst[name]
        print("%-16s worst 2^%.2f at %r" % (name, float(mpmath.log(e, 2)), x))


main()
