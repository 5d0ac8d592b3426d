//===- Conv.h - convolution window geometry ----------------------*- C++
//-*-===//
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
#include <initializer_list>

namespace imc {

/// Output length of a window of `kernel` taps, `dilation` apart, sliding by
/// `stride` over `in` elements padded by `padLo` and `padHi`; <= 0 when the
/// window does not fit, and kWindowOverflow when a size overflows 64 bits
/// (dimensions come from untrusted IR and files).
constexpr int64_t kWindowOverflow = -1;
inline int64_t windowOutputSize(int64_t in, int64_t padLo, int64_t padHi,
                                int64_t kernel, int64_t stride,
                                int64_t dilation) {
  if (stride <= 0 || kernel <= 0 || dilation <= 0 || in < 0 || padLo < 0 ||
      padHi < 0)
    return 0;
  int64_t span, padded;
  if (__builtin_mul_overflow(dilation, kernel - 1, &span) ||
      __builtin_add_overflow(span, 1, &span) ||
      __builtin_add_overflow(in, padLo, &padded) ||
      __builtin_add_overflow(padded, padHi, &padded))
    return kWindowOverflow;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

/// a * b * c... into `out`; false when the product overflows 64 bits.
inline bool checkedProduct(std::initializer_list<int64_t> factors,
                           int64_t &out) {
  out = 1;
  for (int64_t f : factors)
    if (__builtin_mul_overflow(out, f, &out))
      return false;
  return true;
}

} // namespace imc

#endif // IMC_SUPPORT_CONV_H
