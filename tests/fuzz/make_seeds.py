#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_bce.c into tests/fuzz/seeds/.

Each seed is an input in the layout fuzz_bce.c reads (see its header):
function index, shape, two bound bytes, row count, then one value per
argument per row.  They start the fuzzer from statements that reach the
arithmetic (values inside the domains), every window shape, the clip
boundaries, texts that are numbers and texts that are not, blobs and NULLs.
Function indices follow the sorted pragma_function_list of the extension;
when functions are added they shift, and the seeds stay valid inputs.

Run:  python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# Value encodings (read_value in fuzz_bce.c): the type byte modulo 10.
def null():
    return bytes([0])

def int_idx(i):          # interesting_int[i]: 0, 1, -1, 2, 3, 1000, ...
    return bytes([1, i])

def int_raw(v):
    return bytes([2]) + struct.pack(">q", v)

def real_idx(i):         # interesting_real[i]
    return bytes([3, i])

def real_bits(x):
    return bytes([4]) + struct.pack(">d", x)

def unit(u):             # unit_double(u): any binade of [0, 1]
    return bytes([5]) + struct.pack(">Q", u)

def text_idx(i, utf16=False):   # interesting_text[i]
    return bytes([7 | (0x80 if utf16 else 0), i])

def text_raw(b):
    return bytes([8, len(b)]) + b

def blob(b, zero=False):
    return bytes([9 | (0x80 if zero else 0), len(b)]) + b

R_0, R_HALF, R_1, R_QUARTER = 0, 2, 3, 4
R_03, R_01, R_09, R_27 = 6, 7, 8, 9
R_EPS, R_1MEPS, R_DENORM, R_1E300 = 12, 14, 19, 23
R_MAX, R_INF, R_NINF, R_M710 = 25, 28, 29, 36
T_HALF, T_SPACED, T_ABC, T_EMPTY, T_HEX = 0, 1, 9, 10, 8
T_VEC, T_LONG, T_EACUTE = 29, 40, 41
T_STATE_LOGITS, T_STATE, T_STATE_W, T_STATE_BAD = 43, 44, 45, 46
# sorted pragma_function_list indices of the state functions
FN_MERGE, FN_MERGE_STATE, FN_STATE_INFO = 12, 13, 17


def row(*vals):
    return b"".join(vals)


def seed(fn, shape, b1, b2, rows, groups=None):
    out = bytes([fn, shape, b1, b2, len(rows) - 1])
    for i, r in enumerate(rows):
        if groups is not None:
            out += bytes([groups[i]])
        out += r
    return out


def main():
    seeds = {}
    good2 = [row(int_idx(1), unit(0x3fd0000000000000)),
             row(int_idx(0), real_idx(R_HALF)),
             row(real_idx(R_1), real_idx(R_09)),
             row(real_idx(R_03), unit(0x1234567890abcdef))]
    # every function, in the simplest shape, with values in the domain
    for fn in range(12):
        seeds["fn%02d_plain" % fn] = seed(
            fn, 0, 0, 2, [row(real_idx(R_03), real_idx(R_HALF), real_idx(R_1),
                              real_idx(R_EPS))] * 3)
    # bce(y, p) (index 0): aggregate shapes and every window shape
    for shape, name in [(0, "agg"), (1, "group"), (2, "filter"),
                        (3, "where"), (0x80, "rows"), (0x81, "over"),
                        (0x82, "range"), (0x83, "exclude"),
                        (0x93, "groups_exclude"), (0x88, "rows_partition"),
                        (0x8a, "range_partition")]:
        seeds["bce2_%s" % name] = seed(0, shape, 0x21, 0x13, good2,
                                       groups=[0, 1, 1, 2])
    # the clip boundaries, the infinite terms of eps = 0, NULL rows
    seeds["bce4_eps0_inf"] = seed(2, 0x80, 0x01, 0x01, [
        row(real_idx(R_1), real_idx(R_0), real_idx(R_1), real_idx(R_0)),
        row(real_idx(R_0), real_idx(R_1MEPS),
            real_idx(R_1), real_idx(R_0)),
        row(real_idx(R_0), real_idx(R_1E300), int_idx(3), real_idx(R_0)),
        row(null(), real_idx(R_HALF), int_idx(1), real_idx(R_0)),
        row(real_idx(R_1), real_idx(R_DENORM), int_idx(0), real_idx(R_0))])
    seeds["bce4_eps_changes"] = seed(2, 0, 0, 0, [
        row(int_idx(1), real_idx(R_HALF), int_idx(1), real_idx(R_EPS)),
        row(int_idx(1), real_idx(R_HALF), int_idx(1), real_idx(R_01))])
    seeds["bce3_huge_weights"] = seed(1, 0x81, 0, 0, [
        row(int_idx(1), real_idx(R_HALF), real_idx(R_MAX)),
        row(int_idx(1), real_idx(R_HALF), real_idx(R_MAX)),
        row(int_idx(1), real_bits(1e-7), real_bits(1e308))])
    # not numbers, and numbers written as text
    seeds["bce2_texts"] = seed(0, 0, 0, 0, [
        row(text_idx(2), text_idx(T_HALF)),
        row(text_idx(2), text_idx(T_SPACED, utf16=True)),
        row(text_idx(2), text_idx(T_ABC))])
    # states merged as aggregates and windows, mixed kinds, a damaged one
    states = [row(text_idx(T_STATE)), row(text_idx(T_STATE_W)), row(null()),
              row(text_idx(T_STATE))]
    for shape, name in [(0, "agg"), (1, "group"), (0x80, "rows"), (0x82, "range")]:
        seeds["merge_%s" % name] = seed(FN_MERGE, shape, 0x21, 0x13, states,
                                        groups=[0, 1, 1, 2])
    seeds["merge_state_agg"] = seed(FN_MERGE_STATE, 0, 0, 0, states)
    seeds["merge_mixed_kinds"] = seed(FN_MERGE, 0, 0, 0, [
        row(text_idx(T_STATE)), row(text_idx(T_STATE_LOGITS))])
    seeds["merge_damaged"] = seed(FN_MERGE, 0x80, 1, 1, [
        row(text_idx(T_STATE)), row(text_idx(T_STATE_BAD))])
    seeds["state_info"] = seed(FN_STATE_INFO, 0, 0, 0, [row(text_idx(T_STATE_W))])
    seeds["bce2_long_texts"] = seed(0, 0, 0, 0, [
        row(text_idx(2), text_idx(T_LONG)), row(text_idx(2), text_idx(T_EACUTE))])
    seeds["bce2_blobs"] = seed(0, 0x80, 1, 1, [
        row(int_idx(1), blob(b"\x3f")), row(blob(b"", zero=True), null())])
    seeds["bce2_array_text"] = seed(0, 0, 0, 0, [
        row(text_idx(T_VEC), text_idx(T_VEC)), row(text_raw(b"[0.5,"),
                                                   text_raw(b"\xff\xfe0.5"))])
    seeds["bce2_out_of_domain"] = seed(0, 0, 0, 0, [
        row(real_idx(R_27), real_idx(R_INF)), row(int_raw(-1), real_idx(R_NINF)),
        row(int_raw(2**63 - 1), real_bits(-5e-324))])
    # scalars at their edges: sigmoid and logit are the last two by name
    for fn in range(3, 12):
        seeds["fn%02d_edges" % fn] = seed(fn, 0, 0, 3, [
            row(real_idx(R_M710), real_idx(R_DENORM), real_idx(R_NINF)),
            row(real_idx(R_1MEPS), real_idx(R_INF), real_bits(float("nan"))),
            row(text_idx(T_HEX), text_idx(T_EMPTY), blob(b"\x00\x01"))])
    outdir = os.path.join(HERE, "seeds")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), outdir))


if __name__ == "__main__":
    main()
