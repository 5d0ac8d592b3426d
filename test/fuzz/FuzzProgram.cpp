//===- FuzzProgram.cpp - libFuzzer target: .imcb decode, validate, run ----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Bytes of an imc-sim program go through everything imc-sim does with one:
// decoding, validation, the listing, costing, and a simulation bounded to a
// little work and memory, in a mode chosen by the input. A structure-aware
// mutator (Mutators.h) keeps most mutants' CRCs valid, so they reach past the
// checksums into the decoder, the validator and the simulator.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "imc/Cost/Workload.h"
#include "imc/Sim/Simulator.h"

using namespace imc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  std::string error;
  std::optional<sim::Simulator> s = sim::Simulator::load(bytes, error);
  if (!s)
    return 0;
  (void)sim::dumpProgram(s->program());
  if (cost::checkCostable(s->program(), s->target()).empty()) {
    sim::Report est;
    cost::estimate(s->program(), s->target(), est);
    (void)est.toJson();
    (void)est.toCsv();
    (void)sim::formatSummary(est);
  }

  sim::RunOptions options = fuzz::boundedOptions(format::crc32(data, size));
  std::vector<sim::Tensor> inputs;
  for (const std::vector<int64_t> &shape : s->inputShapes())
    inputs.push_back(fuzz::rampTensor(shape));
  std::vector<sim::Tensor> outputs;
  sim::Report report;
  if (s->run(std::move(inputs), options, outputs, report, error)) {
    (void)report.toJson();
    (void)sim::formatSummary(report);
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return fuzz::mutateProgram(data, size, maxSize, seed);
}
