//===- Placement.cpp - where a weight-stationary product costs less -------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Placement.h"

#include <map>

namespace imc::cost {

ProductEnergy productEnergy(const Model &m, int64_t vectors, int64_t k,
                            int64_t n, int64_t nonZeros,
                            const std::vector<WeightBlock> &blocks) {
  ProductEnergy e;
  const hw::XbarPrecision p = m.target().precision();
  std::map<int64_t, std::pair<int64_t, int64_t>> partials; // col0 -> (p, cols)
  for (const WeightBlock &b : blocks) {
    if (b.allZero)
      continue;
    e.xbarPJ += m.crossbarMvm(vectors, b.rows, b.cols, p).energy.total();
    auto &[count, cols] = partials[b.col0];
    ++count;
    cols = b.cols;
  }
  for (const auto &[col0, pc] : partials)
    if (pc.first > 1)
      e.xbarPJ += m.accumulate(vectors * pc.second, pc.first).energy.total();
  if (!partials.empty())
    e.xbarPJ += m.inputTraffic(vectors * k * p.inputBits).energy.total();
  e.dpuPJ = m.dpuMatmul(vectors, nonZeros, 1).energy.total() +
            m.bufferTraffic(vectors * k + k * n + vectors * n).energy.total();
  return e;
}

} // namespace imc::cost
