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

/// The levels of one weight code's cells: sum_s |p.sliceValue(q, s)|.
static int64_t cellLevels(int64_t q, const XbarPrecision &p) {
  int64_t sum = 0;
  for (int64_t s = 0, n = p.slices(); s < n; ++s) {
    const int64_t v = p.sliceValue(q, s);
    sum += v < 0 ? -v : v;
  }
  return sum;
}

int64_t levelSum(const float *w, int64_t rows, int64_t cols, int64_t ld,
                 const XbarPrecision &p) {
  const std::vector<double> s = weightScales(w, rows, cols, ld, p.weightBits);
  const int64_t lw = weightMaxCode(p.weightBits);
  int64_t sum = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      sum += cellLevels(quantize(double(w[r * ld + c]), s[size_t(c)], lw), p);
  return sum;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IMC_CODES_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define IMC_CODES_CLONES
#endif

/// quantize(x[c], scale[c], maxCode) + maxCode for a row (a histogram bin),
/// without branches so that it vectorizes (this file is compiled with
/// -fno-trapping-math, which lets the compiler select on comparisons; no
/// value changes): NaN -> 0, |v| clamped to L + 1 before rounding (which
/// cannot change the clamped result), rounded half to even in double (|v| +
/// 0.5 is exact for |v| <= 2^15 + 1; rounding is symmetric, so the
/// magnitude is rounded and the sign put back), clamped to L. A zero scale
/// must be passed as 1 (its column is all zero).
IMC_CODES_CLONES static void codesRow(const float *__restrict x,
                                      const double *__restrict scale,
                                      int64_t n, int32_t maxCode,
                                      int32_t *__restrict q) {
  const double l = double(maxCode);
  for (int64_t c = 0; c < n; ++c) {
    const double y = double(x[c]) / scale[c];
    double v = std::fabs(y);
    v = v == v ? v : 0.0;
    v = v < l + 1.0 ? v : l + 1.0;
    const double r = v + 0.5;
    double f = std::floor(r);
    const double odd = f - 2.0 * std::floor(f * 0.5); // 0 or 1
    f -= f == r ? odd : 0.0; // a tie goes to the even neighbour
    f = f < l ? f : l;
    f = y < 0.0 ? -f : f;
    q[c] = int32_t(f) + maxCode;
  }
}

LevelTable levelSums(const float *w, int64_t rows, int64_t cols,
                     int64_t tileRows) {
  // Per weight precision, a histogram of the codes q over the whole matrix;
  // the level sums of every mapping and cell precision then follow from it.
  // Per row block, the column maxima once; the scales of each precision
  // from them, as weightScales computes them.
  constexpr int64_t lo = XbarPrecision::kWeightBits.lo;
  // Four interleaved histograms per precision (element c counts in copy
  // c % 4), so that runs of one code do not serialize on one counter.
  std::vector<std::vector<int64_t>> hist(kLevelWeightBits);
  for (int64_t b = 0; b < kLevelWeightBits; ++b)
    hist[size_t(b)].assign(4 * size_t(2 * weightMaxCode(lo + b) + 1), 0);
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
      const int64_t bins = 2 * lw + 1;
      for (int64_t r = 0; r < nr; ++r) {
        codesRow(blk + r * cols, scale.data(), cols, int32_t(lw), q.data());
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
  // Digit sums in base 2^c of every 16-bit number, per cell precision c:
  // the levels of a code's cells are table lookups (cellLevels' values).
  static const std::vector<std::vector<uint16_t>> digits = [] {
    std::vector<std::vector<uint16_t>> d(kLevelCellBits);
    for (int64_t c = 1; c <= kLevelCellBits; ++c) {
      std::vector<uint16_t> &t = d[size_t(c - 1)];
      t.resize(size_t(1) << 16);
      const int64_t mask = (int64_t(1) << c) - 1;
      for (int64_t m = 1; m < (int64_t(1) << 16); ++m)
        t[size_t(m)] = uint16_t(t[size_t(m >> c)] + (m & mask));
    }
    return d;
  }();
  LevelTable t{};
  for (int64_t b = 0; b < kLevelWeightBits; ++b) {
    const int64_t wb = lo + b, lw = weightMaxCode(wb);
    const int64_t half = int64_t(1) << (wb - 1);
    const std::vector<int64_t> &h = hist[size_t(b)];
    const size_t bins = h.size() / 4;
    for (int64_t c = XbarPrecision::kCellBits.lo;
         c <= XbarPrecision::kCellBits.hi; ++c) {
      const uint16_t *d = digits[size_t(c - 1)].data();
      int64_t diff = 0, offset = 0, twos = 0;
      for (size_t m = 0; m < bins; ++m) {
        const int64_t count =
            h[m] + h[bins + m] + h[2 * bins + m] + h[3 * bins + m];
        if (!count)
          continue;
        const int64_t code = int64_t(m) - lw;
        diff += count * d[code < 0 ? -code : code];
        offset += count * d[code + half];
        twos += count * (code < 0 ? d[code + half] + 1 : d[code]);
      }
      t[levelIndex(WeightMapping::Differential, wb, c)] = diff;
      t[levelIndex(WeightMapping::Offset, wb, c)] = offset;
      t[levelIndex(WeightMapping::TwosComplement, wb, c)] = twos;
    }
  }
  return t;
}

} // namespace imc::hw
