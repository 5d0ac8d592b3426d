//===- FuzzTarget.cpp - libFuzzer target: the target JSON loader ----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Any text through hw::parseTarget. An accepted target must survive
// targetToJson and parse to the same JSON again, and the cost model must
// resolve its constants to finite, non-negative numbers.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/CostModel.h"
#include "imc/Hardware/Target.h"

#include <cmath>
#include <cstdlib>
#include <string>

using namespace imc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::optional<hw::Target> t = hw::parseTarget(text, "fuzz", error);
  if (!t)
    return 0;
  const std::string again = hw::targetToJson(*t);
  std::optional<hw::Target> u = hw::parseTarget(again, "round trip", error);
  if (!u || hw::targetToJson(*u) != again)
    std::abort(); // an accepted target must round-trip
  const cost::Model model(*t);
  for (const cost::Constant &c : model.constants())
    if (!std::isfinite(c.value) || c.value < 0)
      std::abort(); // a derived constant out of range
  return 0;
}
