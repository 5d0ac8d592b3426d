//===- Conv.h - convolution window geometry ----------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one definition of a sliding window's output size, shared by the
// dialect verifiers, the program validator and the simulator.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_CONV_H
#define IMC_SUPPORT_CONV_H

#include <cstdint>

namespace imc {

/// Output length of a window of `kernel` taps, `dilation` apart, sliding by
/// `stride` over `in` elements padded by `padLo` and `padHi`; <= 0 when the
/// window does not fit.
inline int64_t windowOutputSize(int64_t in, int64_t padLo, int64_t padHi,
                                int64_t kernel, int64_t stride,
                                int64_t dilation) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t padded = in + padLo + padHi;
  if (stride <= 0 || padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

} // namespace imc

#endif // IMC_SUPPORT_CONV_H
