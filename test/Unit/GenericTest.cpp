//===- GenericTest.cpp - dpu.generic encoding and interpretation ----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Generic.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Target.h"
#include "imc/Sim/Simulator.h"

#include "TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace imc;
using namespace imc::format;

namespace {

/// Row sum of a 2x3 matrix: loops (d0 parallel, d1 reduction),
/// out[d0] = in[d0, d1] + out[d0].
GenericSpec rowSum() {
  GenericSpec s;
  s.numLoops = 2;
  s.reductionMask = 0b10;
  s.operandLoops = {{0, 1}, {0}};
  s.body = {{BodyOp::Add, {0, 1}, 0}};
  s.yield = 2;
  return s;
}

const std::vector<std::vector<int64_t>> kShapes = {{2, 3}, {2}};

std::string
decodeError(const std::vector<int64_t> &attrs,
            const std::vector<std::vector<int64_t>> &shapes = kShapes) {
  std::vector<int64_t> bounds;
  std::string error;
  EXPECT_FALSE(decodeGeneric(attrs, shapes, bounds, error).has_value());
  return error;
}

} // namespace

TEST(Generic, RoundTrip) {
  std::vector<int64_t> attrs = encodeGeneric(rowSum());
  // numLoops, mask, numOperands, {2: 0 1}, {1: 0}, 1 op, {Add, 2, 0, 1, 0},
  // yield 2.
  EXPECT_EQ(attrs, (std::vector<int64_t>{2, 2, 2, 2, 0, 1, 1, 0, 1, 1, 2, 0, 1,
                                         0, 2}));
  std::vector<int64_t> bounds;
  std::string error;
  auto spec = decodeGeneric(attrs, kShapes, bounds, error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(bounds, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(spec->operandLoops, rowSum().operandLoops);
  EXPECT_EQ(spec->yield, 2);
}

TEST(Generic, RejectsMalformedEncodings) {
  auto with = [](auto edit) {
    std::vector<int64_t> a = encodeGeneric(rowSum());
    edit(a);
    return a;
  };
  EXPECT_NE(decodeError(with([](auto &a) { a[0] = 17; })).find("16 loops"),
            std::string::npos);
  EXPECT_NE(
      decodeError(with([](auto &a) { a[1] = 0b100; })).find("reduction mask"),
      std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[2] = 3; })).find("operand maps"),
            std::string::npos);
  // Operand 0's rank, a loop out of range, the same loop twice.
  EXPECT_NE(decodeError(with([](auto &a) { a[3] = 1; })).find("rank"),
            std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[5] = 2; })).find("names no loop"),
            std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[5] = 0; })).find("twice"),
            std::string::npos);
  // The result indexed by the reduction loop.
  EXPECT_NE(decodeError(with([](auto &a) { a[7] = 1; }), {{2, 3}, {3}})
                .find("reduction loop"),
            std::string::npos);
  // Loop sizes that disagree between operands.
  EXPECT_NE(
      decodeError(encodeGeneric(rowSum()), {{2, 3}, {4}}).find("has sizes"),
      std::string::npos);
  // Body: unknown kind, wrong arity, a forward reference, a bad predicate.
  EXPECT_NE(decodeError(with([](auto &a) { a[9] = 99; })).find("unknown kind"),
            std::string::npos);
  EXPECT_NE(
      decodeError(with([](auto &a) { a[10] = 1; })).find("number of arguments"),
      std::string::npos);
  EXPECT_NE(
      decodeError(with([](auto &a) { a[12] = 2; })).find("no earlier value"),
      std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) {
              a[9] = int64_t(BodyOp::Cmp);
              a[13] = 16;
            })).find("predicate"),
            std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[14] = 3; })).find("yield"),
            std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a.push_back(0); })).find("trailing"),
            std::string::npos);
}

/// A sliding window, format 1.3: out[d0] += in[2 d0 + d1 + 1] * w[d1].
GenericSpec window() {
  GenericSpec s;
  s.numLoops = 2;
  s.reductionMask = 0b10;
  s.operandLoops = {{-1}, {1}, {0}};
  s.operandAffine = {{AffineIndex{{{0, 2}, {1, 1}}, 1}}, {{}}, {{}}};
  s.body = {{BodyOp::Mul, {0, 1}, 0}, {BodyOp::Add, {3, 2}, 0}};
  s.yield = 4;
  return s;
}

TEST(Generic, AffineIndicesRoundTripAndStayInBounds) {
  const std::vector<std::vector<int64_t>> shapes = {{10}, {3}, {4}};
  std::vector<int64_t> attrs = encodeGeneric(window()), bounds;
  std::string error;
  auto spec = decodeGeneric(attrs, shapes, bounds, error);
  ASSERT_TRUE(spec) << error;
  EXPECT_TRUE(spec->hasAffine());
  EXPECT_EQ(bounds, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(encodeGeneric(*spec), attrs);
  EXPECT_EQ(spec->index(0, 0).constant, 1);
  // Index 2*3 + 2 + 1 = 9 needs 10 elements.
  EXPECT_NE(decodeError(attrs, {{9}, {3}, {4}}).find("indexed outside it"),
            std::string::npos);
  auto with = [](auto edit) {
    std::vector<int64_t> a = encodeGeneric(window());
    edit(a);
    return a;
  };
  // attrs: 2, 2, 3, | 1, -1, 2, 0, 2, 1, 1, 1, | 1, 1, | 1, 0, ...
  EXPECT_NE(
      decodeError(with([](auto &a) { a[5] = 0; }), shapes).find("affine terms"),
      std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[9] = 0; }), shapes)
                .find("coefficient of 0"),
            std::string::npos);
  EXPECT_NE(
      decodeError(with([](auto &a) { a[8] = 0; }), shapes).find("a loop twice"),
      std::string::npos);
  EXPECT_NE(decodeError(with([](auto &a) { a[7] = int64_t(1) << 21; }), shapes)
                .find("beyond 2^20"),
            std::string::npos);
  // The result may not be indexed by an affine form.
  GenericSpec bad = window();
  bad.operandLoops[2] = {-1};
  bad.operandAffine[2] = {AffineIndex{{{0, 1}}, 0}};
  EXPECT_NE(decodeError(encodeGeneric(bad), shapes).find("names no loop"),
            std::string::npos);
  // Every truncation is an error.
  for (size_t n = 0; n < attrs.size(); ++n)
    EXPECT_FALSE(
        decodeError(std::vector<int64_t>(attrs.begin(), attrs.begin() + n),
                    shapes)
            .empty())
        << "length " << n;
}

TEST(Generic, EveryTruncationIsRejected) {
  std::vector<int64_t> full = encodeGeneric(rowSum());
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<int64_t> cut(full.begin(), full.begin() + n);
    EXPECT_FALSE(decodeError(cut).empty()) << "length " << n;
  }
}

TEST(Generic, ComparisonsFollowArithCmpF) {
  const float nan = std::nanf("");
  // OGT (2) is false on NaN, UGT (9) true; ORD (7) / UNO (14).
  EXPECT_TRUE(evalCmp(2, 2.0f, 1.0f));
  EXPECT_FALSE(evalCmp(2, nan, 1.0f));
  EXPECT_TRUE(evalCmp(9, nan, 1.0f));
  EXPECT_FALSE(evalCmp(7, nan, 1.0f));
  EXPECT_TRUE(evalCmp(14, nan, 1.0f));
  EXPECT_TRUE(evalCmp(1, 0.0f, -0.0f)); // OEQ: +0 == -0
  EXPECT_FALSE(evalCmp(0, 1.0f, 1.0f));
  EXPECT_TRUE(evalCmp(15, nan, nan));
}

/// A program: y = rowsum(select(x > 0, x, 0.5 * x)) over a 2x3 input,
/// run by the simulator against a hand computation.
TEST(Generic, SimulatorRunsBodies) {
  Program p;
  p.targetJson = imc::test::readTextFile(imc::test::defaultTargetPath());
  ASSERT_FALSE(p.targetJson.empty());
  p.strings = {"main", "leaky"};
  p.entryName = 0;
  p.values = {{ValueKind::Tensor, {2, 3}}, // %0 x
              {ValueKind::Tensor, {2}},    // %1 zeros (init)
              {ValueKind::Tensor, {2}}};   // %2 result
  p.inputs = {0};
  p.constants = {{1, {0.0f, 0.0f}}};
  GenericSpec s;
  s.numLoops = 2;
  s.reductionMask = 0b10;
  s.operandLoops = {{0, 1}, {0}};
  double half = 0.5, zero = 0.0;
  int64_t halfBits, zeroBits;
  std::memcpy(&halfBits, &half, 8);
  std::memcpy(&zeroBits, &zero, 8);
  // values: 0 x, 1 acc, 2 const 0.5, 3 const 0, 4 x > 0 (OGT = 2),
  // 5 0.5 * x, 6 select, 7 acc + select
  s.body = {{BodyOp::Const, {}, halfBits},  {BodyOp::Const, {}, zeroBits},
            {BodyOp::Cmp, {0, 3}, 2},       {BodyOp::Mul, {2, 0}, 0},
            {BodyOp::Select, {4, 0, 5}, 0}, {BodyOp::Add, {1, 6}, 0}};
  s.yield = 7;
  Instr g;
  g.op = Opcode::DpuGeneric;
  g.layer = 1;
  g.operands = {0, 1};
  g.result = 2;
  g.attrs = encodeGeneric(s);
  p.code = {g};
  p.outputs = {2};

  std::string error;
  auto sim = sim::Simulator::load(serialize(p), error);
  ASSERT_TRUE(sim) << error;
  std::vector<sim::Tensor> outs;
  sim::Report report;
  ASSERT_TRUE(sim->run({sim::Tensor({2, 3}, {1, -2, 3, -4, 5, -6})},
                       sim::Mode::Ideal, outs, report, error))
      << error;
  // Row 0: 1 - 1 + 3 = 3; row 1: -2 + 5 - 3 = 0.
  EXPECT_EQ(outs[0].data, (std::vector<float>{3.0f, 0.0f}));
  // 6 points x 4 non-constant body ops.
  EXPECT_EQ(report.total.dpuOps, 24);
}
