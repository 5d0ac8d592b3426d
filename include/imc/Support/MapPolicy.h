//===- MapPolicy.h - imc-map's budget policy rules ---------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The rules of imc-map's budget policy, shared by the pass and by the
// profile evaluator (lib/Cost/Profile.cpp), which must decide exactly as the
// pass does.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_MAPPOLICY_H
#define IMC_SUPPORT_MAPPOLICY_H

#include <cstdint>

namespace imc {

/// The budget policy's order: best-utilized products first, ties broken by
/// more MACs (use with std::stable_sort on anything with `utilization` and
/// `macs`).
template <typename T> bool budgetBefore(const T *a, const T *b) {
  if (a->utilization != b->utilization)
    return a->utilization > b->utilization;
  return a->macs > b->macs;
}

/// Whether a product of `macs` fits the analog budget `ratio` of
/// `totalMacs`, with `analogMacs` already on crossbars.
inline bool withinAnalogBudget(int64_t analogMacs, int64_t macs,
                               int64_t totalMacs, double ratio) {
  return totalMacs == 0 ||
         double(analogMacs + macs) <= ratio * double(totalMacs) + 0.5;
}

} // namespace imc

#endif // IMC_SUPPORT_MAPPOLICY_H
