//===- Codes.h - integer codes of the quantized crossbar scheme --*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one copy of the rounding and quantization rules of the crossbar scheme
// (docs/quantization.md) and of the weight codes a tile is programmed with:
// the simulator programs tiles with them, and the cost model counts the
// conductance levels they program (docs/cost-model.md, "Cell reads").
//
//===----------------------------------------------------------------------===//

#ifndef IMC_HARDWARE_CODES_H
#define IMC_HARDWARE_CODES_H

#include "imc/Hardware/Precision.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace imc::hw {

/// Round half to even (the rounding of the scheme, and of numpy.round),
/// whatever the FPU's rounding mode (std::nearbyint would follow it). Inline
/// and without library calls: it runs once per ADC conversion.
inline double roundHalfEven(double x) {
  if (!(std::fabs(x) < 4503599627370496.0)) // |x| >= 2^52: an integer (or
    return x;                               // inf, NaN): unchanged
  // Branch-free (the fractions of noisy column sums are random, so branches
  // would be mispredicted half the time).
  const int64_t t = int64_t(x);                 // toward zero, exact
  const int64_t f = t - int64_t(double(t) > x); // floor
  const double d = x - double(f);               // exact, in [0, 1)
  const int64_t up = int64_t(d > 0.5) | (int64_t(d == 0.5) & (f & 1));
  // copysign: a negative x that rounds to zero gives -0.0, as numpy does.
  return std::copysign(double(f + up), x);
}

/// A rounded value clipped to the codes [-l, l]; NaN gives code 0 (a
/// converter cannot produce a NaN, and casting one to an integer is
/// undefined).
inline int64_t clampCode(double q, double l) {
  q = q == q ? q : 0.0;
  return int64_t(q < -l ? -l : q > l ? l : q);
}

/// A rounded value clipped to the codes [lo, hi] (an unsigned ADC's: lo =
/// 0); NaN gives code 0.
inline int64_t clampCode(double q, double lo, double hi) {
  q = q == q ? q : 0.0;
  return int64_t(q < lo ? lo : q > hi ? hi : q);
}

/// Symmetric quantization of one value to a signed code in [-L, L]; 0 for a
/// zero scale and for NaN (a NaN input, or inf / inf). Inline: it runs once
/// per input element of every MVM.
inline int64_t quantize(double x, double scale, int64_t maxCode) {
  if (scale == 0.0)
    return 0;
  // A DAC cannot drive a NaN: no charge on the row.
  return clampCode(roundHalfEven(x / scale), double(maxCode));
}

/// Lw = 2^(weightBits-1) - 1, the largest weight code.
inline int64_t weightMaxCode(int64_t weightBits) {
  return (int64_t(1) << (weightBits - 1)) - 1;
}

/// max_k |W[k,n]| per column of the `rows` x `cols` block at `w` (row
/// stride `ld`); NaNs are skipped.
std::vector<double> columnAbsMax(const float *w, int64_t rows, int64_t cols,
                                 int64_t ld);

/// The per-column weight scales of a tile holding that block:
/// s_w[n] = columnAbsMax[n] / Lw.
std::vector<double> weightScales(const float *w, int64_t rows, int64_t cols,
                                 int64_t ld, int64_t weightBits);

/// Sum of the conductance levels the weight cells of a tile holding that
/// block are programmed with at precision `p` (its weight bits, cell bits
/// and mapping): over its weights, sum_s |p.sliceValue(q, s)| (a
/// differential pair's other side is at level 0). The offset mapping's
/// reference column is not included (rows x p.referenceLevel()).
int64_t levelSum(const float *w, int64_t rows, int64_t cols, int64_t ld,
                 const XbarPrecision &p);

/// levelSum for every weight mapping, weight and cell precision at once,
/// summed over the row blocks [r0, r0 + tileRows) of a `rows` x `cols`
/// matrix (the tiles imc-tile makes of it: column blocks do not change a
/// column's scale, and all-zero blocks add nothing). Indexed by levelIndex.
constexpr int64_t kLevelMappings = 3;
constexpr int64_t kLevelWeightBits =
    XbarPrecision::kWeightBits.hi - XbarPrecision::kWeightBits.lo + 1;
constexpr int64_t kLevelCellBits =
    XbarPrecision::kCellBits.hi - XbarPrecision::kCellBits.lo + 1;
using LevelTable =
    std::array<int64_t, kLevelMappings * kLevelWeightBits * kLevelCellBits>;
inline size_t levelIndex(WeightMapping m, int64_t weightBits,
                         int64_t cellBits) {
  return size_t((int64_t(m) * kLevelWeightBits + weightBits -
                 XbarPrecision::kWeightBits.lo) *
                    kLevelCellBits +
                (cellBits - XbarPrecision::kCellBits.lo));
}
inline size_t levelIndex(const XbarPrecision &p) {
  return levelIndex(p.mapping, p.weightBits, p.cellBits);
}
LevelTable levelSums(const float *w, int64_t rows, int64_t cols,
                     int64_t tileRows);

} // namespace imc::hw

#endif // IMC_HARDWARE_CODES_H
