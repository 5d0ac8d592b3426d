//===- Workload.h - what a network asks of a chip, layer by layer -*- C++ -*-=//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A Workload is the cost-relevant content of a compiled program, aggregated
// per layer: the crossbar tiles each layer programs (their weight blocks,
// precisions and input vectors) and its DPU work as steps of lane
// operations. Costs depend on nothing else, so the report of a program is
// evaluate(workloadOf(program)) (cost::estimate, and the simulator, which
// reports the same costs whatever the data), and a workload built another
// way (from a workload profile, without compiling) is costed by the very
// same evaluate. docs/cost-model.md describes both steps.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_WORKLOAD_H
#define IMC_COST_WORKLOAD_H

#include "imc/Cost/CostModel.h"
#include "imc/Cost/Report.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Precision.h"

#include <cstdint>
#include <string>
#include <vector>

namespace imc::cost {

/// `count` lane operations of one kind on the DPU: ceil(count / lanes)
/// cycles. DpuOpKind::Move moves data (im2col, transpose): cycles, no
/// arithmetic energy.
struct DpuStep {
  DpuOpKind kind = DpuOpKind::Add;
  int64_t count = 0;
};

/// One crossbar tile: a `rows` x `cols` weight block at precision `prec`,
/// through which `vectors` input vectors pass per inference. `index` is its
/// place among all tiles of the workload in programming order: it runs on
/// array `index mod num_tiles`.
struct TileWork {
  int64_t rows = 0, cols = 0;
  hw::XbarPrecision prec;
  int64_t vectors = 0;
  int64_t index = 0;
};

struct LayerWork {
  std::string name;
  std::vector<TileWork> tiles;
  std::vector<DpuStep> dpu;
  int64_t bufferElements = 0; ///< DPU operands read from / written to the buffer
  int64_t digitalMacs = 0;    ///< MACs among the DPU steps (matmuls, contractions)
};

struct Workload {
  std::vector<LayerWork> layers; ///< in program order
  int64_t numTiles() const;
};

/// The workload of a valid program on its target, layer by layer in the
/// order of their first instruction.
Workload workloadOf(const format::Program &p, const hw::Target &t);

/// Costs a workload on the model's target (docs/cost-model.md): the report
/// minus the run information.
void evaluate(const Workload &w, const Model &m, Report &r);

/// Costs a whole program without running it: evaluate(workloadOf(p)) on t,
/// the report of a simulation minus the functional results
/// (docs/report.md). The simulator reports exactly these costs.
void estimate(const format::Program &p, const hw::Target &t, Report &r);

} // namespace imc::cost

#endif // IMC_COST_WORKLOAD_H
