//===- CostModel.h - imc latency / energy / area model -----------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one cost model of imc. The simulator charges every executed instruction
// through a cost::Model, and the co-optimizer evaluates design points with
// the same class: there is no second copy of any formula. Every formula and
// constant is documented, with its source, in docs/cost-model.md.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_COSTMODEL_H
#define IMC_COST_COSTMODEL_H

#include "imc/Hardware/Target.h"

#include <cstdint>
#include <string>
#include <vector>

namespace imc::cost {

/// Energy by component, in picojoules.
struct Energy {
  double dac = 0, array = 0, adc = 0, shiftAdd = 0, buffer = 0, write = 0,
         dpu = 0, interconnect = 0, leakage = 0;
  double total() const {
    return dac + array + adc + shiftAdd + buffer + write + dpu + interconnect +
           leakage;
  }
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

/// Chip area by component, in mm^2 (all zero for a target without a
/// technology section).
struct Area {
  double arrays = 0, adcs = 0, dacs = 0, shiftAdd = 0, dpu = 0, buffers = 0,
         interconnect = 0;
  double total() const {
    return arrays + adcs + dacs + shiftAdd + dpu + buffers + interconnect;
  }
};

/// Kinds of DPU work, by the arithmetic they need; each is one lane cycle
/// per operation. MulAdd is a fused multiply-add (the energy of a multiply
/// and an add); Mac is the multiply-accumulate of a matrix product (the
/// same energy, counted as 2 DPU operations and 1 digital MAC); Move moves
/// an element (im2col, transpose) without arithmetic.
enum class DpuOpKind { Add, Mul, Max, MulAdd, Mac, Move };

/// One resolved per-event constant: its value and where it came from
/// ("target" when the JSON gave it, else the name of the model).
struct Constant {
  std::string name; ///< as in the target JSON, e.g. "energy_pj.cell_read"
  double value = 0;
  std::string origin;
};

/// The cost model of one target: per-event constants resolved once (given
/// by the target, or derived from its technology section), then cheap
/// per-instruction formulas.
class Model {
public:
  explicit Model(const hw::Target &t);

  const hw::Target &target() const { return t; }
  /// Resolved energies and latencies (all finite).
  const hw::EnergyParams &energy() const { return e; }
  const hw::LatencyParams &latency() const { return l; }
  /// Buffer access energy per bit (0 without a technology section).
  double bufferPJPerBit() const { return bufBit; }
  /// Moving one bit between the buffer and an array over the H-tree (pJ;
  /// 0 without a technology section; docs/cost-model.md#interconnect).
  double interconnectPJPerBit() const { return wireBit; }
  /// Static power of the chip (uW; 0 without a technology section;
  /// docs/cost-model.md#leakage).
  double leakageUW() const { return leakUW; }
  /// Bits of one DPU operand (its precision).
  int64_t dpuBits() const { return dpuPrecBits; }
  /// Every resolved constant with its origin, for the report.
  const std::vector<Constant> &constants() const { return table; }
  /// Chip area (docs/cost-model.md#area).
  const Area &area() const { return ar; }

  /// Lowers this model toward `o`, for branch and bound (docs/coopt.md,
  /// "Branch and bound"): every per-event constant, the leakage and each
  /// area component to the smaller of the two; the fields evaluate reads
  /// as counts (adcs per array, DPU lanes and clock, DAC bits: fewer input
  /// cycles) to the faster. evaluate is non-decreasing in each constant and
  /// non-increasing in each of those fields, so on a workload both models
  /// cost alike (same arrays, rows, weight columns, precision but the
  /// converters, ADC kind, parallel rows, DPU precision) its energy and
  /// latency with the result bound those of either model from below.
  void lowerBound(const Model &o);

  /// A tile whose programmed levels are not known: one cell per slice of
  /// each weight is taken at the middle level (2^c - 1) / 2.
  static constexpr int64_t kUnknownLevels = -1;
  /// One crossbar MVM: `vectors` input vectors through a tile that holds a
  /// `rows` x `weightCols` block of weights (rows <= target rows, weightCols
  /// <= the weight columns an array holds at that precision), at precision
  /// `p` (the instruction's; the target's by default), programmed with
  /// `levels` conductance levels in its weight cells (hw::levelSum; the
  /// offset mapping's reference column is added here). Includes the buffer
  /// traffic of its inputs and outputs.
  Cost crossbarMvm(int64_t vectors, int64_t rows, int64_t weightCols,
                   const hw::XbarPrecision &p,
                   int64_t levels = kUnknownLevels) const;
  Cost crossbarMvm(int64_t vectors, int64_t rows, int64_t weightCols) const {
    return crossbarMvm(vectors, rows, weightCols, t.precision());
  }
  /// The cell-read energy (pJ) of crossbarMvm: in each input cycle the
  /// driven rows (a fraction crossbar.input_bit_density of them) conduct
  /// through every cell of the block at its programmed conductance
  /// (docs/cost-model.md, "Cell reads").
  double arrayReadPJ(int64_t vectors, int64_t rows, int64_t weightCols,
                     const hw::XbarPrecision &p, int64_t levels) const;
  /// Programming a `rows` x `weightCols` weight block into one tile (and
  /// the offset mapping's reference column with it).
  Cost crossbarProgram(int64_t rows, int64_t weightCols,
                       const hw::XbarPrecision &p) const;
  Cost crossbarProgram(int64_t rows, int64_t weightCols) const {
    return crossbarProgram(rows, weightCols, t.precision());
  }
  /// The energy (pJ) and time (ns) of one conversion, and the energy of one
  /// DAC drive of a row, at a precision: the resolved constants at the
  /// target's ADC/DAC bits; at others, derived anew from the technology
  /// models (a target without a technology section gives constants for its
  /// own resolution only, and they are used as given).
  struct Converters {
    double adcPJ, adcNs, dacPJ;
  };
  Converters converters(const hw::XbarPrecision &p) const;
  /// `elements` operations of one kind on the DPU, in one instruction
  /// (arithmetic only; buffer traffic is charged by bufferTraffic).
  Cost dpuElementwise(DpuOpKind kind, int64_t elements) const;
  /// Moving `elements` values through the DPU (im2col, transpose): one lane
  /// cycle per element (buffer traffic charged by bufferTraffic).
  Cost dpuMove(int64_t elements) const;
  /// A digital matrix multiply (m x k) * (k x n) on the DPU.
  Cost dpuMatmul(int64_t m, int64_t k, int64_t n) const;
  /// Summing `partials` partial results of `elements` each (an
  /// xbar.accumulate) with the shift-and-add units of the `partials` arrays
  /// that produced them: (partials - 1) adds an element at `shift_add`
  /// energy, spread over partials x adcs_per_array units, one add per DPU
  /// clock cycle each (docs/cost-model.md, "Accumulation"). The partial
  /// results stay next to the arrays: the buffer and interconnect energy
  /// crossbarMvm charged for all but one of them is taken back (negative).
  Cost accumulate(int64_t elements, int64_t partials) const;
  /// `elements` operations of one kind (an add, a max: a ReLU or a bias, a
  /// multiply) on the results of `arrays` arrays, by their output units
  /// next to them (as ISAAC's and NeuroSim's tiles apply activations):
  /// the DPU's energy per operation, arrays x adcs_per_array operations a
  /// DPU clock cycle, no buffer traffic (docs/cost-model.md,
  /// "Accumulation").
  Cost arrayElementwise(DpuOpKind kind, int64_t elements, int64_t arrays) const;
  /// Sending `bits` of MVM inputs from the buffer over the interconnect to
  /// the arrays (each input once, broadcast to every tile that needs it).
  Cost inputTraffic(int64_t bits) const;
  /// Reading and writing `elements` DPU operands from and to the on-chip
  /// buffer (energy only; the accesses overlap with the DPU's cycles).
  Cost bufferTraffic(int64_t elements) const;

private:
  hw::Target t;
  hw::EnergyParams e;
  hw::LatencyParams l;
  double bufBit = 0, wireBit = 0, leakUW = 0;
  /// A driven cell in one input cycle: at level 0, and the extra energy at
  /// the top level (g_on - g_off); 0 when the target gives cell_read.
  double cellOffPJ = 0, cellSpanPJ = 0;
  int64_t dpuPrecBits = 32;
  std::vector<Constant> table;
  Area ar;
};

//===----------------------------------------------------------------------===//
// Technology models (docs/cost-model.md#technology-models)
//===----------------------------------------------------------------------===//

/// Energy per conversion (pJ) of a SAR ADC of `bits` resolution at
/// `sampleRateHz` in a `nodeNm` process at its nominal supply: Andrulis et
/// al.'s survey fit (arXiv 2404.06553) as CiMLoop's ADC plug-in releases it.
double sarEnergyPJ(int64_t bits, double sampleRateHz, double nodeNm);
/// Area (um^2) of that ADC (the same fit's regression).
double sarAreaUm2(double sampleRateHz, double nodeNm, double energyPJ);
/// The nominal supply (V) of a node, interpolated.
double nominalVdd(double nodeNm);
/// Energy scale factor from (fromNm, fromVdd) to (toNm, toVdd): Stillmaker &
/// Baas's per-node fits, interpolated between tabulated nodes.
double energyScale(double fromNm, double fromVdd, double toNm, double toVdd);
/// Area scale factor from fromNm to toNm (Stillmaker & Baas).
double areaScale(double fromNm, double toNm);

} // namespace imc::cost

#endif // IMC_COST_COSTMODEL_H
