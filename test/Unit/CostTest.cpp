//===- CostTest.cpp - the latency / energy model --------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every expectation below is worked out by hand in the comments, on a target
// with round numbers, so that a formula change shows up as a failure.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/CostModel.h"

#include "TestUtils.h"

#include <gtest/gtest.h>

using namespace imc;
using cost::Cost;
using cost::DpuOpKind;

namespace {

/// 64x64 arrays; 5-bit weights in 2-bit cells -> ceil(4/2) = 2 slices, 4
/// cells per weight, 16 weight columns; 5-bit inputs through a 2-bit DAC ->
/// ceil(4/2) = 2 cycles; 16 parallel rows; 4 ADCs; DPU of 8 lanes at 500 MHz
/// (2 ns per cycle).
hw::Target roundTarget() {
  hw::Target t;
  t.name = "round";
  t.rows = 64;
  t.cols = 64;
  t.cellBits = 2;
  t.dacBits = 2;
  t.adcBits = 6;
  t.adcsPerArray = 4;
  t.parallelRows = 16;
  t.numTiles = 8;
  t.weightBits = 5;
  t.activationBits = 5;
  t.dpuLanes = 8;
  t.dpuClockMHz = 500;
  t.energy.dacPerRowPJ = 0.5;
  t.energy.cellReadPJ = 0.25;
  t.energy.adcPerConvPJ = 2;
  t.energy.shiftAddPJ = 0.125;
  t.energy.cellWritePJ = 10;
  t.energy.dpuAddPJ = 1;
  t.energy.dpuMulPJ = 4;
  t.latency.arrayReadNs = 10;
  t.latency.adcConvNs = 1;
  t.latency.rowWriteNs = 50;
  return t;
}

TEST(Cost, TargetDerivedAsAssumed) {
  const hw::Target t = roundTarget();
  ASSERT_EQ(t.weightSlices(), 2);
  ASSERT_EQ(t.cellsPerWeight(), 4);
  ASSERT_EQ(t.weightColsPerArray(), 16);
  ASSERT_EQ(t.inputCycles(), 2);
}

TEST(Cost, CrossbarMvmArrayReadBound) {
  // 3 vectors through a 40x10 block.
  //   groups        = ceil(40 / 16)            = 3
  //   convPerGroup  = slices * cols = 2 * 10   = 20
  //   conversions   = 3 vec * 2 cyc * 3 grp * 20 = 360
  //   cellsRead     = 40 * 4 * 10              = 1600
  //   MACs          = 3 * 40 * 10              = 1200
  //   dac   = 3 * 2 * 40 rows * 0.5            = 120
  //   array = 3 * 2 * 1600 * 0.25              = 2400
  //   adc   = 360 * 2                          = 720
  //   shift = 360 * 0.125                      = 45
  //   conversion time per group = ceil(20 / 4) * 1 ns = 5 ns < 10 ns read
  //   latency = 3 * 2 * 3 * max(10, 5)         = 180 ns
  const Cost c = cost::crossbarMvm(roundTarget(), 3, 40, 10);
  EXPECT_EQ(c.adcConversions, 360);
  EXPECT_EQ(c.macs, 1200);
  EXPECT_EQ(c.cellWrites, 0);
  EXPECT_DOUBLE_EQ(c.energy.dac, 120.0);
  EXPECT_DOUBLE_EQ(c.energy.array, 2400.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 720.0);
  EXPECT_DOUBLE_EQ(c.energy.shiftAdd, 45.0);
  EXPECT_DOUBLE_EQ(c.energy.write, 0.0);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 0.0);
  EXPECT_DOUBLE_EQ(c.energy.total(), 3285.0); // 120 + 2400 + 720 + 45
  EXPECT_DOUBLE_EQ(c.latencyNs, 180.0);
}

TEST(Cost, CrossbarMvmAdcBound) {
  // One ADC per array; 1 vector through a full 16x16 block.
  //   groups = 1, convPerGroup = 2 * 16 = 32, conversions = 1 * 2 * 1 * 32
  //   = 64; conversion time per group = 32 * 1 ns = 32 ns > 10 ns read;
  //   latency = 1 * 2 * 1 * 32 = 64 ns.
  //   cellsRead = 16 * 4 * 16 = 1024; array = 2 * 1024 * 0.25 = 512;
  //   dac = 2 * 16 * 0.5 = 16; adc = 128; shift = 8; MACs = 256.
  hw::Target t = roundTarget();
  t.adcsPerArray = 1;
  const Cost c = cost::crossbarMvm(t, 1, 16, 16);
  EXPECT_EQ(c.adcConversions, 64);
  EXPECT_EQ(c.macs, 256);
  EXPECT_DOUBLE_EQ(c.energy.dac, 16.0);
  EXPECT_DOUBLE_EQ(c.energy.array, 512.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 128.0);
  EXPECT_DOUBLE_EQ(c.energy.shiftAdd, 8.0);
  EXPECT_DOUBLE_EQ(c.latencyNs, 64.0);
}

TEST(Cost, CrossbarMvmAdcCountRoundsUp) {
  // 3 ADCs, 20 conversions per group -> ceil(20 / 3) = 7 rounds of 2.5 ns
  // = 17.5 ns > 10 ns read. 17 rows -> ceil(17/16) = 2 groups.
  //   latency = 2 vec * 2 cyc * 2 grp * 17.5 = 140 ns
  //   conversions = 2 * 2 * 2 * 20 = 160
  hw::Target t = roundTarget();
  t.adcsPerArray = 3;
  t.latency.adcConvNs = 2.5;
  const Cost c = cost::crossbarMvm(t, 2, 17, 10);
  EXPECT_EQ(c.adcConversions, 160);
  EXPECT_DOUBLE_EQ(c.latencyNs, 140.0);
  // 16 rows is exactly one group: 2 * 2 * 1 * 17.5 = 70 ns.
  EXPECT_DOUBLE_EQ(cost::crossbarMvm(t, 2, 16, 10).latencyNs, 70.0);
}

TEST(Cost, CrossbarMvmBalanced) {
  // Conversion time equal to the read: 2 * 16 = 32 conversions / 4 ADCs =
  // 8 rounds * 1.25 ns = 10 ns. latency = 1 * 2 * 1 * 10 = 20 ns.
  hw::Target t = roundTarget();
  t.latency.adcConvNs = 1.25;
  const Cost c = cost::crossbarMvm(t, 1, 8, 16);
  EXPECT_DOUBLE_EQ(c.latencyNs, 20.0);
  EXPECT_EQ(c.adcConversions, 64); // 1 * 2 * 1 * 32
  // One more ADC round (1.5 ns conversions -> 12 ns) makes the ADC the
  // bottleneck: 2 * 12 = 24 ns.
  t.latency.adcConvNs = 1.5;
  EXPECT_DOUBLE_EQ(cost::crossbarMvm(t, 1, 8, 16).latencyNs, 24.0);
}

TEST(Cost, CrossbarMvmDefaultTarget) {
  std::string error;
  std::optional<hw::Target> t =
      hw::loadTarget(test::defaultTargetPath(), error);
  ASSERT_TRUE(t) << error;
  // Default: 7 cycles, 4 slices, 32 parallel rows, 1 ADC of 0.78 ns.
  // A full 128x16 tile, 1 vector: groups 4, convPerGroup 64,
  //   conversions = 7 * 4 * 64 = 1792; ADC time 64 * 0.78 = 49.92 < 100,
  //   latency = 7 * 4 * 100 = 2800 ns; MACs = 2048;
  //   adc energy = 1792 * 1.5625 = 2800 pJ.
  const Cost c = cost::crossbarMvm(*t, 1, 128, 16);
  EXPECT_EQ(c.adcConversions, 1792);
  EXPECT_EQ(c.macs, 2048);
  EXPECT_DOUBLE_EQ(c.latencyNs, 2800.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 2800.0);
}

TEST(Cost, CrossbarProgram) {
  // 40x10 weights, 2 x 2 cells each: 40 * 10 * 4 = 1600 cell writes,
  // 1600 * 10 pJ = 16000 pJ, rows written one at a time: 40 * 50 = 2000 ns.
  const Cost c = cost::crossbarProgram(roundTarget(), 40, 10);
  EXPECT_EQ(c.cellWrites, 1600);
  EXPECT_DOUBLE_EQ(c.energy.write, 16000.0);
  EXPECT_DOUBLE_EQ(c.energy.total(), 16000.0);
  EXPECT_DOUBLE_EQ(c.latencyNs, 2000.0);
  EXPECT_EQ(c.macs, 0);
  EXPECT_EQ(c.adcConversions, 0);
  EXPECT_DOUBLE_EQ(c.energy.adc + c.energy.dac + c.energy.array, 0.0);
}

TEST(Cost, DpuElementwiseAddVsMul) {
  const hw::Target t = roundTarget();
  // 100 adds: 100 * 1 pJ; ceil(100 / 8) = 13 cycles * 2 ns = 26 ns.
  Cost add = cost::dpuElementwise(t, DpuOpKind::Add, 100);
  EXPECT_DOUBLE_EQ(add.energy.dpu, 100.0);
  EXPECT_DOUBLE_EQ(add.latencyNs, 26.0);
  EXPECT_EQ(add.macs, 0);
  // 100 muls: 100 * 4 pJ, same time.
  Cost mul = cost::dpuElementwise(t, DpuOpKind::Mul, 100);
  EXPECT_DOUBLE_EQ(mul.energy.dpu, 400.0);
  EXPECT_DOUBLE_EQ(mul.latencyNs, 26.0);
  // Max is priced like an add.
  Cost mx = cost::dpuElementwise(t, DpuOpKind::Max, 100);
  EXPECT_DOUBLE_EQ(mx.energy.dpu, 100.0);
  // Exactly one lane-width: 1 cycle = 2 ns; nothing: 0.
  EXPECT_DOUBLE_EQ(cost::dpuElementwise(t, DpuOpKind::Add, 8).latencyNs, 2.0);
  EXPECT_DOUBLE_EQ(cost::dpuElementwise(t, DpuOpKind::Add, 9).latencyNs, 4.0);
  EXPECT_DOUBLE_EQ(cost::dpuElementwise(t, DpuOpKind::Add, 0).latencyNs, 0.0);
  EXPECT_DOUBLE_EQ(cost::dpuElementwise(t, DpuOpKind::Add, 0).energy.total(),
                   0.0);
}

TEST(Cost, DpuMatmul) {
  // (4x5) * (5x6): 120 MACs, each a mul + an add: 120 * (4 + 1) = 600 pJ;
  // ceil(120 / 8) = 15 cycles * 2 ns = 30 ns.
  const Cost c = cost::dpuMatmul(roundTarget(), 4, 5, 6);
  EXPECT_EQ(c.macs, 120);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 600.0);
  EXPECT_DOUBLE_EQ(c.latencyNs, 30.0);
  EXPECT_EQ(c.adcConversions, 0);
  EXPECT_EQ(c.cellWrites, 0);
}

TEST(Cost, Accumulation) {
  const hw::Target t = roundTarget();
  Cost sum;
  sum += cost::crossbarProgram(t, 40, 10); // 2000 ns, 16000 pJ write
  sum += cost::crossbarMvm(t, 3, 40, 10);  // 180 ns, 3285 pJ
  sum += cost::dpuMatmul(t, 4, 5, 6);      // 30 ns, 600 pJ
  EXPECT_DOUBLE_EQ(sum.latencyNs, 2210.0);
  EXPECT_EQ(sum.cellWrites, 1600);
  EXPECT_EQ(sum.adcConversions, 360);
  EXPECT_EQ(sum.macs, 1320); // 1200 + 120
  EXPECT_DOUBLE_EQ(sum.energy.write, 16000.0);
  EXPECT_DOUBLE_EQ(sum.energy.dpu, 600.0);
  EXPECT_DOUBLE_EQ(sum.energy.total(), 16000.0 + 3285.0 + 600.0);
}

} // namespace
