//===- FuzzProfile.cpp - libFuzzer target: workload profiles --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Any text through cost::parseProfiles. An accepted profile must survive
// profilesToJson and parse again, and evaluate on a small target (over
// capacity: arrays are shared) either fails with a message or gives a
// report with finite totals.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Profile.h"

#include <cmath>
#include <cstdlib>
#include <string>

using namespace imc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1 << 16))
    return 0;
  const std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::optional<std::vector<cost::Profile>> profiles =
      cost::parseProfiles(text, error);
  if (!profiles)
    return 0;
  if (!cost::parseProfiles(cost::profilesToJson(*profiles), error))
    std::abort(); // an accepted profile must round-trip
  static const std::optional<hw::Target> target = [] {
    std::string why;
    return hw::loadTarget(IMC_FUZZ_TARGET, why);
  }();
  for (const cost::Profile &p : *profiles) {
    cost::Report r;
    if (!cost::evaluate(p, *target, {}, r, error))
      continue;
    if (!std::isfinite(r.schedule.inferenceLatencyNs) ||
        !std::isfinite(r.total.cost.energy.total()))
      std::abort();
    (void)r.toJson();
  }
  return 0;
}
