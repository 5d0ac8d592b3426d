//===- CrossbarReference.h - naive model of the quantized MVM ---*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A deliberately naive implementation of the scheme documented in
// imc/Sim/Crossbar.h, written from the comment alone: one loop per step, per
// output column, rounding with std::nearbyint in the default rounding mode.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_TEST_UNIT_CROSSBARREFERENCE_H
#define IMC_TEST_UNIT_CROSSBARREFERENCE_H

#include "imc/Sim/Crossbar.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace imc::test {

using sim::XbarConfig;

/// A tile configuration: weight, cell, input, DAC and ADC bits, parallel
/// rows, and the optional ADC range and bound-management iterations.
/// `c` with the DAC's range set to `bound` x the abs-max.
inline XbarConfig withInputBound(XbarConfig c, double bound);

inline XbarConfig makeConfig(int64_t wb, int64_t cb, int64_t ab, int64_t db,
                             int64_t adcb, int64_t p, double adcRange = 1.0,
                             int64_t bm = 0) {
  XbarConfig c;
  c.weightBits = wb;
  c.cellBits = cb;
  c.inputBits = ab;
  c.dacBits = db;
  c.adcBits = adcb;
  c.parallelRows = p;
  c.adcRange = adcRange;
  c.bmMaxIterations = bm;
  return c;
}

inline XbarConfig withInputBound(XbarConfig c, double bound) {
  c.inputBound = bound;
  return c;
}

/// `c` with another weight mapping and input sign.
inline XbarConfig withMapping(XbarConfig c, hw::WeightMapping m,
                              bool unsignedInput = false) {
  c.mapping = m;
  c.unsignedInput = unsignedInput;
  return c;
}

/// Round half to even via the FPU (the default rounding mode).
inline double refRne(double x) { return std::nearbyint(x); }

inline int64_t refQuantize(double x, double scale, int64_t l) {
  if (scale == 0.0)
    return 0;
  double q = refRne(x / scale);
  if (q > double(l))
    q = double(l);
  if (q < double(-l))
    q = double(-l);
  return int64_t(q);
}

inline int64_t ceilDivRef(int64_t a, int64_t b) {
  int64_t n = 0;
  while (n * b < a)
    ++n;
  return n;
}

inline int64_t pow2(int64_t e) { return int64_t(1) << e; }

/// W is K x N row-major, x is K; returns y (N). The weight mappings and
/// unsigned inputs as docs/quantization.md words them.
inline std::vector<float> referenceMvm(const std::vector<float> &w,
                                       int64_t kRows, int64_t nCols,
                                       const float *x, const XbarConfig &c) {
  using hw::WeightMapping;
  const bool offset = c.mapping == WeightMapping::Offset;
  const bool twos = c.mapping == WeightMapping::TwosComplement;
  const int64_t lw = pow2(c.weightBits - 1) - 1;
  const int64_t la = c.unsignedInput ? pow2(c.inputBits) - 1
                                     : pow2(c.inputBits - 1) - 1;
  // Weight columns per weight: the magnitude's (differential), u = q +
  // 2^(wb-1)'s (offset), the low wb-1 bits' and the sign's (two's
  // complement).
  const int64_t lowSlices = ceilDivRef(c.weightBits - 1, c.cellBits);
  const int64_t slices = offset ? ceilDivRef(c.weightBits, c.cellBits)
                         : twos ? lowSlices + 1
                                : lowSlices;
  const int64_t cycles = c.unsignedInput
                             ? ceilDivRef(c.inputBits, c.dacBits)
                             : ceilDivRef(c.inputBits - 1, c.dacBits);
  const int64_t fs =
      c.parallelRows * (pow2(c.dacBits) - 1) * (pow2(c.cellBits) - 1);
  // Column sums are >= 0 only with unsigned inputs on single-ended columns:
  // then the ADC's codes are 0 .. 2^b - 1, else -(2^(b-1) - 1) .. that.
  const bool signedAdc = c.mapping == WeightMapping::Differential ||
                         !c.unsignedInput;
  const int64_t l = signedAdc ? pow2(c.adcBits - 1) - 1 : pow2(c.adcBits) - 1;
  const int64_t lo = signedAdc ? -l : 0;
  // The ADC's range R = adc_range * FS: a step of 1 if it fits in the codes
  // (conversions exact up to the clamp at L), else R / L.
  const double range = c.adcRange * double(fs);
  const bool unitStep = range <= double(l);
  const double step = unitStep ? 1.0 : range / double(l);
  auto adc = [&](int64_t v) {
    if (unitStep)
      return std::max(lo, std::min(l, v));
    const double q = refRne(double(v) / step);
    return int64_t(std::max(double(lo), std::min(double(l), q)));
  };

  // Step 2: input codes (unsigned: negatives drive nothing).
  double xMax = 0;
  for (int64_t k = 0; k < kRows; ++k)
    xMax = std::max(xMax, std::fabs(double(x[k])));
  const double sx = (c.inputBound * xMax) / double(la);
  std::vector<int64_t> qx(kRows);
  for (int64_t k = 0; k < kRows; ++k) {
    qx[k] = refQuantize(double(x[k]), sx, la);
    if (c.unsignedInput && qx[k] < 0)
      qx[k] = 0;
  }
  auto drive = [&](int64_t k, int64_t j) {
    const int64_t mag = qx[k] < 0 ? -qx[k] : qx[k];
    const int64_t chunk = (mag >> (c.dacBits * j)) % pow2(c.dacBits);
    return qx[k] < 0 ? -chunk : chunk;
  };

  std::vector<float> y(nCols);
  for (int64_t n = 0; n < nCols; ++n) {
    // Step 1: this column's weight codes, and the value of each cell.
    double wMax = 0;
    for (int64_t k = 0; k < kRows; ++k)
      wMax = std::max(wMax, std::fabs(double(w[k * nCols + n])));
    const double sw = wMax / double(lw);
    // cell[s][k], and the shift-and-add weight of slice s.
    std::vector<std::vector<int64_t>> cell(slices,
                                           std::vector<int64_t>(kRows));
    std::vector<int64_t> sliceWeight(slices);
    for (int64_t s = 0; s < slices; ++s)
      sliceWeight[s] = twos && s == slices - 1 ? -pow2(c.weightBits - 1)
                                               : pow2(c.cellBits * s);
    for (int64_t k = 0; k < kRows; ++k) {
      const int64_t q = refQuantize(double(w[k * nCols + n]), sw, lw);
      for (int64_t s = 0; s < slices; ++s) {
        if (offset) {
          const int64_t u = q + pow2(c.weightBits - 1);
          cell[s][k] = (u >> (c.cellBits * s)) % pow2(c.cellBits);
        } else if (twos) {
          const int64_t t = q < 0 ? q + pow2(c.weightBits) : q;
          cell[s][k] = s == slices - 1
                           ? t >> (c.weightBits - 1)
                           : ((t % pow2(c.weightBits - 1)) >>
                              (c.cellBits * s)) %
                                 pow2(c.cellBits);
        } else { // a differential pair: the sensed difference
          const int64_t qPos = q > 0 ? q : 0, qNeg = q < 0 ? -q : 0;
          cell[s][k] = (qPos >> (c.cellBits * s)) % pow2(c.cellBits) -
                       (qNeg >> (c.cellBits * s)) % pow2(c.cellBits);
        }
      }
    }
    // Steps 3 and 4; offset: the reference column (level 2^((wb-1) mod c)
    // in every row, weight 2^(c floor((wb-1)/c))) is subtracted.
    int64_t acc = 0;
    for (int64_t j = 0; j < cycles; ++j)
      for (int64_t g = 0; g < kRows; g += c.parallelRows) {
        const int64_t g1 = std::min(kRows, g + c.parallelRows);
        for (int64_t s = 0; s < slices; ++s) {
          int64_t v = 0;
          for (int64_t k = g; k < g1; ++k)
            v += drive(k, j) * cell[s][k];
          acc += adc(v) * sliceWeight[s] * pow2(c.dacBits * j);
        }
        if (offset) {
          int64_t v = 0;
          for (int64_t k = g; k < g1; ++k)
            v += drive(k, j) * pow2((c.weightBits - 1) % c.cellBits);
          acc -= adc(v) * pow2(c.cellBits * ((c.weightBits - 1) / c.cellBits)) *
                 pow2(c.dacBits * j);
        }
      }
    y[n] = float(((double(acc) * step) * sx) * sw);
  }
  return y;
}

} // namespace imc::test

#endif // IMC_TEST_UNIT_CROSSBARREFERENCE_H
