//===- CostModel.h - imc latency / energy model ------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one cost model of imc. The simulator charges every executed instruction
// through these functions, and the co-optimizer evaluates design points with
// the same ones: there is no second copy of any formula. Every formula and
// constant is documented in docs/cost-model.md.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_COSTMODEL_H
#define IMC_COST_COSTMODEL_H

#include "imc/Hardware/Target.h"

#include <cstdint>

namespace imc::cost {

/// Energy by component, in picojoules.
struct Energy {
  double dac = 0, array = 0, adc = 0, shiftAdd = 0, write = 0, dpu = 0;
  double total() const { return dac + array + adc + shiftAdd + write + dpu; }
  Energy &operator+=(const Energy &o);
};

/// The cost of one instruction (or a sum of them).
struct Cost {
  double latencyNs = 0;
  Energy energy;
  int64_t cellWrites = 0;
  int64_t adcConversions = 0;
  int64_t macs = 0; ///< multiply-accumulates performed (analog or digital)
  Cost &operator+=(const Cost &o);
};

/// One crossbar MVM: `vectors` input vectors through a tile that holds a
/// `rows` x `weightCols` block of weights (rows <= target rows, weightCols <=
/// target weightColsPerArray()).
Cost crossbarMvm(const hw::Target &t, int64_t vectors, int64_t rows,
                 int64_t weightCols);

/// Programming a `rows` x `weightCols` weight block into one tile.
Cost crossbarProgram(const hw::Target &t, int64_t rows, int64_t weightCols);

/// Kinds of element-wise DPU work, by the arithmetic they need. MulAdd is a
/// fused multiply-add (one lane cycle, the energy of a multiply and an add).
enum class DpuOpKind { Add, Mul, Max, MulAdd };

/// `elements` element-wise operations of one kind on the DPU.
Cost dpuElementwise(const hw::Target &t, DpuOpKind kind, int64_t elements);

/// Moving `elements` values through the DPU (im2col, transpose): one lane
/// cycle per element. Their buffer energy is not modeled yet (0 pJ).
Cost dpuMove(const hw::Target &t, int64_t elements);

/// A digital matrix multiply (m x k) * (k x n) on the DPU.
Cost dpuMatmul(const hw::Target &t, int64_t m, int64_t k, int64_t n);

} // namespace imc::cost

#endif // IMC_COST_COSTMODEL_H
