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
  /// 0: on the DPU; n > 0: on the output units of the n arrays that hold
  /// the operands (an activation of their results, Model::arrayElementwise).
  int64_t arrays = 0;
};

/// `count` alike crossbar tiles, each a `rows` x `cols` weight block at
/// precision `prec` through which `vectors` input vectors pass per
/// inference. `index` is the first one's place among all tiles of the
/// workload in programming order (the others follow it): tile n runs on
/// array `n mod num_tiles`.
struct TileWork {
  int64_t rows = 0, cols = 0;
  hw::XbarPrecision prec;
  int64_t vectors = 0;
  int64_t index = 0;
  int64_t count = 1;
  /// The conductance levels programmed into the `count` tiles in all
  /// (hw::levelSum), or Model::kUnknownLevels.
  int64_t levels = Model::kUnknownLevels;
};

/// An xbar.accumulate: `partials` tensors of `elements` each summed by the
/// adders of the arrays that produced them (docs/cost-model.md,
/// "Accumulation").
struct AccumulateStep {
  int64_t elements = 0, partials = 0;
};

struct LayerWork {
  std::string name;
  std::vector<TileWork> tiles;
  std::vector<DpuStep> dpu;
  std::vector<AccumulateStep> accumulates;
  int64_t bufferElements =
      0; ///< DPU operands read from / written to the buffer
  /// Bits of MVM inputs sent from the buffer to the arrays: each input
  /// value once, however many tiles multiply it (a broadcast).
  int64_t inputBits = 0;
  int64_t digitalMacs = 0; ///< MACs among the DPU steps (matmuls, contractions)
  /// The report's layer this stage adds to: stages of one name are one
  /// layer, numbered by the first stage of each (set by finish()).
  size_t reportLayer = 0;
};

struct Workload {
  std::vector<LayerWork> layers; ///< in program order
  int64_t numTiles() const;
};

/// The workload of a valid program on its target, layer by layer in the
/// order of their first instruction.
Workload workloadOf(const format::Program &p, const hw::Target &t);

/// Builds a workload from a stream of instructions in program order: the one
/// place where instructions become stages, tiles and DPU steps. workloadOf
/// feeds it a program's instructions; the profile evaluator
/// (Profile.h) feeds it the instructions a compile for a target would emit.
/// Value ids index per-value state, which grows as needed.
class WorkloadBuilder {
public:
  /// `names`: the layer names the instructions index.
  /// `names`: the layer names the instructions index; `values`: a hint of
  /// how many value ids will be used.
  explicit WorkloadBuilder(const std::vector<std::string> &names,
                           size_t values = 0);

  /// xbar.program: tile value `result` holds a `rows` x `cols` block at
  /// `prec`, programmed with `levels` levels in all; tiles are numbered in
  /// the order of these calls.
  void program(uint32_t layer, uint32_t result, int64_t rows, int64_t cols,
               const hw::XbarPrecision &prec, int64_t levels);
  /// xbar.mvm: `vectors` input vectors (value `input`) through tile `tile`.
  void mvm(uint32_t layer, uint32_t tile, uint32_t input, uint32_t result,
           int64_t vectors);
  /// Any other instruction: its DPU work (the per-opcode rules of
  /// docs/cost-model.md); `rhsNonZeros` is the non-zero count of a
  /// dpu.matmul's constant right operand, or -1.
  void instr(const format::Instr &in,
             const std::vector<format::ValueDesc> &values,
             int64_t rhsNonZeros = -1);
  /// `count` tiles of `rows` x `cols` at `prec` written one after another
  /// (numbered like `count` xbar.program calls), each then multiplying
  /// `vectors` vectors of value `input`: their results are value `result`.
  /// `levels`: the levels programmed into the `count` tiles in all;
  /// `inputBits`: the bits of `input` this run sends to the arrays (the
  /// caller sends each input once). The profile evaluator's fast form of
  /// program + mvm per tile.
  void tileRun(uint32_t layer, uint32_t input, uint32_t result, int64_t rows,
               int64_t cols, const hw::XbarPrecision &prec, int64_t vectors,
               int64_t count, int64_t levels, int64_t inputBits);
  /// An xbar.accumulate of `partials` tensors of `elements` each, without
  /// an Instr; `operands` (`n` values) carry its data dependencies.
  void accumulate(uint32_t layer, const uint32_t *operands, size_t n,
                  int64_t partials, uint32_t result, int64_t elements);
  /// A free instruction (slices, empty, constants) that only passes data
  /// dependencies on.
  void view(const uint32_t *operands, size_t n, uint32_t result);

  Workload finish();

private:
  int64_t depOf(const uint32_t *operands, size_t n);
  int64_t arraysOf(const uint32_t *operands, size_t n);
  size_t stage(uint32_t layer, int64_t inDep, bool opensOnDependency);
  void grow(uint32_t value);
  void place(int32_t tile, size_t stage);

  const std::vector<std::string> &names;
  Workload w;
  std::vector<int32_t> dep;    ///< per value: latest MVM stage it needs
  std::vector<int32_t> tileOf; ///< per value: its tile number, or -1
  std::vector<char> sent;      ///< per value: an MVM input already sent
  /// per value: the arrays whose outputs hold it (MVM results, their sums
  /// and activations, before they reach the buffer), or 0.
  std::vector<int64_t> atArrays;
  std::vector<int64_t> current; ///< per layer name: its latest stage
  /// A tile of program(), until its first MVM places it.
  struct Tile {
    int64_t index = 0; ///< its number in programming order
    int64_t rows = 0, cols = 0;
    hw::XbarPrecision prec;
    int64_t levels = Model::kUnknownLevels;
    uint32_t layer = 0;
    int64_t stage = -1; ///< where it was placed
    size_t at = 0;
  };
  std::vector<Tile> tiles; ///< tileOf indexes it
  int64_t numbered = 0;    ///< tiles numbered so far (program and tileRun)
};

/// Where evaluate takes each tile's converters (ADC bits, DAC bits, rows a
/// conversion) from: the tile's own precision, or the model's target. The
/// second costs a workload built for one target on another that differs
/// from it only in its converters: the co-optimizer shares one workload so
/// between designs (Profile.h, workloadKey).
enum class Converters { OfTiles, OfTarget };

/// Costs a workload on the model's target (docs/cost-model.md): the report
/// minus the run information.
void evaluate(const Workload &w, const Model &m, Report &r,
              Converters converters = Converters::OfTiles);

/// Costing sums a program's work in 64-bit counters: it asks at most this
/// many steps of work (format::programResources) of a program.
constexpr uint64_t kMaxCostedWork = uint64_t(1) << 50;
/// Empty when `p` can be costed, else one line (its work is above
/// kMaxCostedWork). imc-sim --cost-only, imc.estimate and profiles check it.
std::string checkCostable(const format::Program &p, const hw::Target &t);

/// Costs a whole program without running it: evaluate(workloadOf(p)) on t,
/// the report of a simulation minus the functional results
/// (docs/report.md). The simulator reports exactly these costs.
void estimate(const format::Program &p, const hw::Target &t, Report &r);

} // namespace imc::cost

#endif // IMC_COST_WORKLOAD_H
