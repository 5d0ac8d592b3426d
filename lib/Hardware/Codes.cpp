//===- Codes.cpp - integer codes of the quantized crossbar scheme ---------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Hardware/Codes.h"

#include <algorithm>

namespace imc::hw {

std::vector<double> columnAbsMax(const float *w, int64_t rows, int64_t cols,
                                 int64_t ld) {
  std::vector<double> s(size_t(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      s[size_t(c)] = std::max(s[size_t(c)], std::fabs(double(w[r * ld + c])));
  return s;
}

std::vector<double> weightScales(const float *w, int64_t rows, int64_t cols,
                                 int64_t ld, int64_t weightBits) {
  std::vector<double> s = columnAbsMax(w, rows, cols, ld);
  const double lw = double(weightMaxCode(weightBits));
  for (double &v : s)
    v /= lw;
  return s;
}

/// Sum of the base-2^cellBits digits of m.
static int64_t digitSum(int64_t m, int64_t cellBits) {
  const int64_t mask = (int64_t(1) << cellBits) - 1;
  int64_t s = 0;
  for (; m > 0; m >>= cellBits)
    s += m & mask;
  return s;
}

int64_t levelSum(const float *w, int64_t rows, int64_t cols, int64_t ld,
                 int64_t weightBits, int64_t cellBits) {
  const std::vector<double> s = weightScales(w, rows, cols, ld, weightBits);
  const int64_t lw = weightMaxCode(weightBits);
  int64_t sum = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t q = quantize(double(w[r * ld + c]), s[size_t(c)], lw);
      sum += digitSum(q < 0 ? -q : q, cellBits);
    }
  return sum;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IMC_CODES_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define IMC_CODES_CLONES
#endif

/// |quantize(x[c], scale[c], maxCode)| for a row, without branches so that
/// it vectorizes (this file is compiled with -fno-trapping-math, which lets
/// the compiler select on comparisons; no value changes): NaN -> 0, clamped
/// to L + 1 before rounding (which cannot change the clamped result), rounded
/// half to even in double (v + 0.5 is exact for v <= 2^15 + 1), clamped to L.
/// A zero scale must be passed as 1 (its column is all zero).
IMC_CODES_CLONES static void absCodesRow(const float *__restrict x,
                                         const double *__restrict scale,
                                         int64_t n, int32_t maxCode,
                                         int32_t *__restrict q) {
  const double l = double(maxCode);
  for (int64_t c = 0; c < n; ++c) {
    double v = std::fabs(double(x[c]) / scale[c]);
    v = v == v ? v : 0.0;
    v = v < l + 1.0 ? v : l + 1.0;
    const double r = v + 0.5;
    double f = std::floor(r);
    const double odd = f - 2.0 * std::floor(f * 0.5); // 0 or 1
    f -= f == r ? odd : 0.0; // a tie goes to the even neighbour
    f = f < l ? f : l;
    q[c] = int32_t(f);
  }
}

LevelTable levelSums(const float *w, int64_t rows, int64_t cols,
                     int64_t tileRows) {
  // Per weight precision, a histogram of |q| over the whole matrix; the
  // digit sums of every cell precision then follow from it. Per row block,
  // the column maxima once; the scales of each precision from them, as
  // weightScales computes them.
  constexpr int64_t lo = XbarPrecision::kWeightBits.lo;
  // Four interleaved histograms per precision (element c counts in copy
  // c % 4), so that runs of one code do not serialize on one counter.
  std::vector<std::vector<int64_t>> hist(kLevelWeightBits);
  for (int64_t b = 0; b < kLevelWeightBits; ++b)
    hist[size_t(b)].assign(4 * size_t(weightMaxCode(lo + b) + 1), 0);
  std::vector<double> scale(static_cast<size_t>(cols));
  std::vector<int32_t> q(static_cast<size_t>(cols));
  for (int64_t r0 = 0; r0 < rows; r0 += tileRows) {
    const int64_t nr = std::min(tileRows, rows - r0);
    const float *blk = w + r0 * cols;
    const std::vector<double> mx = columnAbsMax(blk, nr, cols, cols);
    for (int64_t b = 0; b < kLevelWeightBits; ++b) {
      const int64_t lw = weightMaxCode(lo + b);
      for (int64_t c = 0; c < cols; ++c) {
        const double s = mx[size_t(c)] / double(lw);
        scale[size_t(c)] = s == 0.0 ? 1.0 : s;
      }
      int64_t *h = hist[size_t(b)].data();
      const int64_t bins = lw + 1;
      for (int64_t r = 0; r < nr; ++r) {
        absCodesRow(blk + r * cols, scale.data(), cols, int32_t(lw), q.data());
        int64_t c = 0;
        for (; c + 4 <= cols; c += 4) {
          ++h[q[size_t(c)]];
          ++h[bins + q[size_t(c + 1)]];
          ++h[2 * bins + q[size_t(c + 2)]];
          ++h[3 * bins + q[size_t(c + 3)]];
        }
        for (; c < cols; ++c)
          ++h[q[size_t(c)]];
      }
    }
  }
  LevelTable t{};
  for (int64_t b = 0; b < kLevelWeightBits; ++b)
    for (int64_t c = XbarPrecision::kCellBits.lo;
         c <= XbarPrecision::kCellBits.hi; ++c) {
      int64_t sum = 0;
      const std::vector<int64_t> &h = hist[size_t(b)];
      const size_t bins = h.size() / 4;
      for (size_t m = 1; m < bins; ++m) {
        const int64_t count =
            h[m] + h[bins + m] + h[2 * bins + m] + h[3 * bins + m];
        if (count)
          sum += count * digitSum(int64_t(m), c);
      }
      t[levelIndex(lo + b, c)] = sum;
    }
  return t;
}

} // namespace imc::hw
