//===- SimulatorTest.cpp - loading and running programs -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Simulator.h"
#include "imc/Cost/Workload.h"

#include "CrossbarReference.h"
#include "ProgramBuilder.h"
#include "TestUtils.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace imc;
using namespace imc::format;
using sim::Mode;
using sim::Report;
using sim::Simulator;
using sim::Tensor;
using test::Builder;
using ::testing::HasSubstr;

namespace {

/// Builds a program value by value.
std::vector<float> randomData(size_t n, std::mt19937 &rng, float scale) {
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (float &f : v)
    f = d(rng);
  return v;
}

std::optional<Simulator> loadProgram(const Program &p, std::string &error) {
  return Simulator::load(serialize(p), error);
}

/// A two-layer MLP on the default target (128 rows, 16 weight columns per
/// tile): y = relu(x W1 + b1) W2 + b2 with x 2x160, W1 160x8, W2 8x20.
/// Layer 1 is split in two row tiles (128 + 32) whose partial sums are
/// accumulated; layer 2 in two column tiles (16 + 4) inserted into an empty
/// result.
class SimulatorMlp : public ::testing::Test {
protected:
  static constexpr int64_t kM = 2, kK = 160, kH = 8, kO = 20;

  void SetUp() override {
    std::mt19937 rng(42);
    w1 = randomData(kK * kH, rng, 0.2f);
    b1 = randomData(kH, rng, 0.5f);
    w2 = randomData(kH * kO, rng, 0.5f);
    b2 = randomData(kO, rng, 0.5f);
    x = randomData(kM * kK, rng, 1.0f);

    Builder b;
    const uint32_t fc1 = b.layer("fc1"), fc2 = b.layer("fc2");
    const uint32_t in = b.input({kM, kK});
    const uint32_t cw1 = b.constant({kK, kH}, w1);
    const uint32_t cb1 = b.constant({kH}, b1);
    const uint32_t cw2 = b.constant({kH, kO}, w2);
    const uint32_t cb2 = b.constant({kO}, b2);

    const uint32_t x0 =
        b.op(Opcode::ExtractSlice, fc1, {in}, {kM, 128}, {0, 0});
    const uint32_t x1 =
        b.op(Opcode::ExtractSlice, fc1, {in}, {kM, 32}, {0, 128});
    const uint32_t w1a =
        b.op(Opcode::ExtractSlice, fc1, {cw1}, {128, kH}, {0, 0});
    const uint32_t w1b =
        b.op(Opcode::ExtractSlice, fc1, {cw1}, {32, kH}, {128, 0});
    const uint32_t t0 = b.program(fc1, w1a, {128, kH}, 0);
    const uint32_t t1 = b.program(fc1, w1b, {32, kH}, 1);
    const uint32_t p0 = b.mvm(fc1, t0, x0, {kM, kH});
    const uint32_t p1 = b.mvm(fc1, t1, x1, {kM, kH});
    const uint32_t s = b.op(Opcode::XbarAccumulate, fc1, {p0, p1}, {kM, kH});
    const uint32_t h = b.op(Opcode::DpuBiasAdd, fc1, {s, cb1}, {kM, kH});
    const uint32_t r = b.op(Opcode::DpuRelu, fc1, {h}, {kM, kH});

    const uint32_t w2a =
        b.op(Opcode::ExtractSlice, fc2, {cw2}, {kH, 16}, {0, 0});
    const uint32_t w2b =
        b.op(Opcode::ExtractSlice, fc2, {cw2}, {kH, 4}, {0, 16});
    const uint32_t t2 = b.program(fc2, w2a, {kH, 16}, 2);
    const uint32_t t3 = b.program(fc2, w2b, {kH, 4}, 3);
    const uint32_t o0 = b.mvm(fc2, t2, r, {kM, 16});
    const uint32_t o1 = b.mvm(fc2, t3, r, {kM, 4});
    const uint32_t e = b.op(Opcode::Empty, fc2, {}, {kM, kO});
    const uint32_t e1 =
        b.op(Opcode::InsertSlice, fc2, {o0, e}, {kM, kO}, {0, 0});
    const uint32_t e2 =
        b.op(Opcode::InsertSlice, fc2, {o1, e1}, {kM, kO}, {0, 16});
    const uint32_t y = b.op(Opcode::DpuBiasAdd, fc2, {e2, cb2}, {kM, kO});
    b.p.outputs = {y};
    prog = b.p;

    std::string error;
    sim = loadProgram(prog, error);
    ASSERT_TRUE(sim.has_value()) << error;
  }

  /// The MLP in double precision.
  std::vector<double> reference() const {
    std::vector<double> out(kM * kO);
    for (int64_t m = 0; m < kM; ++m) {
      std::vector<double> hid(kH);
      for (int64_t j = 0; j < kH; ++j) {
        double acc = b1[j];
        for (int64_t k = 0; k < kK; ++k)
          acc += double(x[m * kK + k]) * double(w1[k * kH + j]);
        hid[j] = acc > 0 ? acc : 0;
      }
      for (int64_t o = 0; o < kO; ++o) {
        double acc = b2[o];
        for (int64_t j = 0; j < kH; ++j)
          acc += hid[j] * double(w2[j * kO + o]);
        out[m * kO + o] = acc;
      }
    }
    return out;
  }

  Report runOk(Mode mode, std::vector<Tensor> &outputs) {
    Report report;
    std::string error;
    EXPECT_TRUE(sim->run({Tensor({kM, kK}, x)}, mode, outputs, report, error))
        << error;
    return report;
  }

  std::vector<float> w1, b1, w2, b2, x;
  Program prog;
  std::optional<Simulator> sim;
};

TEST_F(SimulatorMlp, LoadsAndDescribesInputs) {
  EXPECT_EQ(sim->target().name, "default-rram-128");
  EXPECT_EQ(sim->program().code.size(), prog.code.size());
  ASSERT_EQ(sim->inputShapes().size(), 1u);
  EXPECT_EQ(sim->inputShapes()[0], (std::vector<int64_t>{kM, kK}));
}

TEST_F(SimulatorMlp, IdealMatchesDoubleReference) {
  std::vector<Tensor> out;
  runOk(Mode::Ideal, out);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape, (std::vector<int64_t>{kM, kO}));
  ASSERT_EQ(out[0].data.size(), size_t(kM * kO));
  const std::vector<double> ref = reference();
  for (size_t i = 0; i < ref.size(); ++i)
    EXPECT_NEAR(out[0].data[i], ref[i], 1e-5 * (1 + std::fabs(ref[i])))
        << "element " << i;
}

TEST_F(SimulatorMlp, ReportCountsByHand) {
  std::vector<Tensor> out;
  const Report r = runOk(Mode::Ideal, out);
  EXPECT_EQ(r.target, "default-rram-128");
  EXPECT_EQ(r.run.mode, "ideal");
  EXPECT_EQ(r.tilesProgrammed, 4);
  EXPECT_EQ(r.tilesAvailable, 64); // the default target's num_tiles
  // 4 xbar.mvm of 2 vectors each.
  EXPECT_EQ(r.total.mvms, 8);
  // Cells = rows * 8 cells/weight * cols: 128*8*8 + 32*8*8 + 8*8*16 + 8*8*4
  //       = 8192 + 2048 + 1024 + 256 = 11520.
  EXPECT_EQ(r.total.cost.cellWrites, 11520);
  // MACs = 2 * (160 * 8 + 8 * 20) = 2880.
  EXPECT_EQ(r.total.analogMacs, 2880);
  EXPECT_EQ(r.total.cost.macs, 2880);
  EXPECT_EQ(r.total.digitalMacs, 0);
  // Conversions = vectors 2 * cycles 7 * groups * slices 4 * cols:
  //   4*8*4 + 1*8*4 + 1*16*4 + 1*4*4 = 128 + 32 + 64 + 16 = 240; * 14 = 3360.
  EXPECT_EQ(r.total.cost.adcConversions, 3360);
  // Digital ops: bias 16 + relu 16 + bias 40 = 72 element ops. The
  // accumulate of 16 partial sums runs on the arrays' shift-and-add units
  // (1 per array, 2 arrays -> 8 cycles of 1 ns), and so do the biases and
  // the ReLU, on the results of the arrays that made them (fc1's 2 arrays:
  // 8 + 8 cycles; fc2's 2 arrays: 40 / 2 = 20 cycles).
  EXPECT_EQ(r.total.dpuOps, 72);
  // Serial latency: programming (128+32+8+8) rows * 100 ns = 17600; MVMs 2
  // * 7 * groups * 100 ns (the read dominates: at most 64 conversions * 0.78
  // ns = 49.92 ns) = 1400 * (4 + 1 + 1 + 1) = 9800; the accumulate 8 ns; the
  // activations 8 + 8 + 20 = 36 ns. Sum 27444 ns.
  EXPECT_DOUBLE_EQ(r.schedule.serialLatencyNs, 27444.0);
  // The layer schedule of a run from an empty chip (each tile on its own
  // array, all arrays written at once from time 0, one DPU):
  //   fc1: t0 written 0-12800, MVMs 12800-18400 (2*7*4*100); t1 written
  //        0-3200, MVMs 3200-4600; then the accumulate 18400-18408, bias
  //        and relu at the arrays: 18408-18424
  //   fc2: t2, t3 written 0-800, MVMs 18424-19824; bias 19824-19844.
  EXPECT_DOUBLE_EQ(r.schedule.latencyNs, 19844.0);
  // With resident weights: fc1 5600 + 8 + 16 = 5624, fc2 1400 + 20 = 1420.
  EXPECT_DOUBLE_EQ(r.schedule.inferenceLatencyNs, 7044.0);
  EXPECT_DOUBLE_EQ(r.total.cost.latencyNs, 7044.0); // the layers' sum
  // Pipelined over a stream: the slowest layer (fc1, 5624 ns; the DPU
  // has no work, t0's array 5600).
  EXPECT_DOUBLE_EQ(r.schedule.pipelineIntervalNs, 5624.0);
  EXPECT_EQ(r.schedule.reprograms, 0);
  EXPECT_EQ(r.schedule.maxProgramsPerArray, 1);
  // Energy: writes 11520 * 1 pJ; ADC 3360 * 1.5625 = 5250; shift-add
  // 3360 * 0.039 + 16 accumulating adds * 0.039 = 131.664; DAC 2*7*176
  // rows * 0.5 driven * 0.390625 = 481.25; array 2*7*11520 cells * 0.5
  // driven * 0.00183 = 147.5712; DPU 72 * 0.9 = 64.8.
  // Buffer: the default target's technology (32 nm, 0.9 V) scales Horowitz's
  // 45 nm, 0.9 V SRAM access (10 pJ / 64 bit) by Stillmaker-Baas
  //   (0.9559*0.81 - 0.7823*0.9 + 0.471) / (1.103*0.81 - 0.362*0.9 + 0.2767)
  //   = 0.541209 / 0.84433,  -> 0.1001550415714235 pJ/bit.
  // Bits: MVM outputs vectors * cols * 32 = 2*256 + 2*256 + 2*512 + 2*128 =
  //   2304; MVM inputs, each value once, vectors * rows * 8 = 2*1024 + 2*256
  //   (fc1's two row blocks) + 2*64 (fc2's input, shared by its two column
  //   blocks) = 2688; the biases and the ReLU take their operands at the
  //   arrays, all but the bias vectors, read from the buffer: (8 + 20) * 32
  //   = 896. 5888 bits, less fc1's 16 partial sums that meet at the arrays'
  //   adders and never reach the buffer (16 * 32 = 512): 5376.
  const cost::Energy &e = r.total.cost.energy;
  EXPECT_DOUBLE_EQ(e.write, 11520.0);
  EXPECT_NEAR(e.adc, 5250.0, 1e-9);
  EXPECT_NEAR(e.shiftAdd, 131.664, 1e-9);
  EXPECT_NEAR(e.dac, 481.25, 1e-9);
  EXPECT_NEAR(e.array, 147.5712, 1e-9);
  EXPECT_NEAR(e.dpu, 64.8, 1e-9);
  EXPECT_NEAR(e.buffer, 5376 * 0.1001550415714235, 1e-9);
  // Interconnect: the MVMs' 2304 + 2688 bits over the H-tree, less the 512
  // of the partial sums.
  const cost::Model model(sim->target());
  EXPECT_NEAR(e.interconnect, 4480 * model.interconnectPJPerBit(), 1e-9);
  // Leakage: 64 arrays x 0.10 uW + 64 KiB x 0.57 uW / 16 Kbit + 64 lanes x
  // 2 x 32 bits x 0.134 nW = 25.189 uW, for the 7044 ns of an inference.
  const double leakUW = 6.4 + 65536 * 8 * 0.57 / 16384 + 64 * 64 * 0.134e-3;
  EXPECT_NEAR(e.leakage, leakUW * 7044 * 1e-3, 1e-9);
  const double rest = e.interconnect + e.leakage;
  EXPECT_NEAR(e.total(), 17595.2852 + 5376 * 0.1001550415714235 + rest, 1e-8);
  // Inference energy leaves out the writes of the resident tiles.
  EXPECT_NEAR(r.schedule.inferenceEnergyPJ,
              17595.2852 + 5376 * 0.1001550415714235 + rest - 11520, 1e-8);

  // Per layer, in order of first execution.
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[0].name, "fc1");
  EXPECT_EQ(r.layers[1].name, "fc2");
  EXPECT_EQ(r.layers[0].mvms, 4);
  EXPECT_EQ(r.layers[1].mvms, 4);
  EXPECT_EQ(r.layers[0].cost.cellWrites, 10240); // 8192 + 2048
  EXPECT_EQ(r.layers[1].cost.cellWrites, 1280);  // 1024 + 256
  EXPECT_EQ(r.layers[0].analogMacs, 2560);
  EXPECT_EQ(r.layers[1].analogMacs, 320);
  EXPECT_EQ(r.layers[0].cost.adcConversions, 2240); // 14 * (128 + 32)
  EXPECT_EQ(r.layers[1].cost.adcConversions, 1120); // 14 * (64 + 16)
  EXPECT_EQ(r.layers[0].dpuOps, 32);
  EXPECT_EQ(r.layers[1].dpuOps, 40);
  // Each layer's latency with resident weights, as above.
  EXPECT_DOUBLE_EQ(r.layers[0].cost.latencyNs, 5624.0);
  EXPECT_DOUBLE_EQ(r.layers[1].cost.latencyNs, 1420.0);
  EXPECT_DOUBLE_EQ(r.layers[0].startNs, 0.0);
  EXPECT_DOUBLE_EQ(r.layers[0].endNs, 5624.0);
  EXPECT_DOUBLE_EQ(r.layers[1].startNs, 5624.0);
  EXPECT_DOUBLE_EQ(r.layers[1].endNs, 7044.0);
  EXPECT_EQ(r.total.name, "total");
}

TEST_F(SimulatorMlp, EstimateCostsWhatARunCosts) {
  std::vector<Tensor> out;
  const Report run = runOk(Mode::Quantized, out);
  Report est;
  cost::estimate(sim->program(), sim->target(), est);
  EXPECT_TRUE(est.costOnly);
  EXPECT_EQ(nlohmann::json::parse(est.toJson()).at("totals"),
            nlohmann::json::parse(run.toJson()).at("totals"));
  EXPECT_EQ(nlohmann::json::parse(est.toJson()).at("layers"),
            nlohmann::json::parse(run.toJson()).at("layers"));
  EXPECT_EQ(est.toCsv(), run.toCsv());
}

TEST_F(SimulatorMlp, ScheduleOverCapacityReusesArrays) {
  // Two arrays for four tiles: t0, t2 share array 0 and t1, t3 array 1.
  Program p = prog;
  nlohmann::json tj = nlohmann::json::parse(p.targetJson);
  tj["crossbar"]["num_tiles"] = 2;
  p.targetJson = tj.dump();
  std::string error;
  std::optional<Simulator> s2 = loadProgram(p, error);
  ASSERT_TRUE(s2) << error;
  Report r;
  cost::estimate(s2->program(), s2->target(), r);
  // Every array hosts two tiles, so a deployed chip rewrites all four in
  // every inference, as a run from an empty chip does: fc1 18400 + 8
  // (accumulate) + 16 (bias and ReLU at the arrays; t0 and t1 written from
  // time 0), fc2 800 + 1400 after fc1, + 20.
  EXPECT_DOUBLE_EQ(r.schedule.latencyNs, 20644.0);
  EXPECT_DOUBLE_EQ(r.schedule.inferenceLatencyNs, 20644.0);
  EXPECT_EQ(r.schedule.maxProgramsPerArray, 2);
  EXPECT_EQ(r.schedule.reprograms, 4);
  // Inference energy keeps every write.
  EXPECT_NEAR(r.schedule.inferenceEnergyPJ, r.total.cost.energy.total(), 1e-9);
  // Pipelined: array 0 works 18400 (t0) + 2200 (t2) per inference.
  EXPECT_DOUBLE_EQ(r.schedule.pipelineIntervalNs, 20600.0);
}

TEST(Schedule, TilesSharingAnArrayAreRewrittenEveryInference) {
  // Three 8 x 4 tiles on two arrays: t0 and t2 share array 0, so on a
  // deployed chip each overwrites the other in every inference: both writes
  // count in the inference energy; t1 stays resident on array 1. 8 rows x 8
  // cells x 4 columns = 256 cells = 256 pJ each.
  Builder b;
  nlohmann::json tj = nlohmann::json::parse(b.p.targetJson);
  tj["crossbar"]["num_tiles"] = 2;
  b.p.targetJson = tj.dump();
  const uint32_t l = b.layer("l");
  const uint32_t x = b.input({1, 8});
  const uint32_t w = b.constant({8, 4}, std::vector<float>(32, 0.5f));
  const uint32_t t0 = b.program(l, w, {8, 4}, 0);
  const uint32_t t1 = b.program(l, w, {8, 4}, 1);
  const uint32_t t2 = b.program(l, w, {8, 4}, 2);
  const uint32_t y2 = b.mvm(l, t2, x, {1, 4});
  const uint32_t y0 = b.mvm(l, t0, x, {1, 4});
  const uint32_t y1 = b.mvm(l, t1, x, {1, 4});
  b.p.outputs = {y2, y0, y1};
  std::string error;
  std::optional<Simulator> sim = loadProgram(b.p, error);
  ASSERT_TRUE(sim) << error;
  Report r;
  cost::estimate(sim->program(), sim->target(), r);
  const cost::Energy &e = r.total.cost.energy;
  EXPECT_DOUBLE_EQ(e.write, 3 * 256.0); // each tile written once
  EXPECT_EQ(r.schedule.reprograms, 2);
  EXPECT_EQ(r.schedule.maxProgramsPerArray, 2);
  EXPECT_NEAR(r.schedule.inferenceEnergyPJ, e.total() - 3 * 256.0 + 2 * 256.0,
              1e-9);
  // Resident: array 0 writes t0 (8 rows x 100 ns), runs its MVM (7 cycles x
  // 1 group x 100 ns), then the same for t2: 3000; array 1 runs t1's MVM:
  // 700. The layer takes 3000.
  EXPECT_DOUBLE_EQ(r.schedule.inferenceLatencyNs, 3000.0);
  // Array 0 writes and reads twice per inference: 800 + 700 + 800 + 700.
  EXPECT_DOUBLE_EQ(r.schedule.pipelineIntervalNs, 3000.0);
  EXPECT_DOUBLE_EQ(r.layers[0].startNs, 0.0);
  EXPECT_DOUBLE_EQ(r.layers[0].endNs, 3000.0);
}

TEST_F(SimulatorMlp, ProgressIsReportedPerInstruction) {
  std::vector<size_t> done;
  size_t total = 0;
  sim::RunOptions o;
  o.mode = Mode::Quantized;
  o.progress = [&](size_t d, size_t t) {
    done.push_back(d);
    total = t;
  };
  std::vector<Tensor> out;
  Report r;
  std::string error;
  ASSERT_TRUE(sim->run({Tensor({kM, kK}, x)}, o, out, r, error)) << error;
  EXPECT_EQ(total, prog.code.size());
  ASSERT_EQ(done.size(), prog.code.size());
  for (size_t i = 0; i < done.size(); ++i)
    EXPECT_EQ(done[i], i + 1);
}

TEST_F(SimulatorMlp, QuantizedRunCostsTheSameAndIsClose) {
  std::vector<Tensor> ideal, quant;
  const Report ri = runOk(Mode::Ideal, ideal);
  const Report rq = runOk(Mode::Quantized, quant);
  EXPECT_EQ(rq.run.mode, "quantized");
  EXPECT_EQ(rq.total.mvms, ri.total.mvms);
  EXPECT_EQ(rq.total.cost.cellWrites, ri.total.cost.cellWrites);
  EXPECT_EQ(rq.total.cost.adcConversions, ri.total.cost.adcConversions);
  EXPECT_EQ(rq.total.cost.latencyNs, ri.total.cost.latencyNs);
  ASSERT_EQ(quant.size(), 1u);
  ASSERT_EQ(quant[0].data.size(), ideal[0].data.size());
  double maxAbs = 0;
  for (float v : ideal[0].data)
    maxAbs = std::max(maxAbs, std::fabs(double(v)));
  bool differs = false;
  for (size_t i = 0; i < quant[0].data.size(); ++i) {
    EXPECT_NEAR(quant[0].data[i], ideal[0].data[i], 0.05 * maxAbs) << i;
    differs |= quant[0].data[i] != ideal[0].data[i];
  }
  EXPECT_TRUE(differs) << "quantized mode produced the ideal result exactly";
}

TEST_F(SimulatorMlp, RunTwiceGivesTheSameReport) {
  std::vector<Tensor> out1, out2;
  Report r;
  std::string error;
  ASSERT_TRUE(sim->run({Tensor({kM, kK}, x)}, Mode::Ideal, out1, r, error));
  ASSERT_TRUE(sim->run({Tensor({kM, kK}, x)}, Mode::Ideal, out2, r, error));
  EXPECT_EQ(r.total.mvms, 8); // not 16: the report starts afresh
  EXPECT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(out1[0].data, out2[0].data);
  EXPECT_EQ(out2.size(), 1u); // outputs replaced, not appended
}

TEST_F(SimulatorMlp, RunRejectsWrongInputCount) {
  std::vector<Tensor> out;
  Report r;
  std::string error;
  EXPECT_FALSE(sim->run({}, Mode::Ideal, out, r, error));
  EXPECT_EQ(error, "entry function 'main' takes 1 argument(s), 0 input(s) "
                   "given");
  Tensor t({kM, kK}, x);
  EXPECT_FALSE(sim->run({t, t}, Mode::Ideal, out, r, error));
  EXPECT_THAT(error, HasSubstr("takes 1 argument(s), 2 input(s) given"));
}

TEST_F(SimulatorMlp, RunRejectsWrongInputShape) {
  std::vector<Tensor> out;
  Report r;
  std::string error;
  EXPECT_FALSE(sim->run({Tensor({kM, 159})}, Mode::Ideal, out, r, error));
  EXPECT_EQ(error, "input 0 has shape [2, 159], argument 0 of 'main' expects "
                   "[2, 160]");
  EXPECT_FALSE(sim->run({Tensor({kK, kM})}, Mode::Ideal, out, r, error));
  EXPECT_THAT(error, HasSubstr("has shape [160, 2]"));
  EXPECT_FALSE(sim->run({Tensor({kM * kK})}, Mode::Ideal, out, r, error));
  EXPECT_THAT(error, HasSubstr("has shape [320]"));
}

TEST_F(SimulatorMlp, RunRejectsInputDataOfWrongSize) {
  // The shape is right but the data is not: the simulator must not trust
  // the caller's tensor (with fewer elements it would read past the end).
  std::vector<float> data = x;
  data.push_back(0.0f);
  std::vector<Tensor> out;
  Report r;
  std::string error;
  EXPECT_FALSE(sim->run({Tensor({kM, kK}, data)}, Mode::Ideal, out, r, error))
      << "accepted a [2, 160] tensor holding 321 elements";
}

TEST_F(SimulatorMlp, ReportJson) {
  std::vector<Tensor> out;
  const Report r = runOk(Mode::Quantized, out);
  const nlohmann::json j = nlohmann::json::parse(r.toJson());
  EXPECT_EQ(j.at("format"), "imc-sim-report");
  EXPECT_EQ(j.at("version"), 1);
  EXPECT_EQ(j.at("target"), "default-rram-128");
  EXPECT_EQ(j.at("mode"), "quantized");
  const nlohmann::json &t = j.at("totals");
  EXPECT_FALSE(t.contains("name"));
  EXPECT_EQ(t.at("mvms"), 8);
  EXPECT_EQ(t.at("cell_writes"), 11520);
  EXPECT_EQ(t.at("dpu_ops"), 72);
  EXPECT_EQ(t.at("adc_conversions"), 3360);
  EXPECT_EQ(t.at("analog_macs"), 2880);
  EXPECT_EQ(t.at("digital_macs"), 0);
  EXPECT_DOUBLE_EQ(t.at("latency_ns").get<double>(), 19844.0);
  EXPECT_DOUBLE_EQ(t.at("serial_latency_ns").get<double>(), 27444.0);
  EXPECT_DOUBLE_EQ(t.at("inference_latency_ns").get<double>(), 7044.0);
  EXPECT_NEAR(t.at("energy_pj").get<double>(), r.total.cost.energy.total(),
              1e-8);
  EXPECT_NEAR(t.at("energy_pj").get<double>(),
              17595.2852 + 5376 * 0.1001550415714235 +
                  r.total.cost.energy.interconnect +
                  r.total.cost.energy.leakage,
              1e-8);
  // 2880 MACs = 5760 operations in 7044 ns.
  EXPECT_NEAR(t.at("tops").get<double>(), 5760.0 / 7044.0 / 1000.0, 1e-15);
  EXPECT_EQ(t.at("analog_mac_ratio"), 1.0);
  EXPECT_EQ(t.at("tiles_programmed"), 4);
  EXPECT_EQ(t.at("tiles_available"), 64);
  // Every total is the sum over the layers.
  for (const char *k : {"mvms", "cell_writes", "dpu_ops", "adc_conversions",
                        "analog_macs", "digital_macs"}) {
    int64_t sum = 0;
    for (const auto &l : j.at("layers"))
      sum += l.at(k).get<int64_t>();
    EXPECT_EQ(t.at(k).get<int64_t>(), sum) << k;
  }
  // Integers are JSON integers; latency and energies JSON floats.
  for (const char *k : {"mvms", "cell_writes", "dpu_ops", "adc_conversions",
                        "analog_macs", "digital_macs", "tiles_programmed"})
    EXPECT_TRUE(t.at(k).is_number_integer()) << k;
  EXPECT_TRUE(t.at("latency_ns").is_number_float());
  EXPECT_TRUE(t.at("energy_pj").is_number_float());
  // Documented key order (extra keys may follow).
  auto keysInOrder = [](const nlohmann::ordered_json &o,
                        std::vector<std::string> want) {
    std::vector<std::string> got;
    for (auto it = o.begin(); it != o.end(); ++it)
      if (std::find(want.begin(), want.end(), it.key()) != want.end())
        got.push_back(it.key());
    EXPECT_EQ(got, want);
  };
  const auto oj = nlohmann::ordered_json::parse(r.toJson());
  keysInOrder(oj, {"format", "version", "target", "mode", "totals", "layers"});
  keysInOrder(oj.at("totals"),
              {"mvms", "cell_writes", "dpu_ops", "adc_conversions",
               "analog_macs", "digital_macs", "latency_ns", "energy_pj",
               "energy_breakdown_pj", "analog_mac_ratio", "tiles_programmed"});
  keysInOrder(oj.at("layers").at(0),
              {"name", "mvms", "cell_writes", "dpu_ops", "adc_conversions",
               "analog_macs", "digital_macs", "latency_ns", "energy_pj",
               "energy_breakdown_pj"});
  const nlohmann::json &e = t.at("energy_breakdown_pj");
  for (const char *k : {"dac", "array", "adc", "shift_add", "buffer", "write",
                        "dpu", "interconnect", "leakage"})
    EXPECT_TRUE(e.contains(k)) << k;
  EXPECT_EQ(e.size(), 9u);
  EXPECT_DOUBLE_EQ(e.at("write").get<double>(), 11520.0);
  ASSERT_TRUE(j.at("layers").is_array());
  ASSERT_EQ(j.at("layers").size(), 2u);
  EXPECT_EQ(j["layers"][0].at("name"), "fc1");
  EXPECT_EQ(j["layers"][0].at("mvms"), 4);
  EXPECT_EQ(j["layers"][1].at("name"), "fc2");
  EXPECT_EQ(j["layers"][1].at("cell_writes"), 1280);
  for (const auto &l : j["layers"])
    for (const char *k : {"name", "mvms", "cell_writes", "dpu_ops",
                          "adc_conversions", "analog_macs", "digital_macs",
                          "latency_ns", "energy_pj", "energy_breakdown_pj"})
      EXPECT_TRUE(l.contains(k)) << k;
}

TEST_F(SimulatorMlp, SummaryAndDump) {
  std::vector<Tensor> out;
  const Report r = runOk(Mode::Ideal, out);
  const std::string s = sim::formatSummary(r);
  EXPECT_THAT(s, HasSubstr("ideal mode, target default-rram-128"));
  EXPECT_THAT(s, HasSubstr("MVMs"));
  EXPECT_THAT(s, HasSubstr("11520"));
  EXPECT_THAT(s, HasSubstr("of 64 on the chip"));
  const std::string d = sim::dumpProgram(prog);
  EXPECT_THAT(d, HasSubstr("entry 'main'"));
  EXPECT_THAT(d, HasSubstr("xbar.mvm"));
  EXPECT_THAT(d, HasSubstr("@ fc2"));
  EXPECT_THAT(d, HasSubstr("arg %0:tensor[2, 160]"));
}

//===----------------------------------------------------------------------===//
// Other programs
//===----------------------------------------------------------------------===//

TEST(Simulator, ParseMode) {
  EXPECT_EQ(sim::parseMode("ideal"), Mode::Ideal);
  EXPECT_EQ(sim::parseMode("quantized"), Mode::Quantized);
  EXPECT_FALSE(sim::parseMode("Ideal").has_value());
  EXPECT_FALSE(sim::parseMode("").has_value());
  EXPECT_STREQ(sim::modeName(Mode::Ideal), "ideal");
  EXPECT_STREQ(sim::modeName(Mode::Quantized), "quantized");
}

TEST(Simulator, QuantizedTileMatchesReference) {
  // One 37x11 tile, 3 vectors: the simulator must hand the target's settings
  // to the crossbar model (compared with the naive reference).
  std::mt19937 rng(3);
  const std::vector<float> w = randomData(37 * 11, rng, 1.0f);
  const std::vector<float> x = randomData(3 * 37, rng, 2.0f);
  Builder b;
  const uint32_t l = b.layer("tile");
  const uint32_t in = b.input({3, 37});
  const uint32_t cw = b.constant({37, 11}, w);
  const uint32_t t = b.program(l, cw, {37, 11}, 0);
  const uint32_t y = b.mvm(l, t, in, {3, 11});
  b.p.outputs = {y};
  std::string error;
  std::optional<Simulator> s = loadProgram(b.p, error);
  ASSERT_TRUE(s) << error;
  std::vector<Tensor> out;
  Report r;
  ASSERT_TRUE(s->run({Tensor({3, 37}, x)}, Mode::Quantized, out, r, error))
      << error;
  sim::XbarConfig cfg; // the default target: 8/2/8/1/8/32
  for (int64_t v = 0; v < 3; ++v) {
    const std::vector<float> ref =
        test::referenceMvm(w, 37, 11, x.data() + v * 37, cfg);
    for (int64_t n = 0; n < 11; ++n)
      EXPECT_EQ(out[0].data[v * 11 + n], ref[n]) << v << "," << n;
  }
}

TEST(Simulator, DpuOpsByHand) {
  // a = [[1, 2], [3, 4]], c = [[5, 6], [7, 8]].
  Builder b;
  const uint32_t l = b.layer("dpu");
  const uint32_t a = b.input({2, 2});
  const uint32_t c = b.constant({2, 2}, {5, 6, 7, 8});
  const uint32_t mm = b.op(Opcode::DpuMatmul, l, {a, c}, {2, 2});
  const uint32_t sub = b.op(Opcode::DpuSub, l, {a, c}, {2, 2});
  const uint32_t mul = b.op(Opcode::DpuMul, l, {a, c}, {2, 2});
  const uint32_t mx = b.op(Opcode::DpuMax, l, {sub, a}, {2, 2});
  const uint32_t add = b.op(Opcode::DpuAdd, l, {a, c}, {2, 2});
  const uint32_t rs1 = b.op(Opcode::DpuReduceSum, l, {a}, {2, 1}, {1});
  const uint32_t rs0 = b.op(Opcode::DpuReduceSum, l, {a}, {1, 2}, {0});
  const uint32_t rq2 = b.op(Opcode::DpuRequantize, l, {a}, {2, 2}, {2});
  const uint32_t rq3 = b.op(Opcode::DpuRequantize, l, {a}, {2, 2}, {3});
  b.p.outputs = {mm, sub, mul, mx, add, rs1, rs0, rq2, rq3};
  std::string error;
  std::optional<Simulator> s = loadProgram(b.p, error);
  ASSERT_TRUE(s) << error;
  std::vector<Tensor> o;
  Report r;
  ASSERT_TRUE(s->run({Tensor({2, 2}, {1, 2, 3, 4})}, Mode::Ideal, o, r, error))
      << error;
  ASSERT_EQ(o.size(), 9u);
  using V = std::vector<float>;
  EXPECT_EQ(o[0].data, (V{19, 22, 43, 50})); // [1*5+2*7, 1*6+2*8; ...]
  EXPECT_EQ(o[1].data, (V{-4, -4, -4, -4}));
  EXPECT_EQ(o[2].data, (V{5, 12, 21, 32}));
  EXPECT_EQ(o[3].data, (V{1, 2, 3, 4})); // max(a - c, a) = a
  EXPECT_EQ(o[4].data, (V{6, 8, 10, 12}));
  EXPECT_EQ(o[5].data, (V{3, 7}));
  EXPECT_EQ(o[5].shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(o[6].data, (V{4, 6}));
  // 2 bits: L = 1, s = 4; codes rne([0.25, 0.5, 0.75, 1]) = [0, 0, 1, 1].
  EXPECT_EQ(o[7].data, (V{0, 0, 4, 4}));
  // 3 bits: L = 3, s = 4/3; codes rne([0.75, 1.5, 2.25, 3]) = [1, 2, 2, 3].
  const double s3 = 4.0 / 3.0;
  EXPECT_EQ(o[8].data,
            (V{float(1 * s3), float(2 * s3), float(2 * s3), float(3 * s3)}));
  // One matmul of 2*2*2 = 8 MACs (16 DPU ops); 4 element ops for each of
  // sub, mul, max, add; 4 for each reduce_sum; 8 for each requantize.
  EXPECT_EQ(r.total.digitalMacs, 8);
  EXPECT_EQ(r.total.analogMacs, 0);
  EXPECT_EQ(r.total.dpuOps, 16 + 4 * 4 + 2 * 4 + 2 * 8);
  EXPECT_EQ(r.tilesProgrammed, 0);
}

TEST(Simulator, LoadRejectsBadPrograms) {
  std::string error;
  EXPECT_FALSE(Simulator::load({}, error).has_value());
  EXPECT_THAT(error, HasSubstr("truncated header"));

  // A target that does not validate.
  Builder b;
  b.p.targetJson = "{\"name\": \"broken\"}";
  EXPECT_FALSE(loadProgram(b.p, error).has_value());
  EXPECT_THAT(error, HasSubstr("TARGET section: missing field 'crossbar'"));
  b.p.targetJson = "{oops";
  EXPECT_FALSE(loadProgram(b.p, error).has_value());
  EXPECT_THAT(error, HasSubstr("TARGET section: invalid JSON"));

  // A program that does not verify against its target.
  Builder v;
  const uint32_t l = v.layer("l");
  const uint32_t in = v.input({1, 4});
  const uint32_t w = v.constant({4, 2}, std::vector<float>(8, 1.0f));
  const uint32_t t = v.program(l, w, {4, 2}, 0);
  const uint32_t y = v.op(Opcode::XbarMvm, l, {t, in}, {1, 2}, {8, 2, 30, 32});
  v.p.outputs = {y};
  EXPECT_FALSE(loadProgram(v.p, error).has_value());
  EXPECT_THAT(error, HasSubstr("CODE: instruction 1 (xbar.mvm): adc_bits must "
                               "be in [2, 24], got 30"));
}

} // namespace

namespace {
/// One 40 x 3 tile at a precision of its own (4-bit cells, 2-bit DACs, a
/// 5-bit ADC, 8 parallel rows), which is not the default target's (2-bit
/// cells, 1-bit DACs, an 8-bit ADC, 32 rows).
struct OwnPrecision {
  static constexpr int64_t kRows = 40, kCols = 3, kVectors = 2;
  Builder b;
  std::vector<float> w, x;
  OwnPrecision() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int64_t i = 0; i < kRows * kCols; ++i)
      w.push_back(u(rng));
    for (int64_t i = 0; i < kVectors * kRows; ++i)
      x.push_back(u(rng));
    const uint32_t l = b.layer("fc");
    const uint32_t in = b.input({kVectors, kRows});
    const uint32_t wc = b.constant({kRows, kCols}, w);
    const uint32_t t = b.op(Opcode::XbarProgram, l, {wc}, {kRows, kCols},
                            {0, 8, 4}, ValueKind::Tile);
    b.p.outputs = {
        b.op(Opcode::XbarMvm, l, {t, in}, {kVectors, kCols}, {8, 2, 5, 8})};
  }
  hw::XbarPrecision precision() const { return {8, 4, 8, 2, 5, 8}; }
};
} // namespace

TEST(Simulator, TileRunsAtItsInstructionsPrecision) {
  OwnPrecision own;
  std::string error;
  std::optional<Simulator> s = loadProgram(own.b.p, error);
  ASSERT_TRUE(s) << error;
  std::vector<Tensor> out;
  Report r;
  ASSERT_TRUE(s->run({Tensor({own.kVectors, own.kRows}, own.x)},
                     Mode::Quantized, out, r, error))
      << error;
  const sim::XbarConfig cfg = test::makeConfig(8, 4, 8, 2, 5, 8);
  ASSERT_EQ(out.size(), 1u);
  for (int64_t m = 0; m < own.kVectors; ++m) {
    const std::vector<float> want = test::referenceMvm(
        own.w, own.kRows, own.kCols, own.x.data() + m * own.kRows, cfg);
    for (int64_t n = 0; n < own.kCols; ++n)
      EXPECT_EQ(out[0].data[m * own.kCols + n], want[n]) << m << "," << n;
  }

  // Costs at the same precision: 4 input cycles (7 bits / 2), 2 slices
  // (7 bits / 4), 5 row groups of 8, so 2 x 4 x 5 x (2 x 3) conversions.
  const cost::Model model(s->target());
  const hw::XbarPrecision p = own.precision();
  EXPECT_EQ(r.total.cost.adcConversions, 2 * 4 * 5 * (2 * 3));
  EXPECT_EQ(r.total.cost.cellWrites, own.kRows * own.kCols * 2 * 2);
  const cost::Cost mvm =
      model.crossbarMvm(own.kVectors, own.kRows, own.kCols, p);
  EXPECT_EQ(mvm.adcConversions, r.total.cost.adcConversions);
  EXPECT_DOUBLE_EQ(r.total.cost.energy.adc, mvm.energy.adc);
  EXPECT_DOUBLE_EQ(r.total.cost.energy.dac, mvm.energy.dac);
  // The target's own precision would cost something else.
  EXPECT_NE(
      model.crossbarMvm(own.kVectors, own.kRows, own.kCols).adcConversions,
      mvm.adcConversions);
  Report est;
  cost::estimate(s->program(), s->target(), est);
  EXPECT_EQ(est.total.cost.adcConversions, r.total.cost.adcConversions);
  EXPECT_DOUBLE_EQ(est.total.cost.energy.total(), r.total.cost.energy.total());
}

TEST(Schedule, DependentMvmsOfOneLayerNameFollowEachOther) {
  // Two MVMs under one layer name, the second reading the first's result
  // through a relu (as a module whose ops all carry one location): two
  // stages, one after the other - not one layer whose MVMs run at once.
  // Each MVM: 7 cycles x 1 group x 100 ns = 700 ns; the relu, on the first
  // MVM's array (1 ADC: 1 element a 1-ns cycle), 4 ns.
  Builder b;
  const uint32_t l = b.layer("same");
  const uint32_t x = b.input({1, 8});
  const uint32_t wa = b.constant({8, 4}, std::vector<float>(32, 0.5f));
  const uint32_t wb = b.constant({4, 4}, std::vector<float>(16, 0.25f));
  const uint32_t ta = b.program(l, wa, {8, 4}, 0);
  const uint32_t tb = b.program(l, wb, {4, 4}, 1);
  const uint32_t ya = b.mvm(l, ta, x, {1, 4});
  const uint32_t r = b.op(Opcode::DpuRelu, l, {ya}, {1, 4});
  b.p.outputs = {b.mvm(l, tb, r, {1, 4})};
  std::string error;
  std::optional<Simulator> sim = loadProgram(b.p, error);
  ASSERT_TRUE(sim) << error;
  Report rep;
  cost::estimate(sim->program(), sim->target(), rep);
  EXPECT_DOUBLE_EQ(rep.schedule.inferenceLatencyNs, 700.0 + 4.0 + 700.0);
  // One layer in the report, its stages summed.
  ASSERT_EQ(rep.layers.size(), 1u);
  EXPECT_DOUBLE_EQ(rep.layers[0].cost.latencyNs, 1404.0);
  EXPECT_DOUBLE_EQ(rep.layers[0].startNs, 0.0);
  EXPECT_DOUBLE_EQ(rep.layers[0].endNs, 1404.0);
  EXPECT_EQ(rep.layers[0].tiles, 2);
  // Independent MVMs of one name run side by side.
  Builder p;
  const uint32_t l2 = p.layer("same");
  const uint32_t x2 = p.input({1, 8});
  const uint32_t w2 = p.constant({8, 4}, std::vector<float>(32, 0.5f));
  const uint32_t t0 = p.program(l2, w2, {8, 4}, 0);
  const uint32_t t1 = p.program(l2, w2, {8, 4}, 1);
  p.p.outputs = {p.mvm(l2, t0, x2, {1, 4}), p.mvm(l2, t1, x2, {1, 4})};
  std::optional<Simulator> sim2 = loadProgram(p.p, error);
  ASSERT_TRUE(sim2) << error;
  cost::estimate(sim2->program(), sim2->target(), rep);
  EXPECT_DOUBLE_EQ(rep.schedule.inferenceLatencyNs, 700.0);
}
