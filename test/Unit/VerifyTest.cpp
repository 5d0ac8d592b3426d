//===- VerifyTest.cpp - semantic checks of decoded programs ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Program.h"
#include "imc/Hardware/Target.h"

#include "TestUtils.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

using namespace imc;
using namespace imc::format;
using ::testing::HasSubstr;

namespace {

/// The default target: 128x128 arrays, 16 weight columns per array, 8-bit
/// weights in 2-bit cells, 8-bit inputs, 1-bit DAC, 8-bit ADC, 32 rows.
class Verify : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    std::optional<hw::Target> t =
        hw::loadTarget(test::defaultTargetPath(), error);
    ASSERT_TRUE(t) << error;
    target = *t;
    ASSERT_EQ(target.weightColsPerArray(), 16);
  }

  /// relu(x[2x8] * W[8x4] + b[4]) through one crossbar tile:
  ///   %0 x (argument)   %1 W (constant)   %2 tile   %3 x*W
  ///   %4 b (constant)   %5 x*W + b        %6 relu   (result)
  static Program mlp() {
    Program p;
    p.strings = {"main", "fc"};
    p.values = {{ValueKind::Tensor, {2, 8}}, {ValueKind::Tensor, {8, 4}},
                {ValueKind::Tile, {8, 4}},   {ValueKind::Tensor, {2, 4}},
                {ValueKind::Tensor, {4}},    {ValueKind::Tensor, {2, 4}},
                {ValueKind::Tensor, {2, 4}}};
    p.constants = {{1, std::vector<float>(32, 0.5f)},
                   {4, {1.0f, 2.0f, 3.0f, 4.0f}}};
    p.code = {{Opcode::XbarProgram, 1, {1}, 2, {0, 8, 2}},
              {Opcode::XbarMvm, 1, {2, 0}, 3, {8, 1, 8, 32}},
              {Opcode::DpuBiasAdd, 1, {3, 4}, 5, {}},
              {Opcode::DpuRelu, 1, {5}, 6, {}}};
    p.inputs = {0};
    p.outputs = {6};
    return p;
  }

  /// Appends a value and returns its id.
  static uint32_t addValue(Program &p, std::vector<int64_t> shape,
                           ValueKind kind = ValueKind::Tensor) {
    p.values.push_back({kind, std::move(shape)});
    return uint32_t(p.values.size() - 1);
  }

  std::string verify(const Program &p) { return verifyProgram(p, target); }

  std::string expectInvalid(const Program &p) {
    const std::string e = verify(p);
    EXPECT_FALSE(e.empty()) << "accepted an invalid program";
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    return e;
  }

  hw::Target target;
};

TEST_F(Verify, AcceptsValidProgram) { EXPECT_EQ(verify(mlp()), ""); }

TEST_F(Verify, AcceptsEveryOpcode) {
  // One use of every opcode with consistent shapes.
  Program p = mlp();
  const uint32_t a = addValue(p, {2, 4}), b = addValue(p, {2, 4}),
                 c = addValue(p, {2, 4}), d = addValue(p, {2, 4}),
                 e = addValue(p, {2, 4}), acc = addValue(p, {2, 4}),
                 w = addValue(p, {4, 3}), mm = addValue(p, {2, 3}),
                 rs = addValue(p, {2, 1}), rq = addValue(p, {2, 1}),
                 z = addValue(p, {4, 6}), sl = addValue(p, {2, 3}),
                 ins = addValue(p, {4, 6});
  p.code.push_back({Opcode::DpuAdd, 1, {6, 3}, a, {}});
  p.code.push_back({Opcode::DpuSub, 1, {a, 3}, b, {}});
  p.code.push_back({Opcode::DpuMul, 1, {a, b}, c, {}});
  p.code.push_back({Opcode::DpuMax, 1, {b, c}, d, {}});
  p.code.push_back({Opcode::Empty, 1, {}, e, {}});
  p.code.push_back({Opcode::XbarAccumulate, 1, {a, b, c}, acc, {}});
  p.constants.push_back({w, std::vector<float>(12, 1.0f)});
  p.code.push_back({Opcode::DpuMatmul, 1, {d, w}, mm, {}});
  p.code.push_back({Opcode::DpuReduceSum, 1, {mm}, rs, {1}});
  p.code.push_back({Opcode::DpuRequantize, 1, {rs}, rq, {4}});
  p.code.push_back({Opcode::Empty, 1, {}, z, {}});
  p.code.push_back({Opcode::ExtractSlice, 1, {z}, sl, {2, 3}});
  p.code.push_back({Opcode::InsertSlice, 1, {sl, z}, ins, {2, 3}});
  p.outputs = {6, ins, rq};
  EXPECT_EQ(verify(p), "");
}

TEST_F(Verify, RejectsUseBeforeDef) {
  Program p = mlp();
  std::swap(p.code[0], p.code[1]); // mvm before the tile is programmed
  EXPECT_THAT(expectInvalid(p), HasSubstr("CODE: instruction 0 (xbar.mvm) "
                                          "uses %2 before it is defined"));
  p = mlp();
  p.inputs.clear(); // x is never defined
  EXPECT_THAT(expectInvalid(p), HasSubstr("uses %0 before it is defined"));
}

TEST_F(Verify, RejectsValueDefinedTwice) {
  Program p = mlp();
  p.code[3].result = 5; // relu overwrites the bias_add result
  EXPECT_THAT(expectInvalid(p), HasSubstr("value %5 is defined twice"));

  p = mlp();
  p.inputs = {0, 0};
  EXPECT_THAT(expectInvalid(p), HasSubstr("SIGNATURE: value %0 is defined "
                                          "twice"));

  p = mlp();
  p.inputs = {0, 1}; // the weights are a constant and an argument
  EXPECT_THAT(expectInvalid(p), HasSubstr("value %1 is defined twice"));

  p = mlp();
  // An instruction overwrites the bias constant.
  p.code.insert(p.code.begin(), {Opcode::Empty, 1, {}, 4, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("CODE: instruction 0: value %4 is "
                                          "defined twice"));
}

TEST_F(Verify, RejectsWrongOperandCount) {
  Program p = mlp();
  p.code[3].operands = {5, 5};
  EXPECT_THAT(expectInvalid(p), HasSubstr("CODE: instruction 3 (dpu.relu): "
                                          "expects 1 operands, has 2"));
  p = mlp();
  p.code[1].operands = {2};
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.mvm): expects 2 operands, "
                                          "has 1"));
  // Variadic accumulate needs at least two.
  p = mlp();
  const uint32_t s = addValue(p, {2, 4});
  p.code.push_back({Opcode::XbarAccumulate, 1, {6}, s, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("expects at least 2 operands"));
}

TEST_F(Verify, RejectsWrongAttributeCount) {
  Program p = mlp();
  p.code[1].attrs = {8, 1, 8};
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.mvm): expects 4 to 5 "
                                          "attributes, has 3"));
  p = mlp();
  p.code[1].attrs = {8, 1, 8, 32, 0, 0};
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.mvm): expects 4 to 5 "
                                          "attributes, has 6"));
  p = mlp();
  p.code[0].attrs.push_back(0);
  p.code[0].attrs.push_back(0);
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.program): expects 3 to 4 "
                                          "attributes, has 5"));
  p = mlp();
  p.code[3].attrs = {1};
  EXPECT_THAT(expectInvalid(p), HasSubstr("expects 0 attributes, has 1"));
  // extract_slice takes one offset per result dimension.
  p = mlp();
  const uint32_t s = addValue(p, {2, 2});
  p.code.push_back({Opcode::ExtractSlice, 1, {6}, s, {0}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("expects 2 attributes, has 1"));
}

TEST_F(Verify, RejectsShapeMismatchForAdd) {
  Program p = mlp();
  const uint32_t t = addValue(p, {4, 2}), r = addValue(p, {2, 4});
  p.code.push_back({Opcode::Empty, 1, {}, t, {}});
  p.code.push_back({Opcode::DpuAdd, 1, {6, t}, r, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("CODE: instruction 5 (dpu.add): "
                                          "operand and result shapes "
                                          "differ"));
  // The result shape must match too.
  p = mlp();
  const uint32_t r2 = addValue(p, {2, 5});
  p.code.push_back({Opcode::DpuAdd, 1, {6, 5}, r2, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("operand and result shapes "
                                          "differ"));
  // Same element count, different shape: still a mismatch.
  p = mlp();
  const uint32_t r3 = addValue(p, {8});
  p.code.push_back({Opcode::DpuRelu, 1, {6}, r3, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("operand and result shapes "
                                          "differ"));
}

TEST_F(Verify, RejectsBiasOfWrongLength) {
  Program p = mlp();
  p.values[4].shape = {3};
  p.constants[1].data = {1, 2, 3};
  EXPECT_THAT(expectInvalid(p), HasSubstr("(dpu.bias_add): bias must be 1-D "
                                          "and match the last dimension"));
  p = mlp();
  p.values[4].shape = {1, 4};
  EXPECT_THAT(expectInvalid(p), HasSubstr("bias must be 1-D"));
}

TEST_F(Verify, RejectsMatmulInnerDimsMismatch) {
  Program p = mlp();
  const uint32_t b = addValue(p, {3, 5}), r = addValue(p, {2, 5});
  p.constants.push_back({b, std::vector<float>(15, 1.0f)});
  p.code.push_back({Opcode::DpuMatmul, 1, {6, b}, r, {}}); // [2x4] * [3x5]
  EXPECT_THAT(expectInvalid(p), HasSubstr("(dpu.matmul): matmul shapes do "
                                          "not agree"));
  // Inner dims fine, result wrong.
  p = mlp();
  const uint32_t b2 = addValue(p, {4, 5}), r2 = addValue(p, {2, 6});
  p.constants.push_back({b2, std::vector<float>(20, 1.0f)});
  p.code.push_back({Opcode::DpuMatmul, 1, {6, b2}, r2, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("matmul shapes do not agree"));
}

TEST_F(Verify, XbarProgramBlockLimitedToTile) {
  // 128 x 16 weights is exactly one tile of the default target.
  Program p = mlp();
  p.values[1].shape = p.values[2].shape = {128, 16};
  p.constants[0].data.assign(128 * 16, 0.25f);
  p.values[0].shape = {2, 128};
  p.values[3].shape = p.values[5].shape = p.values[6].shape = {2, 16};
  p.values[4].shape = {16};
  p.constants[1].data.assign(16, 1.0f);
  ASSERT_EQ(verify(p), "");

  Program wide = p; // 17 weight columns
  wide.values[1].shape = wide.values[2].shape = {128, 17};
  wide.constants[0].data.assign(128 * 17, 0.25f);
  EXPECT_THAT(expectInvalid(wide),
              HasSubstr("(xbar.program): weight block 128x17 exceeds the "
                        "target's tile of 128x16 weights"));

  Program fine = p; // 16 weight columns of 1-bit cells: 16 x 14 > 128
  fine.code[0].attrs = {0, 8, 1};
  EXPECT_THAT(expectInvalid(fine),
              HasSubstr("(xbar.program): weight block 128x16 exceeds the "
                        "target's tile of 128x9 weights at 8-bit weights on "
                        "1-bit cells"));

  // Offset on 2-bit cells: 4 cells a weight and one reference column,
  // (128 - 1) / 4 = 31 weight columns; two's complement: 4 + 1 cells,
  // 128 / 5 = 25.
  Program offset = p;
  offset.code[0].attrs = {0, 8, 2, 1};
  offset.values[1].shape = offset.values[2].shape = {128, 31};
  offset.constants[0].data.assign(128 * 31, 0.25f);
  offset.values[3].shape = offset.values[5].shape = offset.values[6].shape = {
      2, 31};
  offset.values[4].shape = {31};
  offset.constants[1].data.assign(31, 1.0f);
  EXPECT_EQ(verify(offset), "");
  Program twos = offset;
  twos.code[0].attrs[3] = 2;
  EXPECT_THAT(expectInvalid(twos),
              HasSubstr("(xbar.program): weight block 128x31 exceeds the "
                        "target's tile of 128x25 weights at 8-bit weights on "
                        "2-bit cells (twos_complement)"));
  Program wider = offset; // 32 columns: one too many for offset
  wider.values[1].shape = wider.values[2].shape = {128, 32};
  wider.constants[0].data.assign(128 * 32, 0.25f);
  wider.values[3].shape = wider.values[5].shape = wider.values[6].shape = {2,
                                                                           32};
  wider.values[4].shape = {32};
  wider.constants[1].data.assign(32, 1.0f);
  EXPECT_THAT(expectInvalid(wider),
              HasSubstr("(xbar.program): weight block 128x32 exceeds the "
                        "target's tile of 128x31 weights at 8-bit weights on "
                        "2-bit cells (offset)"));
  Program badMapping = offset;
  badMapping.code[0].attrs[3] = 3;
  EXPECT_THAT(expectInvalid(badMapping),
              HasSubstr("(xbar.program): weight mapping must be 0 "
                        "(differential), 1 (offset) or 2 (two's complement), "
                        "got 3"));
  Program badSign = p;
  badSign.code[1].attrs.push_back(2);
  EXPECT_THAT(expectInvalid(badSign),
              HasSubstr("(xbar.mvm): unsigned input must be 0 or 1, got 2"));

  Program tall = p; // 129 rows
  tall.values[1].shape = tall.values[2].shape = {129, 16};
  tall.constants[0].data.assign(129 * 16, 0.25f);
  EXPECT_THAT(expectInvalid(tall),
              HasSubstr("weight block 129x16 exceeds the target's tile"));
}

TEST_F(Verify, XbarProgramAttributes) {
  Program p = mlp();
  // Other precisions than the target's are the tile's own, within the
  // ranges of hw::XbarPrecision and the array.
  p.code[0].attrs = {0, 7, 2};
  EXPECT_EQ(verify(p), "");
  p.code[0].attrs = {0, 8, 1}; // 14 cells a weight: 4 columns fit in 128
  EXPECT_EQ(verify(p), "");
  p.code[0].attrs = {0, 17, 2};
  EXPECT_THAT(expectInvalid(p),
              HasSubstr("(xbar.program): weight_bits must be in [2, 16], got "
                        "17"));
  p.code[0].attrs = {0, 8, 0};
  EXPECT_THAT(expectInvalid(p), HasSubstr("cell_bits must be in [1, 8], got 0"));
  p.code[0].attrs = {-1, 8, 2};
  EXPECT_THAT(expectInvalid(p), HasSubstr("negative tile index"));
  // Weights and tile shapes must agree, and be 2-D.
  p = mlp();
  p.values[2].shape = {8, 3};
  EXPECT_THAT(expectInvalid(p), HasSubstr("weights must be 2-D and match the "
                                          "tile shape"));
  // The result of xbar.program is a tile, and only xbar.program makes one.
  p = mlp();
  p.values[2].kind = ValueKind::Tensor;
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.program): result kind does "
                                          "not match the opcode"));
  p = mlp();
  p.values[6].kind = ValueKind::Tile;
  EXPECT_THAT(expectInvalid(p), HasSubstr("(dpu.relu): result kind does not "
                                          "match the opcode"));
}

TEST_F(Verify, XbarMvmPrecisionIsItsOwn) {
  // abits, dbits, adcbits, parallel_rows: each may differ from the target's
  // (8, 1, 8, 32) within its range.
  const int64_t good[4] = {8, 1, 8, 32};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE("attribute " + std::to_string(i));
    Program p = mlp();
    p.code[1].attrs.assign(good, good + 4);
    p.code[1].attrs[i] += 1;
    EXPECT_EQ(verify(p), "");
  }
  const struct {
    int i;
    int64_t value;
    const char *message;
  } bad[] = {{0, 1, "input_bits must be in [2, 16], got 1"},
             {1, 17, "dac_bits must be in [1, 16], got 17"},
             {2, 25, "adc_bits must be in [2, 24], got 25"},
             {3, 0, "parallel_rows must be in [1, 4096], got 0"},
             {3, 129, "parallel_rows 129 exceeds the target's 128 rows"}};
  for (const auto &b : bad) {
    SCOPED_TRACE(b.message);
    Program p = mlp();
    p.code[1].attrs.assign(good, good + 4);
    p.code[1].attrs[b.i] = b.value;
    EXPECT_THAT(expectInvalid(p),
                HasSubstr(std::string("CODE: instruction 1 (xbar.mvm): ") +
                          b.message));
  }
}

TEST_F(Verify, XbarMvmsOfOneTileAgree) {
  // A second MVM of the same tile at another ADC resolution.
  Program p = mlp();
  const uint32_t y2 = addValue(p, {2, 4});
  p.code.push_back({Opcode::XbarMvm, 1, {2, 0}, y2, {8, 1, 6, 32}});
  EXPECT_THAT(expectInvalid(p),
              HasSubstr("CODE: instruction 4 (xbar.mvm) reads tile %2 at "
                        "other input/DAC/ADC bits, parallel rows or input "
                        "sign than an earlier xbar.mvm of that tile"));
  p.code.back().attrs = {8, 1, 8, 32};
  EXPECT_EQ(verify(p), "");
  // The input sign is part of the tile's precision too (absent = signed).
  p.code.back().attrs = {8, 1, 8, 32, 1};
  EXPECT_THAT(expectInvalid(p), HasSubstr("or input sign than an earlier"));
  p.code.back().attrs = {8, 1, 8, 32, 0};
  EXPECT_EQ(verify(p), "");
}

TEST_F(Verify, XbarMvmShapes) {
  Program p = mlp();
  p.values[0].shape = {2, 7}; // x inner dim != tile rows
  EXPECT_THAT(expectInvalid(p), HasSubstr("(xbar.mvm): input/output shapes do "
                                          "not match the tile"));
  p = mlp();
  p.values[3].shape = {2, 5};
  EXPECT_THAT(expectInvalid(p), HasSubstr("input/output shapes do not match "
                                          "the tile"));
  // The first operand must be a tile...
  p = mlp();
  p.code[1].operands = {0, 0};
  std::string e = expectInvalid(p);
  EXPECT_THAT(e, HasSubstr("CODE: instruction 1 (xbar.mvm)"));
  EXPECT_THAT(e, HasSubstr("%0"));
  EXPECT_THAT(e, HasSubstr("is not a tile"));
  // ...and a tile is not a tensor operand anywhere else.
  p = mlp();
  const uint32_t r = addValue(p, {8, 4});
  p.code.push_back({Opcode::DpuRelu, 1, {2}, r, {}});
  e = expectInvalid(p);
  EXPECT_THAT(e, HasSubstr("CODE: instruction 4 (dpu.relu)"));
  EXPECT_THAT(e, HasSubstr("%2"));
  EXPECT_THAT(e, HasSubstr("is not a tensor"));
}

TEST_F(Verify, XbarMvmRejectsTileAsInputVector) {
  // A square tile passed as both the tile and the input vectors: the input
  // is not a tensor, and the simulator has no tensor data for it.
  Program p = mlp();
  p.values[1].shape = p.values[2].shape = {4, 4};
  p.constants[0].data.assign(16, 0.5f);
  p.values[3].shape = {4, 4};
  p.code[1].operands = {2, 2};
  p.code.resize(2);
  p.outputs = {3};
  p.inputs.clear();
  p.values[0].shape = {1};
  const std::string e = expectInvalid(p);
  EXPECT_THAT(e, HasSubstr("CODE: instruction 1 (xbar.mvm)"));
  EXPECT_THAT(e, HasSubstr("%2"));
  EXPECT_THAT(e, HasSubstr("is not a tensor"));
}

TEST_F(Verify, ExtractSliceBounds) {
  // %6 is [2, 4]; take [2, 2] slices.
  auto slice = [&](int64_t o0, int64_t o1) {
    Program p = mlp();
    const uint32_t s = addValue(p, {2, 2});
    p.code.push_back({Opcode::ExtractSlice, 1, {6}, s, {o0, o1}});
    p.outputs = {s};
    return p;
  };
  EXPECT_EQ(verify(slice(0, 0)), "");
  EXPECT_EQ(verify(slice(0, 2)), ""); // [2, 4) ends at the edge
  EXPECT_THAT(expectInvalid(slice(0, 3)),
              HasSubstr("CODE: instruction 4 (extract_slice): slice [3, +2) "
                        "of dim 1 is outside the source (4)"));
  EXPECT_THAT(expectInvalid(slice(1, 0)),
              HasSubstr("slice [1, +2) of dim 0 is outside the source (2)"));
  EXPECT_THAT(expectInvalid(slice(0, -1)),
              HasSubstr("slice [-1, +2) of dim 1 is outside the source"));
  // Rank mismatch.
  Program p = mlp();
  const uint32_t s = addValue(p, {2});
  p.code.push_back({Opcode::ExtractSlice, 1, {6}, s, {0}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("source and result ranks differ"));
}

TEST_F(Verify, ExtractSliceHugeOffsetRejected) {
  // offset + size must not wrap around: INT64_MAX + 2 is not inside [0, 4).
  Program p = mlp();
  const uint32_t s = addValue(p, {2, 2});
  p.code.push_back({Opcode::ExtractSlice,
                    1,
                    {6},
                    s,
                    {0, std::numeric_limits<int64_t>::max()}});
  p.outputs = {s};
  EXPECT_THAT(expectInvalid(p), HasSubstr("outside the source"));
}

TEST_F(Verify, InsertSliceBounds) {
  // Insert a [2, 2] tensor into %6 [2, 4].
  auto insert = [&](int64_t o0, int64_t o1) {
    Program p = mlp();
    const uint32_t src = addValue(p, {2, 2}), r = addValue(p, {2, 4});
    p.code.push_back({Opcode::Empty, 1, {}, src, {}});
    p.code.push_back({Opcode::InsertSlice, 1, {src, 6}, r, {o0, o1}});
    p.outputs = {r};
    return p;
  };
  EXPECT_EQ(verify(insert(0, 2)), "");
  EXPECT_THAT(expectInvalid(insert(0, 3)),
              HasSubstr("(insert_slice): insert at [3, +2) of dim 1 is "
                        "outside the destination (4)"));
  EXPECT_THAT(expectInvalid(insert(-1, 0)),
              HasSubstr("insert at [-1, +2) of dim 0"));
  EXPECT_THAT(expectInvalid(insert(std::numeric_limits<int64_t>::max(), 0)),
              HasSubstr("outside the destination"));
  // The result has the destination's shape.
  Program p = mlp();
  const uint32_t src = addValue(p, {2, 2}), r = addValue(p, {2, 5});
  p.code.push_back({Opcode::Empty, 1, {}, src, {}});
  p.code.push_back({Opcode::InsertSlice, 1, {src, 6}, r, {0, 0}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("destination and result shapes "
                                          "differ"));
}

TEST_F(Verify, RejectsConstantWithWrongElementCount) {
  Program p = mlp();
  p.constants[0].data.resize(31);
  EXPECT_THAT(expectInvalid(p), HasSubstr("CONSTANTS: constant %1 has 31 "
                                          "elements, its shape [8, 4] needs "
                                          "32"));
  p = mlp();
  p.constants[1].data.push_back(5.0f);
  EXPECT_THAT(expectInvalid(p), HasSubstr("constant %4 has 5 elements, its "
                                          "shape [4] needs 4"));
  // A constant cannot be a tile.
  p = mlp();
  p.constants.push_back({2, std::vector<float>(32, 0.0f)});
  EXPECT_THAT(expectInvalid(p), HasSubstr("CONSTANTS: constant %2"));
}

TEST_F(Verify, RejectsZeroSizedDimensions) {
  Program p = mlp();
  const uint32_t z = addValue(p, {3, 0});
  (void)z;
  EXPECT_THAT(expectInvalid(p), HasSubstr("VALUES: zero-sized dimensions are "
                                          "not supported"));
}

TEST_F(Verify, RejectsRankAboveEight) {
  // Rank is a u16 on disk but limited to 8; a hand-built program is checked.
  Program p = mlp();
  addValue(p, std::vector<int64_t>(9, 1));
  EXPECT_THAT(expectInvalid(p), HasSubstr("VALUES: rank 9 exceeds the "
                                          "maximum of 8"));
  Program q = mlp();
  addValue(q, std::vector<int64_t>(8, 1));
  EXPECT_EQ(verify(q), "");
}

TEST_F(Verify, RejectsMoreOperandsThanTheFormatHolds) {
  // The operand count is a u16 on disk: 65536 operands cannot be encoded.
  Program p = mlp();
  const uint32_t s = addValue(p, {2, 4});
  p.code.push_back(
      {Opcode::XbarAccumulate, 1, std::vector<uint32_t>(65536, 6), s, {}});
  EXPECT_THAT(expectInvalid(p), HasSubstr("more than 65535 operands or "
                                          "attributes"));
  p.code.back().operands.resize(65535);
  EXPECT_EQ(verify(p), "");
}

TEST_F(Verify, RejectsBadSignature) {
  Program p = mlp();
  p.outputs = {5, 7};
  p.values.push_back({ValueKind::Tensor, {1}}); // %7, never defined
  EXPECT_THAT(expectInvalid(p), HasSubstr("SIGNATURE: result %7 is not a "
                                          "defined tensor"));
  p = mlp();
  p.outputs = {2}; // the tile
  EXPECT_THAT(expectInvalid(p), HasSubstr("SIGNATURE: result %2 is not a "
                                          "defined tensor"));
  p = mlp();
  p.values[0].kind = ValueKind::Tile;
  EXPECT_THAT(expectInvalid(p), HasSubstr("SIGNATURE: an argument is not a "
                                          "tensor"));
}

TEST_F(Verify, ReduceSumAndRequantizeAttributes) {
  Program p = mlp();
  const uint32_t r = addValue(p, {1, 4});
  p.code.push_back({Opcode::DpuReduceSum, 1, {6}, r, {0}});
  p.outputs = {r};
  EXPECT_EQ(verify(p), "");
  p.code.back().attrs = {2};
  EXPECT_THAT(expectInvalid(p), HasSubstr("reduction dimension out of range"));
  p.code.back().attrs = {-1};
  EXPECT_THAT(expectInvalid(p), HasSubstr("reduction dimension out of range"));
  p.code.back().attrs = {1}; // would give [2, 1], not [1, 4]
  EXPECT_THAT(expectInvalid(p), HasSubstr("result shape must keep the "
                                          "reduced dimension as 1"));

  for (int64_t bits : {1, 17}) {
    Program q = mlp();
    const uint32_t s = addValue(q, {2, 4});
    q.code.push_back({Opcode::DpuRequantize, 1, {6}, s, {bits}});
    EXPECT_THAT(expectInvalid(q), HasSubstr("requantize bits must be in [2, "
                                            "16]"));
  }
}

} // namespace

namespace {
TEST(NonNegative, TheRulesOfUnsignedInputs) {
  // Values: %0 argument, %1 constant; then one instruction per value.
  using imc::format::Instr;
  Program p;
  p.strings = {"main"};
  auto v = [&] {
    p.values.push_back({ValueKind::Tensor, {1, 4, 4, 4}});
    return uint32_t(p.values.size() - 1);
  };
  const uint32_t arg = v(), cst = v();
  p.constants = {{cst, {1.0f}}};
  auto add = [&](Opcode op, std::vector<uint32_t> operands,
                 std::vector<int64_t> attrs = {}) {
    const uint32_t r = v();
    p.code.push_back(Instr{op, 0, std::move(operands), r, std::move(attrs)});
    return r;
  };
  const uint32_t relu = add(Opcode::DpuRelu, {arg});
  const uint32_t maxOne = add(Opcode::DpuMax, {arg, relu});
  const uint32_t maxNone = add(Opcode::DpuMax, {arg, cst});
  const uint32_t sum = add(Opcode::DpuAdd, {relu, maxOne});
  const uint32_t mixed = add(Opcode::DpuAdd, {relu, arg});
  const uint32_t bias = add(Opcode::DpuBiasAdd, {relu, cst}); // constants
  const uint32_t cols = add(Opcode::DpuIm2col, {relu}, std::vector<int64_t>(10));
  const uint32_t slice = add(Opcode::ExtractSlice, {cols}, {0, 0});
  const uint32_t empty = add(Opcode::Empty, {});
  const uint32_t ins = add(Opcode::InsertSlice, {slice, empty}, {0, 0});
  const uint32_t insArg = add(Opcode::InsertSlice, {arg, empty}, {0, 0});
  // Max pools: padding below the kernel (3x3, pad 1), and a window that may
  // be all padding (2x2, pad 2); an average pool pads with zeros.
  const uint32_t maxPool =
      add(Opcode::DpuPool, {relu}, {0, 3, 3, 1, 1, 1, 1, 1, 1});
  const uint32_t wide =
      add(Opcode::DpuPool, {relu}, {0, 2, 2, 1, 1, 2, 0, 0, 0});
  const uint32_t avgPool =
      add(Opcode::DpuPool, {relu}, {1, 2, 2, 1, 1, 2, 2, 2, 2});
  const uint32_t tile = v();
  p.values[tile].kind = ValueKind::Tile;
  p.code.push_back(Instr{Opcode::XbarProgram, 0, {cst}, tile, {0, 8, 2}});
  const uint32_t mvm = add(Opcode::XbarMvm, {tile, relu}, {8, 1, 8, 32});
  const uint32_t reluOfMvm = add(Opcode::DpuRelu, {mvm});
  const std::vector<char> nn = imc::format::nonNegativeValues(p);
  const std::pair<uint32_t, bool> want[] = {
      {arg, false},   {cst, false},    {relu, true},     {maxOne, true},
      {maxNone, false}, {sum, true},   {mixed, false},   {bias, false},
      {cols, true},   {slice, true},   {empty, true},    {ins, true},
      {insArg, false}, {maxPool, true}, {wide, false},   {avgPool, true},
      {mvm, false},   {reluOfMvm, true}};
  for (const auto &[id, expected] : want)
    EXPECT_EQ(bool(nn[id]), expected) << "value %" << id;
}
} // namespace
