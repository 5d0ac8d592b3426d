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

/// W is K x N row-major, x is K; returns y (N).
inline std::vector<float> referenceMvm(const std::vector<float> &w,
                                       int64_t kRows, int64_t nCols,
                                       const float *x, const XbarConfig &c) {
  const int64_t lw = pow2(c.weightBits - 1) - 1;
  const int64_t la = pow2(c.inputBits - 1) - 1;
  const int64_t slices = ceilDivRef(c.weightBits - 1, c.cellBits);
  const int64_t cycles = ceilDivRef(c.inputBits - 1, c.dacBits);
  const int64_t fs =
      c.parallelRows * (pow2(c.dacBits) - 1) * (pow2(c.cellBits) - 1);
  const int64_t l = pow2(c.adcBits - 1) - 1;
  // The ADC's range R = adc_range * FS: a step of 1 if it fits in the codes
  // (conversions exact up to the clamp at L), else R / L.
  const double range = c.adcRange * double(fs);
  const bool unitStep = range <= double(l);
  const double step = unitStep ? 1.0 : range / double(l);

  // Step 2: input codes.
  double xMax = 0;
  for (int64_t k = 0; k < kRows; ++k)
    xMax = std::max(xMax, std::fabs(double(x[k])));
  const double sx = (c.inputBound * xMax) / double(la);
  std::vector<int64_t> qx(kRows);
  for (int64_t k = 0; k < kRows; ++k)
    qx[k] = refQuantize(double(x[k]), sx, la);

  std::vector<float> y(nCols);
  for (int64_t n = 0; n < nCols; ++n) {
    // Step 1: this column's weight codes, as a differential pair.
    double wMax = 0;
    for (int64_t k = 0; k < kRows; ++k)
      wMax = std::max(wMax, std::fabs(double(w[k * nCols + n])));
    const double sw = wMax / double(lw);
    std::vector<int64_t> qPos(kRows), qNeg(kRows);
    for (int64_t k = 0; k < kRows; ++k) {
      const int64_t q = refQuantize(double(w[k * nCols + n]), sw, lw);
      qPos[k] = q > 0 ? q : 0;
      qNeg[k] = q < 0 ? -q : 0;
    }
    // Steps 3 and 4.
    int64_t acc = 0;
    for (int64_t j = 0; j < cycles; ++j)
      for (int64_t g = 0; g < kRows; g += c.parallelRows)
        for (int64_t s = 0; s < slices; ++s) {
          int64_t v = 0;
          for (int64_t k = g; k < std::min(kRows, g + c.parallelRows); ++k) {
            const int64_t mag = qx[k] < 0 ? -qx[k] : qx[k];
            const int64_t chunk = (mag >> (c.dacBits * j)) % pow2(c.dacBits);
            const int64_t sign = qx[k] < 0 ? -1 : 1;
            const int64_t sliceP =
                (qPos[k] >> (c.cellBits * s)) % pow2(c.cellBits);
            const int64_t sliceN =
                (qNeg[k] >> (c.cellBits * s)) % pow2(c.cellBits);
            v += sign * chunk * (sliceP - sliceN);
          }
          int64_t code;
          if (unitStep) {
            code = std::max(-l, std::min(l, v));
          } else {
            double q = refRne(double(v) / step);
            code = int64_t(std::max(double(-l), std::min(double(l), q)));
          }
          acc += code * pow2(c.dacBits * j + c.cellBits * s);
        }
    y[n] = float(((double(acc) * step) * sx) * sw);
  }
  return y;
}

} // namespace imc::test

#endif // IMC_TEST_UNIT_CROSSBARREFERENCE_H
