//===- FuzzSpace.cpp - libFuzzer target: co-optimization spaces -----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Any text through coopt::parseSpace (a base named "small" is the test
// target; no other name or file is read). An accepted space must hold at
// most kMaxDesigns designs, and its first and last designs must be target
// JSON that hw::parseTarget accepts or refuses with a message. The same
// text through coopt::parsePartial (a part of a search, as Dask workers
// send it) on a fixed space of 4 designs and 2 workloads: refused with one
// line, or every design in the space with figures for both workloads.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"

#include <cstdlib>
#include <string>

using namespace imc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1 << 16))
    return 0;
  const std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  auto load = [](const std::string &name,
                 std::string &why) -> std::optional<hw::Target> {
    if (name != "small") {
      why = "unknown base";
      return std::nullopt;
    }
    return hw::loadTarget(IMC_FUZZ_TARGET, why);
  };
  static const std::optional<coopt::Space> fixed = [&] {
    std::string why;
    return coopt::parseSpace(
        R"({"base": "small", "crossbar.adc_bits": [4, 5, 6, 8]})", "fixed", why,
        load);
  }();
  if (!fixed)
    std::abort();
  if (std::optional<coopt::Partial> p =
          coopt::parsePartial(text, *fixed, 2, error)) {
    for (const coopt::Design &d : p->feasible)
      if (d.index >= fixed->size() || d.workloads.size() != 2)
        std::abort();
  } else if (error.empty() || error.find('\n') != std::string::npos) {
    std::abort();
  }
  error.clear();
  std::optional<coopt::Space> s = coopt::parseSpace(text, "fuzz", error, load);
  if (!s) {
    if (error.empty() || error.find('\n') != std::string::npos)
      std::abort(); // one line, always
    return 0;
  }
  if (s->size() > coopt::kMaxDesigns || s->size() == 0)
    std::abort();
  for (uint64_t i : {uint64_t(0), s->size() - 1}) {
    std::string why;
    if (!hw::parseTarget(coopt::designTarget(*s, i), "design", why) &&
        why.empty())
      std::abort();
  }
  return 0;
}
