//===- Target.h - imc hardware target description ---------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A hardware target is a JSON file (see targets/ and docs/targets.md). This
// header is plain C++ (no MLIR) so that the simulator, the cost model and the
// compiler all read targets through the same parser and validator.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_HARDWARE_TARGET_H
#define IMC_HARDWARE_TARGET_H

#include "imc/Hardware/Precision.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace imc::hw {

/// A constant the target leaves to the technology model (docs/cost-model.md):
/// fields of EnergyParams and LatencyParams hold it when the JSON omits them.
constexpr double kDerived = std::numeric_limits<double>::quiet_NaN();

/// Energy constants, in picojoules, as written in the target; kDerived where
/// the target leaves them to the technology model. Read the resolved values
/// through cost::Model. See docs/cost-model.md for sources.
struct EnergyParams {
  double dacPerRowPJ = 0;  ///< one DAC conversion driving one row
  double cellReadPJ = 0;   ///< one cell read during one input cycle
  double adcPerConvPJ = 0; ///< one ADC conversion
  double shiftAddPJ = 0;   ///< one shift-and-add of a column partial sum
  double cellWritePJ = 0;  ///< programming one cell
  double dpuAddPJ = 0;     ///< one DPU add/sub/max/compare (fp32)
  double dpuMulPJ = 0;     ///< one DPU multiply (fp32)
};

/// Latency constants, in nanoseconds (kDerived as for EnergyParams).
struct LatencyParams {
  double arrayReadNs = 0; ///< one read of one row group in one input cycle
  double adcConvNs = 0;   ///< one ADC conversion
  double rowWriteNs = 0;  ///< programming one row of cells (row-parallel)
};

/// The memory device behind the crossbar cells (for --mode noisy).
/// Optional in the JSON; the default is AIHWKIT's PCM model at 25 uS.
struct DeviceParams {
  std::string model = "pcm"; ///< pcm | rram | ideal
  double gmaxUS = 25.0;      ///< largest programmable conductance
  double rramSigma = 0.02;   ///< rram: programming noise / gmax
  double stuckAt0 = 0.0;     ///< probability a cell is stuck at 0
  double stuckAtMax = 0.0;   ///< probability a cell is stuck at gmax
  double outputNoise = 0.0;  ///< optional: ADC input noise / ADC range
  double irDrop = 0.0;       ///< optional: first-order IR drop strength
  bool specified = false;    ///< the JSON had a device section
};

/// The technology a target is built in (optional JSON section
/// `technology`): what the cost model derives per-event constants and area
/// from. Every field is required when the section is present.
struct Technology {
  double nodeNm = 0;         ///< CMOS node of the peripherals and the DPU
  double vdd = 0;            ///< supply voltage of the peripherals and the DPU
  std::string cell;          ///< sram | rram | pcm (reported)
  double cellAreaF2 = 0;     ///< area of one cell, in F^2 at nodeNm
  double gOnUS = 0;          ///< largest cell conductance (read energy)
  double gOffUS = 0;         ///< smallest cell conductance
  double readVoltage = 0;    ///< read voltage on a row
  double readPulseNs = 0;    ///< read pulse of one row group in one input cycle
  double writeEnergyPJ = 0;  ///< programming one cell (with verify)
  double writeLatencyNs = 0; ///< programming one row (cells in parallel)
  double endurance = 0;      ///< write cycles a cell survives
  /// SAR ADC bit-cycle clock (GHz): a conversion takes adcBits + 1 cycles
  /// (sampling, then one per bit), so its rate is clock / (adcBits + 1).
  double adcSarClockGHz = 0;
  double bufferKiB = 0; ///< on-chip SRAM buffer for activations
  /// Optional: a charge-domain cell's capacitance (fF); 0 = a resistive
  /// cell read through its conductance (docs/cost-model.md#cell-reads).
  double cellCapFF = 0;
};

struct Target {
  std::string name;
  // Crossbar array.
  int64_t rows = 0;     ///< word lines (inputs) per array
  int64_t cols = 0;     ///< bit lines (cells) per array
  int64_t cellBits = 0; ///< bits stored per cell
  int64_t dacBits = 0;  ///< DAC resolution (input bits applied per cycle)
  int64_t adcBits = 0;  ///< ADC resolution (signed, differential sensing)
  int64_t adcsPerArray = 0;
  /// The JSON gave crossbar.cols_per_adc (columns multiplexed onto one ADC)
  /// instead of adcs_per_array: adcsPerArray = ceil(cols / colsPerAdc).
  int64_t colsPerAdc = 0;
  /// The ADC circuit (docs/cost-model.md#adc): sar | flash | sense_amp.
  std::string adcKind = "sar";
  int64_t parallelRows = 0; ///< rows activated together for one conversion
  int64_t numTiles = 0;     ///< arrays on the chip (reported; placement of
                            ///< over-capacity models comes later)
  // Optional crossbar peripherals (docs/quantization.md); written back by
  // targetToJson only when not the default.
  double adcRange = 1.0;   ///< ADC range / full scale, (0, 1]
  double inputBound = 1.0; ///< DAC range / input abs-max, (0, 1]
  /// Fraction of (row, input cycle) pairs whose row is driven (an input
  /// bit of 1): only driven rows conduct (docs/cost-model.md, "Cell
  /// reads"). A workload property; 0.5 (random bits) unless given.
  double inputBitDensity = 0.5;
  /// How weights are stored in cells (docs/quantization.md): differential
  /// pairs, offset + a reference column, or two's complement.
  WeightMapping weightMapping = WeightMapping::Differential;
  std::string boundManagement = "none"; ///< none | iterative
  int64_t bmMaxIterations = 3;          ///< iterative: retries per vector
  // Precision.
  int64_t weightBits = 0;     ///< signed weight precision
  int64_t activationBits = 0; ///< input precision
  /// The compiler runs an MVM's inputs as unsigned codes where it proves
  /// them non-negative (after a ReLU; docs/quantization.md).
  bool unsignedActivations = false;
  // Digital processing unit.
  int64_t dpuLanes = 0;
  double dpuClockMHz = 0;
  std::string dpuPrecision = "fp32"; ///< fp32 | fp16 | int32 | int8
  bool dpuPrecisionSpecified = false;
  EnergyParams energy;
  LatencyParams latency;
  DeviceParams device;
  std::optional<Technology> technology;

  /// The precision of the target's crossbar MVMs (the default of every
  /// xbar instruction the compiler emits for it).
  /// Signed inputs: unsignedActivations is the compiler's to use per MVM.
  XbarPrecision precision() const {
    return {weightBits, cellBits, activationBits, dacBits,
            adcBits,    parallelRows, weightMapping, false};
  }
  // The precision rules of XbarPrecision, at the target's precision.
  int64_t weightSlices() const { return precision().slices(); }
  int64_t inputCycles() const { return precision().cycles(); }
  int64_t cellsPerWeight() const { return precision().cellsPerWeight(); }
  int64_t adcFullScale() const { return precision().adcFullScale(); }
  int64_t adcMaxCode() const { return precision().adcMaxCode(); }
  /// Weight columns that fit in one array: (cols - reference columns) /
  /// cellsPerWeight().
  int64_t weightColsPerArray() const {
    return precision().weightColsIn(cols);
  }
};

/// Limits on a target (docs/targets.md): the size of its JSON text, and of
/// each string field (which must also be valid UTF-8).
constexpr size_t kMaxTargetBytes = size_t(1) << 20;
constexpr size_t kMaxStringBytes = 256;

/// Parses and validates a target from JSON text. On failure returns
/// std::nullopt and sets `error` to one line naming the field and the allowed
/// range. `origin` (a file name) prefixes the message.
std::optional<Target> parseTarget(const std::string &jsonText,
                                  const std::string &origin,
                                  std::string &error);

/// Reads and validates a target: a JSON file, or the name of a bundled
/// target (resolveTargetPath).
std::optional<Target> loadTarget(const std::string &path, std::string &error);

/// Sets the directory of the bundled targets (`<name>.json`). The tools set
/// it to `<prefix>/share/imc/targets` next to their executable, the Python
/// package to its own `targets` folder.
void setBundledTargetDir(const std::string &dir);

/// The file a target argument names: `target` itself when it is an existing
/// file; else, for a bare name (no '/', no ".json"), the bundled target of
/// that name. Otherwise std::nullopt, with `error` naming the bundled
/// targets.
std::optional<std::string> resolveTargetPath(const std::string &target,
                                             std::string &error);

/// Serializes a target back to JSON text (the same schema parseTarget reads).
std::string targetToJson(const Target &t);

} // namespace imc::hw

#endif // IMC_HARDWARE_TARGET_H
