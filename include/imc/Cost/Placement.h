//===- Placement.h - where a weight-stationary product costs less -*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-map's `energy` policy: a weight-stationary product goes to the
// crossbars unless the DPU costs less energy per inference, both costed by
// cost::Model. One copy for the compiler (imc-map) and the profile
// evaluator (cost::workloadOf), so that they decide alike.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_PLACEMENT_H
#define IMC_COST_PLACEMENT_H

#include "imc/Cost/CostModel.h"

#include <cstdint>
#include <vector>

namespace imc::cost {

/// One block of a weight tiled for the target's arrays (imc-tile's plan:
/// column-block major, then row block).
struct WeightBlock {
  int64_t row0 = 0, rows = 0, col0 = 0, cols = 0;
  bool allZero = false;
};

/// The energy per inference (pJ) of `vectors` input vectors through a
/// `k` x `n` weight with `nonZeros` non-zero weights tiled into `blocks`:
/// on the crossbars, each non-zero block's MVMs at the target's precision
/// (levels unknown: the middle level), the accumulation of each column
/// block's partial sums, and the inputs sent once; on the DPU, a MAC per
/// non-zero weight and vector and the operands through the buffer (as the
/// workload costs a dpu.matmul). The weights are resident: no writes.
struct ProductEnergy {
  double xbarPJ = 0, dpuPJ = 0;
  /// policy=energy's choice: the crossbars unless the DPU costs less.
  bool crossbarsCostLess() const { return xbarPJ <= dpuPJ; }
};
ProductEnergy productEnergy(const Model &m, int64_t vectors, int64_t k,
                            int64_t n, int64_t nonZeros,
                            const std::vector<WeightBlock> &blocks);

} // namespace imc::cost

#endif // IMC_COST_PLACEMENT_H
