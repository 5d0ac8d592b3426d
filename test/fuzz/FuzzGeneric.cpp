//===- FuzzGeneric.cpp - libFuzzer target: dpu.generic bytecode -----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The loop nest and scalar body of a dpu.generic (imc/Format/Generic.h),
// decoded, validated and interpreted. Input layout:
//   u8 operand count n (1-4: inputs, then the init)
//   n x { u8 rank (0-3); rank x u8 dim (1-8) }
//   the rest: little-endian i64 attributes
// Each valid instruction runs in a one-instruction program on the default
// target, in ideal mode, on ramp inputs (test/fuzz/make_corpus.py writes
// seeds from the dpu.generic ops of compiled models).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "imc/Format/Generic.h"
#include "imc/Hardware/Target.h"

#include <cstring>

using namespace imc;

static const hw::Target &target() {
  static const hw::Target t = [] {
    std::string error;
    return *hw::parseTarget(
        R"({"name": "fuzz", "crossbar": {"rows": 8, "cols": 16,
        "cell_bits": 2, "dac_bits": 1, "adc_bits": 8, "adcs_per_array": 1,
        "parallel_rows": 8, "num_tiles": 4}, "precision": {"weight_bits": 4,
        "activation_bits": 4}, "dpu": {"lanes": 8, "clock_mhz": 500},
        "energy_pj": {"dac_per_row": 0, "cell_read": 0, "adc_per_conversion":
        1, "shift_add": 0, "cell_write": 1, "dpu_add": 1, "dpu_mul": 1},
        "latency_ns": {"array_read": 10, "adc_conversion": 1, "row_write":
        10}})",
        "fuzz", error);
  }();
  return t;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t pos = 0;
  auto next = [&]() -> int { return pos < size ? data[pos++] : -1; };
  const int n = next();
  if (n < 1 || n > 4)
    return 0;
  format::Program p;
  p.targetJson = hw::targetToJson(target());
  p.strings = {"main", "generic"};
  std::vector<uint32_t> operands;
  for (int i = 0; i < n; ++i) {
    const int rank = next();
    if (rank < 0 || rank > 3)
      return 0;
    std::vector<int64_t> shape;
    for (int d = 0; d < rank; ++d) {
      const int dim = next();
      if (dim < 1 || dim > 8)
        return 0;
      shape.push_back(dim);
    }
    p.values.push_back({format::ValueKind::Tensor, shape});
    operands.push_back(uint32_t(p.values.size() - 1));
    p.inputs.push_back(operands.back()); // the init is an argument too
  }
  std::vector<int64_t> attrs((size - pos) / 8);
  if (!attrs.empty())
    std::memcpy(attrs.data(), data + pos, attrs.size() * 8);

  std::vector<std::vector<int64_t>> shapes;
  for (uint32_t id : operands)
    shapes.push_back(p.values[id].shape);
  std::vector<int64_t> bounds;
  std::string error;
  std::optional<format::GenericSpec> spec =
      format::decodeGeneric(attrs, shapes, bounds, error);
  if (spec && format::encodeGeneric(*spec) != attrs)
    std::abort(); // the encoding is canonical: decoding then encoding is exact
  p.values.push_back({format::ValueKind::Tensor, shapes.back()});
  p.code.push_back({format::Opcode::DpuGeneric, 1, operands,
                    uint32_t(p.values.size() - 1), attrs});
  p.outputs = {uint32_t(p.values.size() - 1)};
  if (!format::verifyProgram(p, target()).empty())
    return 0;
  std::optional<sim::Simulator> s =
      sim::Simulator::load(format::serialize(p), error);
  if (!s)
    std::abort(); // valid here, invalid after a round trip through bytes
  std::vector<sim::Tensor> inputs;
  for (uint32_t id : operands)
    inputs.push_back(fuzz::rampTensor(p.values[id].shape));
  std::vector<sim::Tensor> outputs;
  sim::Report report;
  sim::RunOptions options = fuzz::boundedOptions(0); // ideal
  (void)s->run(std::move(inputs), options, outputs, report, error);
  return 0;
}
