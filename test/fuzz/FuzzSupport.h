//===- FuzzSupport.h - shared by imc's libFuzzer targets ---------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_TEST_FUZZ_FUZZSUPPORT_H
#define IMC_TEST_FUZZ_FUZZSUPPORT_H

#include "imc/Format/Program.h"
#include "imc/Sim/Simulator.h"
#include "imc/Sim/Tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace imc::fuzz {

/// Run options for a simulation inside a fuzzer: a mode picked by `pick`,
/// and bounds small enough that every input runs in milliseconds (the
/// bounds themselves are what the resource checks must enforce).
inline sim::RunOptions boundedOptions(uint32_t pick) {
  sim::RunOptions o;
  o.mode = sim::Mode(pick % 3);
  o.seed = pick;
  o.driftTime = (pick >> 2) % 2 ? 3600.0 : 0.0;
  o.gdc = (pick >> 3) % 2;
  o.maxWork = uint64_t(1) << 22;
  o.maxMemoryBytes = uint64_t(64) << 20;
  return o;
}

/// A tensor of `shape` holding a small ramp with signs and a zero; an empty
/// tensor when the shape is too large for a fuzzer (the run then fails its
/// own checks).
inline sim::Tensor rampTensor(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d && n > (int64_t(1) << 22) / d))
      return sim::Tensor{shape, {}};
    n *= d;
  }
  sim::Tensor t{shape, std::vector<float>(size_t(n))};
  for (int64_t i = 0; i < n; ++i)
    t.data[i] = float((i * 7) % 11 - 5) / 4.0f;
  return t;
}

/// Recomputes a program's section CRCs, file size and header CRC in place, so
/// that a mutation inside a section reaches the decoder past the checksums.
/// Entries that lie outside the file are left as they are.
void resealProgram(std::vector<uint8_t> &b);

/// The program mutator: byte mutations, resealed or not, and mutations of
/// decoded fields (a dimension, an opcode, an operand, an attribute, a
/// string, a constant, the target) re-encoded with valid checksums.
size_t mutateProgram(uint8_t *data, size_t size, size_t maxSize, unsigned seed);

} // namespace imc::fuzz

#endif // IMC_TEST_FUZZ_FUZZSUPPORT_H
