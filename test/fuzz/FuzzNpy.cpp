//===- FuzzNpy.cpp - libFuzzer target: the .npy reader --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Any bytes through sim::parseNpy (what imc-sim --input reads). An accepted
// array must have as many elements as its shape says.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Tensor.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::optional<imc::sim::Tensor> t = imc::sim::parseNpy(
      std::vector<uint8_t>(data, data + size), "fuzz", error);
  if (t && int64_t(t->data.size()) != imc::sim::Tensor::numElements(t->shape))
    std::abort();
  if (!t && error.empty())
    std::abort(); // a rejection always says why
  return 0;
}
