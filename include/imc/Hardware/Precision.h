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

/// How a signed weight code q in [-Lw, Lw] (Lw = 2^(wb-1) - 1) is stored in
/// cells of c bits (docs/quantization.md, "Weight mappings"):
///  - Differential: a pair of columns per slice, q+ = max(q, 0) on one and
///    q- = max(-q, 0) on the other, each split into ceil((wb-1)/c) slices;
///    the ADC senses the pair's difference.
///  - Offset: the unsigned u = q + 2^(wb-1) in [1, 2^wb - 1], split into
///    ceil(wb/c) slices, one column each; one reference column per array
///    holds the offset (level 2^((wb-1) mod c) in every row, read with the
///    slice that holds bit wb-1), whose conversions are subtracted.
///  - TwosComplement: the wb-bit two's complement of q: its wb-1 low bits
///    in ceil((wb-1)/c) slices, and the sign bit in a column of its own
///    (level 0 or 1) weighted -2^(wb-1) by the shift-and-add.
enum class WeightMapping : uint8_t {
  Differential = 0,
  Offset = 1,
  TwosComplement = 2
};
/// "differential", "offset", "twos_complement".
const char *weightMappingName(WeightMapping m);
/// Parses one of those names; false if `name` is none of them.
bool parseWeightMapping(const std::string &name, WeightMapping &m);

/// The precision one crossbar MVM runs at. Field names are those of the
/// xbar attributes (input_bits is the target's precision.activation_bits).
struct XbarPrecision {
  int64_t weightBits = 8;    ///< signed weight precision
  int64_t cellBits = 2;      ///< bits stored per cell
  int64_t inputBits = 8;     ///< input precision (signed unless below)
  int64_t dacBits = 1;       ///< input bits applied per cycle
  int64_t adcBits = 8;       ///< ADC resolution
  int64_t parallelRows = 32; ///< rows summed per conversion
  WeightMapping mapping = WeightMapping::Differential;
  /// The inputs are known to be non-negative (after a ReLU) and run as
  /// unsigned codes: all inputBits bits are magnitude.
  bool unsignedInput = false;

  static constexpr IntRange kWeightBits{2, 16};
  static constexpr IntRange kCellBits{1, 8};
  static constexpr IntRange kInputBits{2, 16};
  static constexpr IntRange kDacBits{1, 16};
  static constexpr IntRange kAdcBits{2, 24};
  static constexpr IntRange kParallelRows{1, 4096};

  /// Slices (columns of one weight that the shift-and-add combines) per
  /// weight: differential ceil((wb-1)/c) (each a column pair), offset
  /// ceil(wb/c), two's complement ceil((wb-1)/c) + 1 (the last is the sign).
  int64_t slices() const {
    const int64_t magnitude = (weightBits - 1 + cellBits - 1) / cellBits;
    switch (mapping) {
    case WeightMapping::Offset:
      return (weightBits + cellBits - 1) / cellBits;
    case WeightMapping::TwosComplement:
      return magnitude + 1;
    case WeightMapping::Differential:
      break;
    }
    return magnitude;
  }
  /// The shift-and-add weight of slice s is sliceSign(s) * 2^sliceShift(s).
  int64_t sliceShift(int64_t s) const {
    return mapping == WeightMapping::TwosComplement && s == slices() - 1
               ? weightBits - 1
               : s * cellBits;
  }
  int64_t sliceSign(int64_t s) const {
    return mapping == WeightMapping::TwosComplement && s == slices() - 1 ? -1
                                                                         : 1;
  }
  /// The value a cell of slice s holds for weight code q (a level in
  /// [0, 2^c - 1]); differential: the level of the pair's non-zero side,
  /// signed (positive on the q+ column).
  int64_t sliceValue(int64_t q, int64_t s) const {
    const int64_t mask = (int64_t(1) << cellBits) - 1;
    switch (mapping) {
    case WeightMapping::Offset:
      return ((q + (int64_t(1) << (weightBits - 1))) >> (s * cellBits)) & mask;
    case WeightMapping::TwosComplement:
      if (s == slices() - 1)
        return q < 0 ? 1 : 0;
      return ((q + (q < 0 ? int64_t(1) << (weightBits - 1) : 0)) >>
              (s * cellBits)) &
             mask;
    case WeightMapping::Differential:
      break;
    }
    const int64_t m = ((q < 0 ? -q : q) >> (s * cellBits)) & mask;
    return q < 0 ? -m : m;
  }
  /// Offset: the slice the reference column is read with, and its level.
  int64_t referenceSlice() const { return (weightBits - 1) / cellBits; }
  int64_t referenceLevel() const {
    return int64_t(1) << ((weightBits - 1) % cellBits);
  }
  /// Columns per array that hold no weight: offset's reference column.
  int64_t referenceColumns() const {
    return mapping == WeightMapping::Offset ? 1 : 0;
  }
  /// Input cycles per MVM: ceil((inputBits - 1) / dacBits) for signed
  /// inputs (the sign is applied by the DAC's polarity), ceil(inputBits /
  /// dacBits) for unsigned ones.
  int64_t cycles() const {
    const int64_t magnitude = unsignedInput ? inputBits : inputBits - 1;
    return (magnitude + dacBits - 1) / dacBits;
  }
  /// Largest input code: 2^(ib-1) - 1 signed, 2^ib - 1 unsigned.
  int64_t inputMaxCode() const {
    return (int64_t(1) << (unsignedInput ? inputBits : inputBits - 1)) - 1;
  }
  /// Physical columns one weight column occupies: 2 x slices (differential)
  /// or slices.
  int64_t cellsPerWeight() const {
    return mapping == WeightMapping::Differential ? 2 * slices() : slices();
  }
  /// Weight columns an array of `cols` columns holds at this precision.
  int64_t weightColsIn(int64_t cols) const {
    return (cols - referenceColumns()) / cellsPerWeight();
  }
  /// Largest |column sum| one conversion can see:
  /// parallelRows * (2^dacBits - 1) * (2^cellBits - 1).
  int64_t adcFullScale() const {
    return parallelRows * ((int64_t(1) << dacBits) - 1) *
           ((int64_t(1) << cellBits) - 1);
  }
  /// Whether a column sum can be negative, so the ADC converts signed
  /// codes: with differential pairs or signed inputs. Unsigned inputs on
  /// single-ended columns (offset, two's complement) sum to >= 0, and the
  /// ADC's codes are all non-negative.
  bool adcSigned() const {
    return mapping == WeightMapping::Differential || !unsignedInput;
  }
  /// Largest ADC code: 2^(adcBits-1) - 1 signed (symmetric), 2^adcBits - 1
  /// unsigned; the smallest is -adcMaxCode() or 0 (adcMinCode).
  int64_t adcMaxCode() const {
    return (int64_t(1) << (adcSigned() ? adcBits - 1 : adcBits)) - 1;
  }
  int64_t adcMinCode() const { return adcSigned() ? -adcMaxCode() : 0; }

  bool operator==(const XbarPrecision &o) const {
    return weightBits == o.weightBits && cellBits == o.cellBits &&
           inputBits == o.inputBits && dacBits == o.dacBits &&
           adcBits == o.adcBits && parallelRows == o.parallelRows &&
           mapping == o.mapping && unsignedInput == o.unsignedInput;
  }
  bool operator!=(const XbarPrecision &o) const { return !(*this == o); }

  /// Empty when every field is in its range; else one line naming the first
  /// field that is not: "input_bits must be in [2, 16], got 40".
  std::string validate() const;
};

} // namespace imc::hw

#endif // IMC_HARDWARE_PRECISION_H
