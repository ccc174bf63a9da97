#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of tests/fuzz/fuzz_bce.c into tests/fuzz/seeds/.

Each seed is an input in the layout fuzz_bce.c reads (see its header):
function index, shape, two bound bytes, row count, then one value per
argument per row.  They start the fuzzer from statements that reach the
arithmetic (values inside the domains), every window shape, the clip
boundaries, texts that are numbers and texts that are not, blobs and NULLs;
then the valid-row mode (valid_*: arrays, multi-class rows, every frame
shape, the shard property) and the damaged-state mode (state_*: each kind
of edit).
Function indices follow the sorted pragma_function_list of the extension;
when functions are added they shift, and the seeds stay valid inputs.

Run:  python3 tests/fuzz/make_seeds.py
"""
import base64
import os
import sys
import re
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

def jsonb_idx(i):        # interesting_jsonb[i] of fuzz_bce.c
    return bytes([19, i])

def jsonb_raw(b):        # up to 63 raw bytes: a JSONB array made below
    return bytes([29, len(b)]) + b

# JSONB (SQLite's jsonb.html, section 3): a header byte, type in the low
# nibble, payload size in the high one (12..15: the size follows in 1, 2,
# 4 or 8 bytes), then the payload; a number's payload is its text.
def jb(t, payload=b""):
    n = len(payload)
    if n <= 11:
        return bytes([(n << 4) | t]) + payload
    return bytes([0xC0 | t, n]) + payload

def jb_array(*numbers):  # an ARRAY (11) of FLOATs (5) and INTs (3)
    return jb(11, b"".join(jb(5 if ("." in x or "e" in x) else 3, x.encode())
                           for x in numbers))

J_01_09, J_101, J_3, J_EMPTY, J_010 = 0, 1, 2, 4, 5
J_INF, J_STRING, J_NESTED, J_OVER, J_PAST = 6, 14, 16, 19, 20

R_0, R_HALF, R_1, R_QUARTER = 0, 2, 3, 4
R_03, R_01, R_09, R_27 = 6, 7, 8, 9
R_EPS, R_1MEPS, R_DENORM, R_1E300 = 12, 14, 19, 23
R_MAX, R_INF, R_NINF, R_M710 = 25, 28, 29, 36
T_HALF, T_SPACED, T_ABC, T_EMPTY, T_HEX = 0, 1, 9, 10, 8
T_ARRAY, T_LONG, T_EACUTE = 29, 40, 41
T_STATE_LOGITS, T_STATE, T_STATE_W, T_STATE_BAD = 43, 44, 45, 46
T_STATE_BCE_D2, T_STATE_CCE_D2, T_STATE_KL = 50, 51, 52   # issue 23

def functions():
    """The extension's (name, arity) pairs in the order the target lists
    them (pragma_function_list ORDER BY name, narg), read from the function
    table of ext/entry.c, so that an index here follows the table."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "ext", "entry.c")) as f:
        table = f.read()
    return sorted(set((m.group(1), int(m.group(2))) for m in
                      re.finditer(r'\{"([a-z_]+)",\s*(\d+),\s*BCE_', table)))


FUNCTIONS = functions()


def fn(name, narg):
    """The index of a function in the target's sorted list."""
    return FUNCTIONS.index((name, narg))


FN_MERGE, FN_MERGE_STATE, FN_STATE_INFO = (fn("bce_merge", 1),
                                           fn("bce_merge_state", 1),
                                           fn("bce_state_info", 1))


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
    for i in range(12):
        seeds["fn%02d_plain" % i] = seed(
            i, 0, 0, 2, [row(real_idx(R_03), real_idx(R_HALF), real_idx(R_1),
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
    # the scores' states (codes 05-07): merged alone, as a window, with a
    # state of another function, described
    for t, name in [(T_STATE_BCE_D2, "bce_d2"), (T_STATE_CCE_D2, "cce_d2"),
                    (T_STATE_KL, "kl_div")]:
        seeds["merge_%s" % name] = seed(FN_MERGE, 0x80, 0x21, 0x13, [
            row(text_idx(t)), row(text_idx(t)), row(null())], groups=[0, 1, 1])
        seeds["merge_state_%s" % name] = seed(FN_MERGE_STATE, 0, 0, 0,
                                              [row(text_idx(t)), row(text_idx(t))])
        seeds["state_info_%s" % name] = seed(FN_STATE_INFO, 0, 0, 0,
                                             [row(text_idx(t))])
    seeds["merge_score_and_bce"] = seed(FN_MERGE, 0, 0, 0, [
        row(text_idx(T_STATE_BCE_D2)), row(text_idx(T_STATE))])
    seeds["bce2_long_texts"] = seed(0, 0, 0, 0, [
        row(text_idx(2), text_idx(T_LONG)), row(text_idx(2), text_idx(T_EACUTE))])
    seeds["bce2_blobs"] = seed(0, 0x80, 1, 1, [
        row(int_idx(1), blob(b"\x3f")), row(blob(b"", zero=True), null())])
    seeds["bce2_array_text"] = seed(0, 0, 0, 0, [
        row(text_idx(T_ARRAY), text_idx(T_ARRAY)), row(text_raw(b"[0.5,"),
                                                   text_raw(b"\xff\xfe0.5"))])
    seeds["bce2_out_of_domain"] = seed(0, 0, 0, 0, [
        row(real_idx(R_27), real_idx(R_INF)), row(int_raw(-1), real_idx(R_NINF)),
        row(int_raw(2**63 - 1), real_bits(-5e-324))])
    # the scalars of one or two numbers at their edges
    for i in range(3, 12):
        seeds["fn%02d_edges" % i] = seed(i, 0, 0, 3, [
            row(real_idx(R_M710), real_idx(R_DENORM), real_idx(R_NINF)),
            row(real_idx(R_1MEPS), real_idx(R_INF), real_bits(float("nan"))),
            row(text_idx(T_HEX), text_idx(T_EMPTY), blob(b"\x00\x01"))])
    # JSONB BLOBs where an array goes: the binary ones (fn 0, bce(y, p)),
    # the multi-class ones, every scalar; valid arrays, arrays a byte
    # short or over, strings and nested arrays inside
    seeds["bce2_jsonb"] = seed(0, 0, 0, 0, [
        row(jsonb_idx(J_101), jsonb_raw(jb_array("0.2", "0.3", "0.5"))),
        row(jsonb_idx(J_01_09), jsonb_idx(J_01_09)),
        row(jsonb_raw(jb_array("1", "0")), text_idx(T_ARRAY)),
        row(jsonb_idx(J_EMPTY), jsonb_idx(J_EMPTY))])
    seeds["bce2_jsonb_bad"] = seed(0, 0, 0, 0, [
        row(jsonb_idx(J_101), jsonb_idx(J_STRING)),
        row(jsonb_idx(J_NESTED), jsonb_idx(J_OVER)),
        row(jsonb_idx(J_PAST), jsonb_raw(jb_array("0.5")[:-1]))])
    seeds["bce2_jsonb_window"] = seed(0, 0x81, 0x21, 0x13, [
        row(jsonb_idx(J_101), jsonb_raw(jb_array("0.25", "0.5", "0.75"))),
        row(jsonb_raw(jb_array("0", "1", "1")), jsonb_idx(J_3)),
        row(jsonb_idx(J_101), text_raw(b"[0.5, 0.5, 0.5]"))])
    for narg in (2, 3, 4):
        seeds["cce%d_jsonb" % narg] = seed(fn("cce", narg), 0, 0, 0, [
            row(jsonb_idx(J_010), jsonb_idx(J_3), real_idx(R_1), real_idx(R_EPS)),
            row(jsonb_raw(jb_array("1", "0")), jsonb_raw(jb_array("0.4", "0.6")),
                int_idx(1), real_idx(R_EPS)),
            row(jsonb_idx(J_INF), jsonb_idx(J_INF), real_idx(R_HALF), null())])
    for i in range(0, len(FUNCTIONS)):
        seeds["fn%02d_jsonb" % i] = seed(i, 0, 0, 3, [
            row(jsonb_idx(J_101), jsonb_idx(J_3), jsonb_idx(J_01_09)),
            row(jsonb_raw(jb_array("0.5", "1e-300")), jsonb_idx(J_EMPTY),
                jsonb_idx(J_OVER))])
    # mode V: valid rows (fuzz_bce.c, valid_rows); byte 0 in 0xc0..0xdf,
    # byte 4 the function's index (the first from there whose arguments
    # the target knows), in the sorted list (fn())
    def vseed(fn_index, shape, b1, b2, eps, rows):
        out = bytes([0xc0, shape, b1, b2, fn_index]) + eps
        out += bytes([len(rows) - 1])
        return out + b"".join(rows)
    def vrow(shape, group, *args):   # shape: bits 0-1 arrays, 2-4 length-1
        return bytes([shape]) + (bytes([group]) if group is not None else b"") \
            + b"".join(args)
    def y_hard(v):
        return bytes([1 | (v << 1)])
    def y_soft(u):
        return bytes([0]) + struct.pack(">Q", u)
    def p_u(u):
        return bytes([1]) + struct.pack(">Q", u)
    def z_u(u, scale=10):
        return bytes([scale]) + struct.pack(">Q", u)
    def w_int(k):                    # the weight k, 1 to 51
        return bytes([1 + 5 * (k - 1)])
    def w_zero():
        return bytes([0])
    EPS_DEFAULT, EPS_0, EPS_1E7 = bytes([0]), bytes([1]), bytes([2])
    U = [0x3fd0000000000000, 0x1234567890abcdef, 0xfedcba9876543210,
         0x0badc0ffee000400, 0x7777777777777777]
    # bce(y, p, w, eps) over arrays of 3 (shape 0x0b: arrays, k=3), a
    # number y against an array p (shape 0x09), plain numbers (0x00)
    bce4 = [vrow(0x0b, 0, y_hard(1), y_soft(U[1]), y_hard(0),
                 p_u(U[0]), p_u(U[1]), p_u(U[2]), w_int(2)),
            vrow(0x09, 1, y_hard(1), p_u(U[3]), p_u(U[4]), p_u(U[0]),
                 w_int(1)),
            vrow(0x00, 1, y_soft(U[2]), p_u(U[4]), w_zero()),
            vrow(0x03, 2, y_hard(0), p_u(U[2]), w_int(5)),
            vrow(0x0b, 0, y_hard(0), y_hard(1), y_soft(U[4]),
                 p_u(U[1]), p_u(U[3]), p_u(U[0]), w_int(3))]
    for shape, name in [(0, "agg"), (1, "group"), (0x80, "rows"),
                        (0x90, "rows_gk"), (0x81, "over"), (0x82, "range"),
                        (0x83, "groups"), (0x88, "rows_partition"),
                        (0xa2, "range_excl_current"), (0xc3, "groups_excl_group"),
                        (0xe0, "rows_excl_ties")]:
        seeds["valid_bce4_%s" % name] = vseed(fn("bce", 4), shape, 0x21, 0x13, EPS_0,
                                              bce4)
    seeds["valid_bce4_empty_frames"] = vseed(fn("bce", 4), 0x80, 0x20, 0x43, EPS_DEFAULT,
                                             bce4)
    logits3 = [vrow(0x0b, 0, y_hard(1), y_soft(U[1]), y_hard(0),
                    z_u(U[0]), z_u(U[1], 20), z_u(U[2]), w_int(2)),
               vrow(0x00, 1, y_soft(U[2]), bytes([0xfe]), w_int(1)),
               vrow(0x07, 1, y_hard(0), y_hard(1), z_u(U[3]), z_u(U[4]),
                    w_int(4))]
    seeds["valid_logits3_rows"] = vseed(fn("bce_logits", 3), 0x80, 0x11, 0x12, EPS_DEFAULT,
                                        logits3)
    seeds["valid_logits3_groups"] = vseed(fn("bce_logits", 3), 0x93, 0x11, 0x92, EPS_DEFAULT,
                                          logits3)
    # the shard property: bce_state/4, bce_logits_state/3 per group
    seeds["valid_state4_shards"] = vseed(fn("bce_state", 4), 0x01, 0x31, 0, EPS_1E7, bce4)
    seeds["valid_logits_state3_shards"] = vseed(fn("bce_logits_state", 3), 0x01, 0x21, 0,
                                                EPS_DEFAULT, logits3)
    # scalars over arrays: bce_term/3, bce_grad/3, bce_logits_grad/3
    for idx, name in [(fn("bce_term", 3), "term3"), (fn("bce_grad", 3), "grad3"),
                      (fn("bce_logits_grad", 3), "logits_grad3")]:
        rows = bce4 if name != "logits_grad3" else logits3
        seeds["valid_%s" % name] = vseed(idx, 0, 0x21, 0, EPS_DEFAULT, rows)
    # multi-class rows: shape bit 0 a class index, bits 2-4 the number of
    # classes - 2; a probability or target element is a byte (bits 0-1
    # zero: the element is 0) and 8 bytes of unit_double
    def cls(i):
        return bytes([i])
    def share(u):
        return bytes([1]) + struct.pack(">Q", u)
    def nil():
        return bytes([0])
    cce4 = [vrow(0x05, 0, cls(2), share(U[0]), share(U[1]), share(U[2]),
                 w_int(2)),
            vrow(0x04, 1, share(U[3]), nil(), nil(), share(U[4]), share(U[0]),
                 share(U[1]), w_int(1)),
            vrow(0x01, 1, cls(1), share(U[2]), nil(), w_zero()),
            vrow(0x09, 2, cls(3), share(U[1]), share(U[2]), share(U[3]),
                 share(U[4]), w_int(3))]
    cce_logits3 = [vrow(0x05, 0, cls(0), z_u(U[0]), z_u(U[1], 20), z_u(U[2]),
                        w_int(2)),
                   vrow(0x00, 1, share(U[3]), share(U[4]), z_u(U[4]),
                        bytes([0xfe]), w_int(1))]
    for shape, name in [(0, "agg"), (0x80, "rows"), (0x82, "range"),
                        (0xc3, "groups_excl_group"), (0x88, "rows_partition")]:
        seeds["valid_cce4_%s" % name] = vseed(fn("cce", 4), shape, 0x21, 0x13, EPS_0,
                                              cce4)
    seeds["valid_cce_logits3_rows"] = vseed(fn("cce_logits", 3), 0x80, 0x11, 0x12,
                                            EPS_DEFAULT, cce_logits3)
    seeds["valid_cce_state4_shards"] = vseed(fn("cce_state", 4), 0x01, 0x31, 0, EPS_1E7, cce4)
    seeds["valid_cce_logits_state3_shards"] = vseed(fn("cce_logits_state", 3), 0x01, 0x21, 0,
                                                    EPS_DEFAULT, cce_logits3)
    seeds["valid_cce_grad4"] = vseed(fn("cce_grad", 4), 0, 0x21, 0, EPS_DEFAULT, cce4)
    seeds["valid_softmax"] = vseed(fn("softmax", 1), 0, 0, 0, EPS_DEFAULT, [
        vrow(0x08, None, z_u(U[0]), z_u(U[1]), z_u(U[2]), z_u(U[3]))])
    # mode S: damaged states; byte 0 in 0xe0..0xff.  Then: bit 0 picks
    # bce_logits_state, the rows as in mode V, the number of edits - 1,
    # and each edit: op (0 flip, 1 set, 2 cut, 3 append), 2 bytes of
    # position, and the op's bytes
    def sseed(which, b1, rows, edits):   # bce, bce_logits, cce, cce_logits
        out = bytes([0xe0, 0, b1, 0, which, 0])
        out += bytes([len(rows) - 1]) + b"".join(rows)
        out += bytes([len(edits) - 1]) + b"".join(edits)
        return out
    def flip(pos, bit):
        return bytes([bit << 2, pos & 255, pos >> 8])
    def setb(pos, v):
        return bytes([1, pos & 255, pos >> 8, v])
    def cut(n):
        return bytes([2, n & 255, n >> 8])
    def append(data):
        return bytes([3 | ((len(data) - 1) << 2), 0, 0]) + data
    st = bce4[:3]
    seeds["state_flip_crc"] = sseed(0, 0x11, st, [flip(40, 3)])
    seeds["state_flip_magic"] = sseed(0, 0x11, st, [flip(0, 0)])
    seeds["state_flip_length"] = sseed(1, 0x11, logits3, [flip(4, 1)])
    seeds["state_set_eps"] = sseed(0, 0x19, st, [setb(9, 0x7f)])
    seeds["state_cut"] = sseed(0, 0x11, st, [cut(20)])
    seeds["state_append"] = sseed(1, 0x19, logits3, [append(b"\x00\x01")])
    seeds["state_unchanged"] = sseed(0, 0x11, st, [flip(3, 0), flip(3, 0)])
    seeds["state_cce_flip"] = sseed(2, 0x11, cce4[:2], [flip(30, 5)])
    seeds["state_cce_logits_cut"] = sseed(3, 0x19, cce_logits3, [cut(9)])
    # inputs the fuzzer found, kept as they were found (an index may now
    # name another function; they stay valid inputs): bce_state() with eps
    # 2^-584 and a +Inf row, which bce_merge() refused before the state
    # reader knew that 1 - eps rounds to 1 there
    seeds["found_bce_state_tiny_eps"] = base64.b64decode(
        "/8ABIQALAAILAAMAEjhWeJCrze8BCj/QAAAAAAAAFBI0VniQq83vCv7cup52VIOD"
        "g4MBBwEBAwoLrcD/7gAEAAp3d3d3d3d3EA==")
    # the first input with an assertion: cce_d2()'s p-sum error assumed
    # every function has a logits twin (2026-12-06, docs/testing.md)
    seeds["found_cce_d2_sum_no_logits_twin"] = base64.b64decode(
        "IgAAAwETARMCEwAdDLs1MC41ZTFlLTMwMBMEExM=")
    # an eps-place text that error_text() reports as an options object,
    # which a BCE_NEVER of the coverage work said no input reaches: its
    # assertion fired in CI's fuzz step (2026-12-06)
    seeds["found_eps_object_text"] = base64.b64decode(
        "LQADARMBEwITQQAdDLs1MC41NWUxZS0zMDATBBMT")
    # bce_d2() with gamma and then text that is not JSON: the scores'
    # refusal read only well-formed options, and ext/options.c's reason
    # asserted gamma could not reach it (seed 152, 2026-12-07)
    seeds["found_d2_refused_key_malformed"] = base64.b64decode(
        "CNVZX/8DDv/xfxz4VlZWAAAAEFZWVlZWVlZWVlZWVlZWVlZWVlZWVlYpI4wAAAgn"
        "eyJnYW1tYSJ+7nJhZGXuY4Bvb29vb29vb29vb29vb29vb29vb29vb29vb29vb28H"
        "LG9vb29vb29vb29vb29vb+Xl5eXluw==")
    # bce_d2_state() with gamma, malformed, in the options of a row with a
    # NULL, then a row of numbers: the refusal was made at the NULL row,
    # which rule 1 skips, so the aggregate failed in one row order only
    # (seed 161, 2026-12-07)
    seeds["found_d2_refused_key_null_row"] = base64.b64decode(
        "CChOoA7//w4Dfxz4ViOMAAAIJ3siZ2FtbWEiOjo6Ojo6Ojo6Ojo6Ojo6Ojo6Ojo6"
        "19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fXOjo6"
        "Ojo6Ojo6Ojo6Ojo6OjoaOjo6Ojo6Ojo6OnQ6Ojo6Ojo6Ojo6Ojo6Ojo6Ojo6AQB/"
        "/nRsleQ6Ojo6Ojo6Ojo6Ojo6dDo6Ojo6Ojo6Ojo6Ojo6Ojo6OjoBAH/+dGyV5Do6"
        "Ojo6Ojo6Ojo6Ojpl7mOAC+U=")
    # bce_logits_term() with y a JSONB array of nulls whose headers give
    # payloads (jsonb.html keeps those for later types; read as nulls):
    # a row with no labelled element, NULL by design, which the target's
    # property took for a NULL from arguments that are not NULL (seed
    # 171, 2026-12-07: the target learned the rule)
    seeds["found_jsonb_missing_labels"] = base64.b64decode(
        "ldkADAMTAgAdDLswAAAAAABAAB8TbxMDW8MA")
    outdir = os.path.join(HERE, "seeds")
    if "--check" in sys.argv[1:]:
        # make test: the committed seeds are this script's output, so that a
        # seed names the function it was written for after the function
        # table grows (an index shifts when a function is added)
        have = set(os.listdir(outdir))
        bad = sorted(n for n, d in seeds.items()
                     if n not in have
                     or open(os.path.join(outdir, n), "rb").read() != d)
        extra = sorted(have - set(seeds))
        if bad or extra:
            print("FAIL|tests/fuzz/seeds differ from make_seeds.py's output"
                  " (run python3 tests/fuzz/make_seeds.py): %s"
                  % ", ".join(bad[:8] + ["extra " + n for n in extra[:8]]))
            sys.exit(1)
        print("ok|tests/fuzz/seeds: the %d seeds make_seeds.py writes"
              % len(seeds))
        return
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), outdir))


if __name__ == "__main__":
    main()
