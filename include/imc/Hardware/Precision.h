//===- Precision.h - the precision of a crossbar MVM -------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one place where the crossbar precision rules are written: how many
// cell slices a weight takes, how many DAC cycles an input takes, the ADC's
// full scale and code range, and the range of every field. The target loader
// and the xbar verifiers check their fields through XbarPrecision::validate;
// the simulator and the cost model read the precision of each xbar
// instruction through it (docs/quantization.md, docs/targets.md).
//
//===----------------------------------------------------------------------===//

#ifndef IMC_HARDWARE_PRECISION_H
#define IMC_HARDWARE_PRECISION_H

#include <cstdint>
#include <string>

namespace imc::hw {

/// The inclusive range of an integer field.
struct IntRange {
  int64_t lo, hi;
  bool contains(int64_t v) const { return v >= lo && v <= hi; }
};

/// The precision one crossbar MVM runs at. Field names are those of the
/// xbar attributes (input_bits is the target's precision.activation_bits).
struct XbarPrecision {
  int64_t weightBits = 8;    ///< signed weight precision
  int64_t cellBits = 2;      ///< bits stored per cell
  int64_t inputBits = 8;     ///< signed input precision
  int64_t dacBits = 1;       ///< input bits applied per cycle
  int64_t adcBits = 8;       ///< ADC resolution (signed, differential sensing)
  int64_t parallelRows = 32; ///< rows summed per conversion

  static constexpr IntRange kWeightBits{2, 16};
  static constexpr IntRange kCellBits{1, 8};
  static constexpr IntRange kInputBits{2, 16};
  static constexpr IntRange kDacBits{1, 16};
  static constexpr IntRange kAdcBits{2, 24};
  static constexpr IntRange kParallelRows{1, 4096};

  /// Magnitude slices per weight: ceil((weightBits - 1) / cellBits). Signed
  /// weights are stored as a differential pair of magnitudes.
  int64_t slices() const { return (weightBits - 1 + cellBits - 1) / cellBits; }
  /// Input cycles per MVM: ceil((inputBits - 1) / dacBits); the sign is
  /// applied by the DAC's polarity.
  int64_t cycles() const { return (inputBits - 1 + dacBits - 1) / dacBits; }
  /// Physical columns one weight column occupies: 2 (pair) x slices.
  int64_t cellsPerWeight() const { return 2 * slices(); }
  /// Largest |column sum| one conversion can see:
  /// parallelRows * (2^dacBits - 1) * (2^cellBits - 1).
  int64_t adcFullScale() const {
    return parallelRows * ((int64_t(1) << dacBits) - 1) *
           ((int64_t(1) << cellBits) - 1);
  }
  /// Largest ADC code magnitude: 2^(adcBits-1) - 1 (signed, symmetric).
  int64_t adcMaxCode() const { return (int64_t(1) << (adcBits - 1)) - 1; }

  bool operator==(const XbarPrecision &o) const {
    return weightBits == o.weightBits && cellBits == o.cellBits &&
           inputBits == o.inputBits && dacBits == o.dacBits &&
           adcBits == o.adcBits && parallelRows == o.parallelRows;
  }
  bool operator!=(const XbarPrecision &o) const { return !(*this == o); }

  /// Empty when every field is in its range; else one line naming the first
  /// field that is not: "input_bits must be in [2, 16], got 40".
  std::string validate() const;
};

} // namespace imc::hw

#endif // IMC_HARDWARE_PRECISION_H
