//===- ProgramBuilder.h - building test programs by hand ---------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_TEST_UNIT_PROGRAMBUILDER_H
#define IMC_TEST_UNIT_PROGRAMBUILDER_H

#include "imc/Format/Program.h"

#include "TestUtils.h"

namespace imc::test {

/// Builds a format::Program for the default target, value by value.
struct Builder {
  format::Program p;

  Builder() {
    p.targetJson = readTextFile(defaultTargetPath());
    p.strings = {"main"};
  }
  uint32_t layer(const std::string &name) {
    p.strings.push_back(name);
    return uint32_t(p.strings.size() - 1);
  }
  uint32_t value(std::vector<int64_t> shape,
                 format::ValueKind kind = format::ValueKind::Tensor) {
    p.values.push_back({kind, std::move(shape)});
    return uint32_t(p.values.size() - 1);
  }
  uint32_t input(std::vector<int64_t> shape) {
    const uint32_t v = value(std::move(shape));
    p.inputs.push_back(v);
    return v;
  }
  uint32_t constant(std::vector<int64_t> shape, std::vector<float> data) {
    const uint32_t v = value(std::move(shape));
    p.constants.push_back({v, std::move(data)});
    return v;
  }
  uint32_t op(format::Opcode code, uint32_t lay, std::vector<uint32_t> operands,
              std::vector<int64_t> shape, std::vector<int64_t> attrs = {},
              format::ValueKind kind = format::ValueKind::Tensor) {
    const uint32_t r = value(std::move(shape), kind);
    p.code.push_back({code, lay, std::move(operands), r, std::move(attrs)});
    return r;
  }
  /// xbar.program with the default target's attributes.
  uint32_t program(uint32_t lay, uint32_t w, std::vector<int64_t> shape,
                   int64_t tile) {
    return op(format::Opcode::XbarProgram, lay, {w}, std::move(shape),
              {tile, 8, 2}, format::ValueKind::Tile);
  }
  uint32_t mvm(uint32_t lay, uint32_t tile, uint32_t x,
               std::vector<int64_t> shape) {
    return op(format::Opcode::XbarMvm, lay, {tile, x}, std::move(shape),
              {8, 1, 8, 32});
  }
};

} // namespace imc::test

#endif // IMC_TEST_UNIT_PROGRAMBUILDER_H
