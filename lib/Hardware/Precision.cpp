//===- Precision.cpp - the precision of a crossbar MVM --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Hardware/Precision.h"

#include <fmt/format.h>

namespace imc::hw {

const char *weightMappingName(WeightMapping m) {
  switch (m) {
  case WeightMapping::Offset:
    return "offset";
  case WeightMapping::TwosComplement:
    return "twos_complement";
  case WeightMapping::Differential:
    break;
  }
  return "differential";
}

bool parseWeightMapping(const std::string &name, WeightMapping &m) {
  for (WeightMapping v :
       {WeightMapping::Differential, WeightMapping::Offset,
        WeightMapping::TwosComplement})
    if (name == weightMappingName(v)) {
      m = v;
      return true;
    }
  return false;
}

std::string XbarPrecision::validate() const {
  struct Field {
    const char *name;
    int64_t value;
    IntRange range;
  };
  const Field fields[] = {{"weight_bits", weightBits, kWeightBits},
                          {"cell_bits", cellBits, kCellBits},
                          {"input_bits", inputBits, kInputBits},
                          {"dac_bits", dacBits, kDacBits},
                          {"adc_bits", adcBits, kAdcBits},
                          {"parallel_rows", parallelRows, kParallelRows}};
  for (const Field &f : fields)
    if (!f.range.contains(f.value))
      return fmt::format("{} must be in [{}, {}], got {}", f.name, f.range.lo,
                         f.range.hi, f.value);
  return {};
}

} // namespace imc::hw
