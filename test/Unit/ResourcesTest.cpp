//===- ResourcesTest.cpp - bounded memory and work, splats, lifetimes -----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Program.h"
#include "imc/Sim/Simulator.h"

#include "ProgramBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace imc;
using namespace imc::format;
using sim::Mode;
using sim::Report;
using sim::Simulator;
using sim::Tensor;
using test::Builder;
using ::testing::HasSubstr;

namespace {

hw::Target defaultTarget() {
  std::string error;
  std::optional<hw::Target> t =
      hw::loadTarget(test::defaultTargetPath(), error);
  EXPECT_TRUE(t) << error;
  return *t;
}

/// Runs `p` on `inputs`; returns the error (empty on success).
std::string run(const Program &p, std::vector<Tensor> inputs,
                std::vector<Tensor> &outputs, sim::RunOptions o = {}) {
  std::string error;
  std::optional<Simulator> s = Simulator::load(serialize(p), error);
  if (!s)
    return "load: " + error;
  Report report;
  if (!s->run(std::move(inputs), o, outputs, report, error))
    return error;
  return {};
}

TEST(Resources, LastUses) {
  Builder b;
  const uint32_t x = b.input({2, 2});
  const uint32_t y = b.op(Opcode::DpuRelu, 0, {x}, {2, 2});      // 0
  const uint32_t z = b.op(Opcode::DpuAdd, 0, {x, y}, {2, 2});    // 1
  const uint32_t unused = b.op(Opcode::DpuRelu, 0, {z}, {2, 2}); // 2
  b.p.outputs = {z};
  const std::vector<size_t> last = lastUses(b.p);
  EXPECT_EQ(last[x], 1u);
  EXPECT_EQ(last[y], 1u);
  EXPECT_EQ(last[z], 2u);
  EXPECT_EQ(last[unused], kNeverRead);
}

/// Peak memory by hand: x (16 B) alive from the start; relu's result adds
/// 16 B (peak 32); x is read last by add, whose result adds 16 B while both
/// operands are alive (peak 48); then x and y are freed.
TEST(Resources, PeakBytesAndWorkByHand) {
  Builder b;
  const uint32_t x = b.input({2, 2});
  const uint32_t y = b.op(Opcode::DpuRelu, 0, {x}, {2, 2});
  const uint32_t z = b.op(Opcode::DpuAdd, 0, {x, y}, {2, 2});
  b.op(Opcode::DpuRelu, 0, {z}, {2, 2}); // never read: freed at once
  b.p.outputs = {z};
  const Resources r = programResources(b.p, defaultTarget());
  EXPECT_EQ(r.peakBytes, 48u);
  EXPECT_EQ(r.work, 4u + 8u + 4u); // relu 4, add 2 x 4, relu 4
  EXPECT_EQ(r.heaviest, 1u);
  EXPECT_EQ(r.heaviestWork, 8u);
}

/// A tile counts 4 * (slices + 1) bytes a weight (default target: 8-bit
/// weights in 2-bit cells, 4 slices); an MVM M x K by K x N is M*K*N steps.
TEST(Resources, TilesAndMvmWork) {
  Builder b;
  const uint32_t x = b.input({3, 8});
  const uint32_t w = b.constant({8, 4}, std::vector<float>(32, 0.5f));
  const uint32_t t = b.program(0, w, {8, 4}, 0);
  b.p.outputs = {b.mvm(0, t, x, {3, 4})};
  const hw::Target target = defaultTarget();
  ASSERT_EQ(target.weightSlices(), 4);
  const Resources r = programResources(b.p, target);
  EXPECT_EQ(r.work, 32u + 3u * 8u * 4u);
  // x 96 B + w 128 B, + the tile's 32 * 20 = 640 B at the program (peak);
  // w is freed after it, and the MVM's 48 B result fits below the peak.
  EXPECT_EQ(r.peakBytes, 96u + 128u + 640u);
}

/// An average pool whose 2^20 x 2^20 window slides over a 1x1 input padded
/// to fit (the fuzzer's 2^40-step program) is refused before it runs.
TEST(Resources, HugeWindowIsRefused) {
  Builder b;
  const int64_t k = int64_t(1) << 20, pad = k / 2;
  const uint32_t x = b.input({1, 1, 1, 1});
  b.p.outputs = {b.op(Opcode::DpuPool, 0, {x}, {1, 1, 1, 1},
                      {1, k, k, k, k, pad, pad, pad, pad})};
  ASSERT_EQ(verifyProgram(b.p, defaultTarget()), "");
  const Resources r = programResources(b.p, defaultTarget());
  EXPECT_EQ(r.work, uint64_t(1) << 40);
  std::vector<Tensor> out;
  EXPECT_THAT(run(b.p, {Tensor({1, 1, 1, 1})}, out),
              HasSubstr("the program asks for 1.1e+12 steps of work, more "
                        "than the limit of 2.75e+11 (instruction 0 "
                        "(dpu.pool) alone: 1.1e+12;"));
}

TEST(Resources, WorkSaturatesInsteadOfOverflowing) {
  Builder b;
  const uint32_t a = b.input({1 << 16, 1 << 16});
  const uint32_t w = b.constant({1 << 16, 1 << 16}, {1.0f}); // a splat
  b.p.outputs = {b.op(Opcode::DpuMatmul, 0, {a, w}, {1 << 16, 1 << 16})};
  const Resources r = programResources(b.p, defaultTarget());
  EXPECT_EQ(r.work, uint64_t(1) << 48);
  for (int i = 0; i < 70000; ++i) // 70001 x 2^48 > 2^64
    b.p.code.push_back(b.p.code[0]);
  EXPECT_EQ(programResources(b.p, defaultTarget()).work, UINT64_MAX);
}

TEST(Resources, MemoryLimitNamesTheFigures) {
  Builder b;
  const uint32_t x = b.input({1 << 15, 1 << 15}); // 4 GiB
  b.p.outputs = {b.op(Opcode::DpuRelu, 0, {x}, {1 << 15, 1 << 15})};
  const Resources r = programResources(b.p, defaultTarget());
  EXPECT_EQ(r.peakBytes, uint64_t(8) << 30);
  EXPECT_EQ(checkResources(b.p, r, kDefaultMaxWork, uint64_t(4) << 30),
            "the program needs 8 GiB of memory at once, more than the limit "
            "of 4 GiB (raise it with --max-memory / max_memory=, or simulate "
            "a smaller batch)");
  EXPECT_EQ(checkResources(b.p, r, kDefaultMaxWork, uint64_t(8) << 30), "");
}

/// A splat constant (one element for a value of any size) round-trips and
/// runs as the full tensor; the verifier takes 1 or all elements.
TEST(Resources, SplatConstants) {
  Builder b;
  const uint32_t x = b.input({2, 3});
  const uint32_t c = b.constant({2, 3}, {0.5f});
  b.p.outputs = {b.op(Opcode::DpuAdd, 0, {x, c}, {2, 3})};
  std::string error;
  std::optional<Program> q =
      deserialize(serialize(b.p).data(), serialize(b.p).size(), error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->constants[0].data, std::vector<float>{0.5f});
  EXPECT_TRUE(q->constants[0].isSplat(6));
  std::vector<Tensor> out;
  ASSERT_EQ(run(b.p, {Tensor({2, 3}, {1, 2, 3, 4, 5, 6})}, out), "");
  EXPECT_EQ(out[0].data, (std::vector<float>{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}));

  b.p.constants[0].data = {1, 2};
  EXPECT_EQ(verifyProgram(b.p, defaultTarget()),
            "CONSTANTS: constant %1 has 2 elements, its shape [2, 3] needs 6 "
            "(or 1, a splat)");
}

/// Freeing values after their last use, and moving an operand into the
/// result it is overwritten by, change no output: a value read twice, an
/// operand repeated in one instruction, a result returned twice.
TEST(Resources, LifetimesKeepOutputs) {
  Builder b;
  const uint32_t x = b.input({4});
  const uint32_t r = b.op(Opcode::DpuRelu, 0, {x}, {4});
  const uint32_t s = b.op(Opcode::DpuAdd, 0, {r, r}, {4}); // r twice
  const uint32_t a = b.op(Opcode::XbarAccumulate, 0, {s, s, x}, {4});
  const uint32_t q = b.op(Opcode::DpuRelu, 0, {a}, {4}); // a's last read
  b.p.outputs = {q, x, q, a};
  std::vector<Tensor> out;
  ASSERT_EQ(run(b.p, {Tensor({4}, {-1, 2, -3, 4})}, out), "");
  ASSERT_EQ(out.size(), 4u);
  const std::vector<float> sum = {-1, 10, -3, 20}; // 4 relu(x) + x
  EXPECT_EQ(out[0].data, (std::vector<float>{0, 10, 0, 20}));
  EXPECT_EQ(out[1].data, (std::vector<float>{-1, 2, -3, 4}));
  EXPECT_EQ(out[2].data, out[0].data);
  EXPECT_EQ(out[3].data, sum);
}

TEST(Resources, StringsMustBeUtf8) {
  Builder b;
  b.p.strings.push_back("bad\xff");
  const uint32_t x = b.input({2});
  b.p.outputs = {b.op(Opcode::DpuRelu, 1, {x}, {2})};
  EXPECT_EQ(verifyProgram(b.p, defaultTarget()),
            "STRINGS: string 1 is not valid UTF-8");
  std::string error;
  const std::vector<uint8_t> bytes = serialize(b.p);
  EXPECT_FALSE(deserialize(bytes.data(), bytes.size(), error));
  EXPECT_THAT(error, HasSubstr("STRINGS section at byte"));
  EXPECT_THAT(error, HasSubstr(": string is not valid UTF-8"));

  b.p.strings[1] = std::string(kMaxStringBytes + 1, 'a');
  EXPECT_EQ(verifyProgram(b.p, defaultTarget()),
            "STRINGS: string 1 is 4097 bytes long, more than the 4096 "
            "allowed");
  b.p.strings[1].pop_back();
  EXPECT_EQ(verifyProgram(b.p, defaultTarget()), "");
}

TEST(Resources, DriftTimeIsBounded) {
  Builder b;
  const uint32_t x = b.input({2});
  b.p.outputs = {b.op(Opcode::DpuRelu, 0, {x}, {2})};
  std::vector<Tensor> out;
  sim::RunOptions o;
  o.mode = Mode::Noisy;
  for (double t : {-1.0, 1e308, std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN()}) {
    o.driftTime = t;
    EXPECT_THAT(run(b.p, {Tensor({2})}, out, o),
                HasSubstr("the drift time must be a number of seconds in "
                          "[0, 1e+10]"));
  }
  o.driftTime = sim::kMaxDriftTime;
  EXPECT_EQ(run(b.p, {Tensor({2})}, out, o), "");
}

} // namespace
