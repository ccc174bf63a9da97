/* SPDX-License-Identifier: MIT */
/*
** No fused multiply-add but the ones written as fma(), whatever the
** compiler's flags.
**
** The formulas are written for IEEE 754 arithmetic that rounds every
** product and every sum; the error-free transformations (TwoSum, the
** fma() residues) and the reference values assume it.  A compiler that
** contracts a*b + c into one FMA rounds once where the source rounds
** twice, and gives other bits: gcc does so by default wherever the target
** has an FMA (aarch64; x86-64 with -march=native), clang within one
** expression.  The Makefile passes -ffp-contract=off, but a user who
** compiles the amalgamation with their own flags does not, so the sources
** say it themselves:
**   - gcc ignores `#pragma STDC FP_CONTRACT` and honours its optimize
**     pragma, which applies to every function defined after it (this
**     header is included before any function of ours);
**   - clang honours the standard pragma, except under an explicit
**     -ffp-contract=fast, which overrides every pragma (its own
**     `#pragma clang fp contract(off)` too; docs/accuracy.md says so);
**   - MSVC has a pragma of its own.
*/
#ifndef BCE_FP_CONTRACT_H
#define BCE_FP_CONTRACT_H

#if defined(__clang__)
# pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
# pragma GCC optimize ("fp-contract=off")
#elif defined(_MSC_VER)
# pragma fp_contract (off)
#else
# pragma STDC FP_CONTRACT OFF
#endif

#endif /* BCE_FP_CONTRACT_H */
