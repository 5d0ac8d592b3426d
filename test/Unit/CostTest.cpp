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
#include "imc/Hardware/Codes.h"

#include "TestUtils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

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
  //   dac   = 3 * 2 * 40 rows * 0.5 driven * 0.5 = 60
  //   array = 3 * 2 * 0.5 driven * 1600 * 0.25 = 1200 (cell_read given:
  //           the same energy for every driven cell, whatever its level)
  //   adc   = 360 * 2                          = 720
  //   shift = 360 * 0.125                      = 45
  //   conversion time per group = ceil(20 / 4) * 1 ns = 5 ns < 10 ns read
  //   latency = 3 * 2 * 3 * max(10, 5)         = 180 ns
  const Cost c = cost::Model(roundTarget()).crossbarMvm(3, 40, 10);
  EXPECT_EQ(c.adcConversions, 360);
  EXPECT_EQ(c.macs, 1200);
  EXPECT_EQ(c.cellWrites, 0);
  EXPECT_DOUBLE_EQ(c.energy.dac, 60.0);
  EXPECT_DOUBLE_EQ(c.energy.array, 1200.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 720.0);
  EXPECT_DOUBLE_EQ(c.energy.shiftAdd, 45.0);
  EXPECT_DOUBLE_EQ(c.energy.write, 0.0);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 0.0);
  EXPECT_DOUBLE_EQ(c.energy.total(), 2025.0); // 60 + 1200 + 720 + 45
  EXPECT_DOUBLE_EQ(c.latencyNs, 180.0);
}

TEST(Cost, WeightMappingsAndUnsignedInputs) {
  // The block of CrossbarMvmArrayReadBound (3 vectors, 40 x 10, 5-bit
  // weights on 2-bit cells, 5-bit inputs through a 2-bit DAC, 16 rows per
  // conversion, 4 ADCs), offset-mapped with unsigned inputs:
  //   slices = ceil(5 / 2) = 3, cycles = ceil(5 / 2) = 3, groups = 3
  //   convPerGroup = 3 * 10 + 1 reference column = 31
  //   conversions  = 3 * 3 * 3 * 31 = 837
  //   cells        = 40 * (3 * 10 + 1) = 1240
  //   dac   = 3 * 3 * 40 * 0.5 * 0.5 = 90
  //   array = 3 * 3 * 0.5 * 1240 * 0.25 = 1395
  //   adc   = 837 * 2 = 1674; shift = 837 * 0.125 = 104.625
  //   latency = 3 * 3 * 3 * max(10, ceil(31 / 4) * 1) = 270 ns
  hw::XbarPrecision p = roundTarget().precision();
  p.mapping = hw::WeightMapping::Offset;
  p.unsignedInput = true;
  const cost::Model m(roundTarget());
  Cost c = m.crossbarMvm(3, 40, 10, p);
  EXPECT_EQ(c.adcConversions, 837);
  EXPECT_DOUBLE_EQ(c.energy.dac, 90.0);
  EXPECT_DOUBLE_EQ(c.energy.array, 1395.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 1674.0);
  EXPECT_DOUBLE_EQ(c.energy.shiftAdd, 104.625);
  EXPECT_DOUBLE_EQ(c.latencyNs, 270.0);
  // Programming writes the reference column too: 40 * 31 cells.
  EXPECT_EQ(m.crossbarProgram(40, 10, p).cellWrites, 1240);
  // Two's complement, signed inputs: 2 low slices + the sign = 3 slices, 3
  // cells a weight, no reference; cycles ceil(4 / 2) = 2.
  p.mapping = hw::WeightMapping::TwosComplement;
  p.unsignedInput = false;
  c = m.crossbarMvm(3, 40, 10, p);
  EXPECT_EQ(c.adcConversions, 3 * 2 * 3 * 30);
  EXPECT_DOUBLE_EQ(c.energy.array, 3 * 2 * 0.5 * (40 * 30) * 0.25);
  EXPECT_EQ(m.crossbarProgram(40, 10, p).cellWrites, 40 * 30);
}

TEST(Cost, CrossbarMvmAdcBound) {
  // One ADC per array; 1 vector through a full 16x16 block.
  //   groups = 1, convPerGroup = 2 * 16 = 32, conversions = 1 * 2 * 1 * 32
  //   = 64; conversion time per group = 32 * 1 ns = 32 ns > 10 ns read;
  //   latency = 1 * 2 * 1 * 32 = 64 ns.
  //   cellsRead = 16 * 4 * 16 = 1024; array = 2 * 0.5 * 1024 * 0.25 = 256;
  //   dac = 2 * 16 * 0.5 driven * 0.5 = 8; adc = 128; shift = 8;
  //   MACs = 256.
  hw::Target t = roundTarget();
  t.adcsPerArray = 1;
  const Cost c = cost::Model(t).crossbarMvm(1, 16, 16);
  EXPECT_EQ(c.adcConversions, 64);
  EXPECT_EQ(c.macs, 256);
  EXPECT_DOUBLE_EQ(c.energy.dac, 8.0);
  EXPECT_DOUBLE_EQ(c.energy.array, 256.0);
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
  const Cost c = cost::Model(t).crossbarMvm(2, 17, 10);
  EXPECT_EQ(c.adcConversions, 160);
  EXPECT_DOUBLE_EQ(c.latencyNs, 140.0);
  // 16 rows is exactly one group: 2 * 2 * 1 * 17.5 = 70 ns.
  EXPECT_DOUBLE_EQ(cost::Model(t).crossbarMvm(2, 16, 10).latencyNs, 70.0);
}

TEST(Cost, CrossbarMvmBalanced) {
  // Conversion time equal to the read: 2 * 16 = 32 conversions / 4 ADCs =
  // 8 rounds * 1.25 ns = 10 ns. latency = 1 * 2 * 1 * 10 = 20 ns.
  hw::Target t = roundTarget();
  t.latency.adcConvNs = 1.25;
  const Cost c = cost::Model(t).crossbarMvm(1, 8, 16);
  EXPECT_DOUBLE_EQ(c.latencyNs, 20.0);
  EXPECT_EQ(c.adcConversions, 64); // 1 * 2 * 1 * 32
  // One more ADC round (1.5 ns conversions -> 12 ns) makes the ADC the
  // bottleneck: 2 * 12 = 24 ns.
  t.latency.adcConvNs = 1.5;
  EXPECT_DOUBLE_EQ(cost::Model(t).crossbarMvm(1, 8, 16).latencyNs, 24.0);
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
  const Cost c = cost::Model(*t).crossbarMvm(1, 128, 16);
  EXPECT_EQ(c.adcConversions, 1792);
  EXPECT_EQ(c.macs, 2048);
  EXPECT_DOUBLE_EQ(c.latencyNs, 2800.0);
  EXPECT_DOUBLE_EQ(c.energy.adc, 2800.0);
}

TEST(Cost, CrossbarProgram) {
  // 40x10 weights, 2 x 2 cells each: 40 * 10 * 4 = 1600 cell writes,
  // 1600 * 10 pJ = 16000 pJ, rows written one at a time: 40 * 50 = 2000 ns.
  const Cost c = cost::Model(roundTarget()).crossbarProgram(40, 10);
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
  Cost add = cost::Model(t).dpuElementwise(DpuOpKind::Add, 100);
  EXPECT_DOUBLE_EQ(add.energy.dpu, 100.0);
  EXPECT_DOUBLE_EQ(add.latencyNs, 26.0);
  EXPECT_EQ(add.macs, 0);
  // 100 muls: 100 * 4 pJ, same time.
  Cost mul = cost::Model(t).dpuElementwise(DpuOpKind::Mul, 100);
  EXPECT_DOUBLE_EQ(mul.energy.dpu, 400.0);
  EXPECT_DOUBLE_EQ(mul.latencyNs, 26.0);
  // Max is priced like an add.
  Cost mx = cost::Model(t).dpuElementwise(DpuOpKind::Max, 100);
  EXPECT_DOUBLE_EQ(mx.energy.dpu, 100.0);
  // Exactly one lane-width: 1 cycle = 2 ns; nothing: 0.
  EXPECT_DOUBLE_EQ(cost::Model(t).dpuElementwise(DpuOpKind::Add, 8).latencyNs,
                   2.0);
  EXPECT_DOUBLE_EQ(cost::Model(t).dpuElementwise(DpuOpKind::Add, 9).latencyNs,
                   4.0);
  EXPECT_DOUBLE_EQ(cost::Model(t).dpuElementwise(DpuOpKind::Add, 0).latencyNs,
                   0.0);
  EXPECT_DOUBLE_EQ(
      cost::Model(t).dpuElementwise(DpuOpKind::Add, 0).energy.total(), 0.0);
}

TEST(Cost, DpuMatmul) {
  // (4x5) * (5x6): 120 MACs, each a mul + an add: 120 * (4 + 1) = 600 pJ;
  // ceil(120 / 8) = 15 cycles * 2 ns = 30 ns.
  const Cost c = cost::Model(roundTarget()).dpuMatmul(4, 5, 6);
  EXPECT_EQ(c.macs, 120);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 600.0);
  EXPECT_DOUBLE_EQ(c.latencyNs, 30.0);
  EXPECT_EQ(c.adcConversions, 0);
  EXPECT_EQ(c.cellWrites, 0);
}

TEST(Cost, Accumulation) {
  const hw::Target t = roundTarget();
  Cost sum;
  sum += cost::Model(t).crossbarProgram(40, 10); // 2000 ns, 16000 pJ write
  sum += cost::Model(t).crossbarMvm(3, 40, 10);  // 180 ns, 2025 pJ
  sum += cost::Model(t).dpuMatmul(4, 5, 6);      // 30 ns, 600 pJ
  EXPECT_DOUBLE_EQ(sum.latencyNs, 2210.0);
  EXPECT_EQ(sum.cellWrites, 1600);
  EXPECT_EQ(sum.adcConversions, 360);
  EXPECT_EQ(sum.macs, 1320); // 1200 + 120
  EXPECT_DOUBLE_EQ(sum.energy.write, 16000.0);
  EXPECT_DOUBLE_EQ(sum.energy.dpu, 600.0);
  EXPECT_DOUBLE_EQ(sum.energy.total(), 16000.0 + 2025.0 + 600.0);
}

//===----------------------------------------------------------------------===//
// Technology models and derived constants (docs/cost-model.md)
//===----------------------------------------------------------------------===//

TEST(CostTechnology, SarAdcSurveyFit) {
  // Andrulis et al.'s fit; reference values from running the released
  // plug-in model (not this code). 8 bits at 22 nm, 1 GS/s (below the
  // rate knee, ~1.07 GHz for 8 bits): FOMS = min(213.7807 - 2.8719 ln 1e9,
  // 128.3068 + 3.2205 * 8) = 154.0709 dB; SNDR 49.926 dB;
  // E0 = 1 / (2 * 10^10.4145) J; x exp(26.0496 + 1.8800 ln 22 - 2.8291 ln 8
  // - 1.4702) = 0.8472 pJ.
  EXPECT_NEAR(cost::sarEnergyPJ(8, 1e9, 22), 0.84724, 1e-4);
  EXPECT_NEAR(cost::sarEnergyPJ(4, 1e8, 65), 3.5007, 1e-3);
  EXPECT_NEAR(cost::sarEnergyPJ(6, 1e8, 7), 0.061160, 1e-5);
  // Below the knee the rate does not matter; above it, it does.
  EXPECT_DOUBLE_EQ(cost::sarEnergyPJ(8, 1e7, 22),
                   cost::sarEnergyPJ(8, 1e9, 22));
  EXPECT_GT(cost::sarEnergyPJ(8, 1e10, 22), 4 * cost::sarEnergyPJ(8, 1e9, 22));
  // The fit starts at 4 bits: fewer cost what 4 do.
  EXPECT_DOUBLE_EQ(cost::sarEnergyPJ(2, 1e8, 22),
                   cost::sarEnergyPJ(4, 1e8, 22));
  // Area: exp(1.34619 + 0.99328 ln 22 + 0.18072 ln 1e9 + 0.29912 ln 0.8472)
  // = 3334 um^2 (the plug-in gives 3334).
  EXPECT_NEAR(cost::sarAreaUm2(1e9, 22, 0.84724), 3333.86, 0.05);
  // Nominal supplies: 45 nm 1.0 V; 22 nm between 32 (0.9) and 20 nm (0.8).
  EXPECT_DOUBLE_EQ(cost::nominalVdd(45), 1.0);
  EXPECT_NEAR(cost::nominalVdd(22), 0.9 - 0.1 * 10.0 / 12.0, 1e-12);
}

TEST(CostTechnology, NodeScaling) {
  EXPECT_DOUBLE_EQ(cost::energyScale(45, 0.9, 45, 0.9), 1.0);
  // 22 nm lies 10/12 of the way from 32 to 20 nm. At 0.8 V:
  //   32 nm: 0.9559*0.64 - 0.7823*0.8 + 0.471    = 0.456936
  //   20 nm: 0.373*0.64 - 0.1582*0.8 + 0.04104    = 0.15320
  //   22 nm: 0.456936/6 + 0.15320*5/6             = 0.203823
  // and 32 nm at 0.9 V: 0.9559*0.81 - 0.7823*0.9 + 0.471 = 0.541209.
  EXPECT_NEAR(cost::energyScale(32, 0.9, 22, 0.8), 0.203823 / 0.541209, 1e-6);
  // Area: 0.46 (32 nm) and 0.21 (20 nm) of 45 nm -> 0.46/6 + 0.21*5/6.
  EXPECT_NEAR(cost::areaScale(45, 22), 0.2516667, 1e-7);
  EXPECT_NEAR(cost::areaScale(22, 45), 1 / 0.2516667, 1e-6);
}

/// roundTarget() with a technology at 45 nm and 0.9 V, Horowitz's own node
/// and voltage, so that digital constants are his numbers unscaled.
hw::Target techTarget() {
  hw::Target t = roundTarget();
  t.adcBits = 8;
  t.energy = {hw::kDerived, hw::kDerived, hw::kDerived, hw::kDerived,
              hw::kDerived, hw::kDerived, hw::kDerived};
  t.latency = {hw::kDerived, hw::kDerived, hw::kDerived};
  hw::Technology y;
  y.nodeNm = 45;
  y.vdd = 0.9;
  y.cell = "rram";
  y.cellAreaF2 = 4;
  y.gOnUS = 10;
  y.gOffUS = 0;
  y.readVoltage = 0.5;
  y.readPulseNs = 10;
  y.writeEnergyPJ = 2;
  y.writeLatencyNs = 30;
  y.endurance = 1e6;
  y.adcSarClockGHz = 9; // 8 bits: 9 cycles -> 1 ns, 1 GS/s
  y.bufferKiB = 1;
  t.technology = y;
  return t;
}

TEST(CostTechnology, ComparatorAdcs) {
  // Flash: 2^b - 1 comparators of 12.4 fJ at 7 nm, 0.8 V (Sinangil), scaled
  // to 45 nm, 0.9 V by Stillmaker-Baas: (1.103*0.81 - 0.362*0.9 + 0.2767) /
  // (0.1776*0.64 - 0.09097*0.8 + 0.02447) = 0.84433 / 0.065358.
  hw::Target f = techTarget();
  f.adcKind = "flash";
  f.adcBits = 4;
  const double scale = 0.84433 / 0.065358;
  const cost::Model mf(f);
  EXPECT_NEAR(mf.energy().adcPerConvPJ, 15 * 0.186 / 15 * scale, 1e-4);
  // One cycle of the 9 GHz ADC clock, whatever the bits.
  EXPECT_NEAR(mf.latency().adcConvNs, 1.0 / 9.0, 1e-15);
  // 5 bits: 31 comparators.
  f.adcBits = 5;
  EXPECT_NEAR(cost::Model(f).energy().adcPerConvPJ, 31 * 0.0124 * scale, 1e-4);
  // Sense amplifiers: 0.887 fJ of switching (NeuroSim, 22 nm, 0.85 V) each
  // (the cell currents are the array read's); sensing takes 1.224 + 0.1755
  // x 2^5 / sqrt(16 rows) = 2.628 ns during the read; area adds a
  // reference column per ADC.
  hw::Target a = techTarget();
  a.adcKind = "sense_amp";
  a.adcBits = 5;
  a.technology->nodeNm = 22;
  a.technology->vdd = 0.85;
  const cost::Model ma(a);
  EXPECT_NEAR(ma.energy().adcPerConvPJ, 0.0275, 1e-12);
  EXPECT_DOUBLE_EQ(ma.latency().adcConvNs, 1.224 + 0.1755 * 32 / 4);
  // 8 arrays x 4 ADCs x (31 x 612/496 um^2 + 64 rows x 4 F^2 of 22 nm).
  EXPECT_NEAR(ma.area().adcs,
              32 * (31 * 612.0 / 496 + 64 * 4 * 0.022 * 0.022) * 1e-6, 1e-12);
  // Latency: sense amplifiers convert while the rows are driven, one read
  // per group of columns sharing the ADCs: 20 conversions on 4 ADCs = 5
  // reads of 10 ns per row group; 2 cycles, 1 group.
  EXPECT_DOUBLE_EQ(ma.crossbarMvm(1, 16, 10).latencyNs, 2 * 5 * 10.0);
  // With a 1 ns read the sensing sets each of the 5 reads; at other
  // parallel rows (4: 1.224 + 0.1755 x 32 / 2) or ADC bits (3: 1.224 +
  // 0.1755 x 8 / 4) the sensing time follows the instruction's precision.
  hw::Target fast = a;
  fast.technology->readPulseNs = 1.0;
  fast.latency.arrayReadNs = hw::kDerived;
  const cost::Model mfast(fast);
  EXPECT_DOUBLE_EQ(mfast.crossbarMvm(1, 16, 10).latencyNs,
                   2 * 5 * (1.224 + 0.1755 * 32 / 4));
  hw::XbarPrecision p4 = fast.precision();
  p4.parallelRows = 4;
  EXPECT_DOUBLE_EQ(mfast.crossbarMvm(1, 16, 10, p4).latencyNs,
                   2 * 4 * 5 * (1.224 + 0.1755 * 32 / 2));
  hw::XbarPrecision p3 = fast.precision();
  p3.adcBits = 3;
  EXPECT_DOUBLE_EQ(mfast.crossbarMvm(1, 16, 10, p3).latencyNs,
                   2 * 5 * (1.224 + 0.1755 * 8 / 4));
  // SAR with the same target: the conversions (5 x 6/9 ns) hide under the
  // 10 ns read.
  hw::Target sar = a;
  sar.adcKind = "sar";
  EXPECT_DOUBLE_EQ(cost::Model(sar).crossbarMvm(1, 16, 10).latencyNs, 2 * 10.0);
  // With one ADC the 20 conversions (20 x 6/9 ns = 13.3 ns) are longer
  // than the read and set the time.
  sar.adcsPerArray = 1;
  EXPECT_NEAR(cost::Model(sar).crossbarMvm(1, 16, 10).latencyNs,
              2 * 20 * 6.0 / 9.0, 1e-12);
}

TEST(Cost, AccumulateOnTheArraysAdders) {
  // 3 partials of 40 elements: 80 adds * 0.125 pJ = 10 pJ of shift-add;
  // 3 arrays x 4 adders = 12 units: ceil(80 / 12) = 7 cycles of 2 ns.
  const Cost c = cost::Model(roundTarget()).accumulate(40, 3);
  EXPECT_DOUBLE_EQ(c.energy.shiftAdd, 10.0);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 0.0);
  EXPECT_DOUBLE_EQ(c.energy.total(), 10.0); // no buffer, no interconnect
  EXPECT_DOUBLE_EQ(c.latencyNs, 14.0);
  // With them: 80 of the 120 partial results (32 bits) never reach the
  // buffer: -2560 bits of buffer and interconnect energy.
  const cost::Model m(techTarget());
  const Cost t = m.accumulate(40, 3);
  EXPECT_NEAR(t.energy.buffer, -2560 * m.bufferPJPerBit(), 1e-12);
  EXPECT_NEAR(t.energy.interconnect, -2560 * m.interconnectPJPerBit(), 1e-12);
}

TEST(Cost, ActivationsOnTheArraysOutputUnits) {
  // A ReLU (max) of 100 elements on the results of 3 arrays of 4 ADCs:
  // 100 x 1 pJ (the DPU's add) = 100 pJ of DPU energy, 12 units: ceil(100 /
  // 12) = 9 cycles of the 500 MHz clock = 18 ns; no buffer traffic. On the
  // DPU's 8 lanes it would take ceil(100 / 8) = 13 cycles = 26 ns.
  const cost::Model m(roundTarget());
  const Cost c = m.arrayElementwise(cost::DpuOpKind::Max, 100, 3);
  EXPECT_DOUBLE_EQ(c.energy.dpu, 100.0);
  EXPECT_DOUBLE_EQ(c.energy.total(), 100.0);
  EXPECT_DOUBLE_EQ(c.latencyNs, 18.0);
  EXPECT_DOUBLE_EQ(m.dpuElementwise(cost::DpuOpKind::Max, 100).latencyNs,
                   26.0);
  // A multiply costs the DPU's multiply: 4 pJ each.
  EXPECT_DOUBLE_EQ(
      m.arrayElementwise(cost::DpuOpKind::Mul, 10, 1).energy.total(), 40.0);
}

TEST(CostTechnology, DerivedConstants) {
  const cost::Model m(techTarget());
  // fp32 DPU: Horowitz 0.9 / 3.7 pJ (scale 1 at 45 nm, 0.9 V).
  EXPECT_NEAR(m.energy().dpuAddPJ, 0.9, 1e-12);
  EXPECT_NEAR(m.energy().dpuMulPJ, 3.7, 1e-12);
  // cell read at level 0: 0.5 V^2 * g_off (0 uS) * 10 ns.
  EXPECT_EQ(m.energy().cellReadPJ, 0.0);
  // SAR at 45 nm, 1 GS/s: the fit's 3.2531 pJ at 1.0 V nominal, x 0.9^2.
  EXPECT_NEAR(m.energy().adcPerConvPJ, 3.2531 * 0.81, 1e-3);
  EXPECT_EQ(m.energy().cellWritePJ, 2.0);
  // A 2-bit DAC is 2 row drives: the driver (9.4 fJ) and the word line
  // along 64 cells of sqrt(4) F at 45 nm (5.76 um x 0.33 fJ/um), NeuroSim's
  // at 22 nm and 0.85 V, scaled to 45 nm, 0.9 V: * 0.84433 / 0.229499.
  EXPECT_NEAR(m.energy().dacPerRowPJ,
              2 * (9.4e-3 + 0.33e-3 * 64 * 2 * 0.045) * 0.84433 / 0.229499,
              1e-6 * 0.0832); // the factors are rounded to 6 digits
  // ISAAC shift-and-add: 0.05 mW / 1.28 GHz = 0.0390625 pJ, scaled.
  EXPECT_NEAR(m.energy().shiftAddPJ, 0.0390625 * 0.84433 / 0.541209, 1e-12);
  EXPECT_NEAR(m.bufferPJPerBit(), 10.0 / 64, 1e-12);
  EXPECT_EQ(m.latency().arrayReadNs, 10.0);
  EXPECT_EQ(m.latency().adcConvNs, 1.0);
  EXPECT_EQ(m.latency().rowWriteNs, 30.0);
  // Every constant is listed with its origin.
  EXPECT_EQ(m.constants().size(), 14u);
  for (const cost::Constant &c : m.constants())
    EXPECT_FALSE(c.origin.empty()) << c.name;

  // Resolution-dependent ADC: 6 bits take 7 cycles of the 9 GHz clock,
  // 7/9 ns, at 9/7 GS/s; 10 bits 11/9 ns.
  hw::Target a6 = techTarget();
  a6.adcBits = 6;
  EXPECT_NEAR(cost::Model(a6).latency().adcConvNs, 7.0 / 9.0, 1e-15);
  EXPECT_NEAR(cost::Model(a6).energy().adcPerConvPJ,
              cost::sarEnergyPJ(6, 9e9 / 7, 45) * 0.81, 1e-15);
  a6.adcBits = 10;
  EXPECT_NEAR(cost::Model(a6).latency().adcConvNs, 11.0 / 9.0, 1e-15);

  hw::Target i8 = techTarget();
  i8.dpuPrecision = "int8";
  EXPECT_NEAR(cost::Model(i8).energy().dpuMulPJ, 0.2, 1e-12);
  EXPECT_EQ(cost::Model(i8).dpuBits(), 8);
  // A constant the target gives wins over the derived one.
  hw::Target given = techTarget();
  given.energy.adcPerConvPJ = 5;
  EXPECT_EQ(cost::Model(given).energy().adcPerConvPJ, 5.0);
}

TEST(CostTechnology, AreaByHand) {
  const cost::Area a = cost::Model(techTarget()).area();
  // 8 arrays of 64 x 64 cells of 4 F^2, F = 45 nm = 45e-6 mm.
  EXPECT_NEAR(a.arrays, 8 * 64 * 64 * 4 * 45e-6 * 45e-6, 1e-15);
  // DPU: 8 lanes of a fp32 adder (4184 um^2) and multiplier (7700 um^2).
  EXPECT_NEAR(a.dpu, 8 * (4184 + 7700) * 1e-6, 1e-12);
  // 1 KiB of buffer at ISAAC's 0.0021 mm^2 per 2 KB (32 nm), / 0.46 to 45 nm.
  EXPECT_NEAR(a.buffers, 8192 * 0.0021 / 16384 / 0.46, 1e-12);
  // 64 rows of 2-bit DACs per array: 2 ISAAC DACs (0.00017 mm^2 / 1024).
  EXPECT_NEAR(a.dacs, 8 * 64 * 2 * 0.00017 / 1024 / 0.46, 1e-12);
  // 4 shift-and-add units per array (ISAAC: 0.00024 mm^2 / 4).
  EXPECT_NEAR(a.shiftAdd, 8 * 4 * 0.00006 / 0.46, 1e-12);
  // 4 SAR ADCs per array, 8 bits at 1 GS/s at 45 nm, 2.6350 pJ:
  // exp(1.34619 + 0.99328 ln 45 + 0.18072 ln 1e9 + 0.29912 ln 2.6350)
  // = 9529 um^2.
  EXPECT_NEAR(a.adcs, 8 * 4 * 9529.09e-6, 1e-5);
  // Interconnect: an H-tree over the chip's side S = sqrt(the rest), 8
  // leaves, a bus of 64 rows x 2 DAC bits, wires at a 4 F pitch:
  // 1.5 S sqrt(8) x 128 x 4 x 45e-6 mm.
  const double rest =
      a.arrays + a.adcs + a.dacs + a.shiftAdd + a.dpu + a.buffers;
  EXPECT_NEAR(a.interconnect,
              1.5 * std::sqrt(rest) * std::sqrt(8.0) * 128 * 4 * 45e-6, 1e-15);
  EXPECT_NEAR(a.total(), rest + a.interconnect, 1e-15);
  // No technology, no area.
  EXPECT_EQ(cost::Model(roundTarget()).area().total(), 0.0);
}

TEST(CostTechnology, ChargeDomainCells) {
  // A 2 fF cell read at 0.5 V: a level-0 cell moves nothing, the top level
  // 2 fF x 0.25 V^2 = 0.5 fJ; 96 levels of 3 in 1 vector x 2 cycles x 0.5
  // driven: 96 / 3 * 0.0005 pJ = 0.016 pJ a cycle -> 0.016 pJ.
  hw::Target t = techTarget();
  t.technology->cellCapFF = 2;
  const cost::Model m(t);
  EXPECT_EQ(m.energy().cellReadPJ, 0.0);
  EXPECT_NEAR(m.arrayReadPJ(1, 16, 10, t.precision(), 96), 0.016, 1e-15);
}

TEST(CostTechnology, InterconnectAndLeakage) {
  const hw::Target t = techTarget();
  const cost::Model m(t);
  const cost::Area &a = m.area();
  // A bit crosses the chip's side S (the H-tree's root-to-leaf length) at
  // NeuroSim's 0.097 fJ per bit per um (22 nm, 0.85 V), scaled to 45 nm,
  // 0.9 V: 0.84433 / (Stillmaker-Baas at 22 nm, 0.85 V: 1/6 of 32 nm's
  // 0.496683 + 5/6 of 20 nm's 0.176063 = 0.229499).
  const double side = std::sqrt(a.total() - a.interconnect);
  EXPECT_NEAR(m.interconnectPJPerBit(), 0.097 * 0.84433 / 0.229499 * side,
              1e-5 * m.interconnectPJPerBit());
  // An MVM sends its 10 32-bit outputs back over it; its 16 5-bit inputs
  // are sent once per input value (inputTraffic).
  EXPECT_NEAR(m.crossbarMvm(1, 16, 10).energy.interconnect,
              320 * m.interconnectPJPerBit(), 1e-12);
  EXPECT_NEAR(m.inputTraffic(80).energy.interconnect,
              80 * m.interconnectPJPerBit(), 1e-12);
  EXPECT_NEAR(m.inputTraffic(80).energy.buffer, 80 * m.bufferPJPerBit(), 1e-12);
  // Leakage: 8 arrays x 0.10 uW x 64/128 columns + 1 KiB x 0.57 uW / 16 Kbit
  // + 8 lanes x (adder + multiplier) x 32 bits x 0.134 nW.
  EXPECT_NEAR(m.leakageUW(),
              8 * 0.10 * 0.5 + 8192 * 0.57 / 16384 + 8 * 2 * 32 * 0.134e-3,
              1e-12);
  // No technology: neither.
  EXPECT_EQ(cost::Model(roundTarget()).interconnectPJPerBit(), 0.0);
  EXPECT_EQ(cost::Model(roundTarget()).leakageUW(), 0.0);
}

TEST(CostTechnology, OneMvmWithBufferTraffic) {
  const cost::Model m(techTarget());
  // 1 vector through a 16 x 10 block: outputs 10 * 32 bits written:
  // 320 bits * 0.15625 pJ = 50 pJ (its 16 * 5 input bits are read once per
  // input value, by inputTraffic: 12.5 pJ).
  const Cost c = m.crossbarMvm(1, 16, 10);
  EXPECT_NEAR(c.energy.buffer, 50.0, 1e-12);
  EXPECT_NEAR(m.inputTraffic(80).energy.buffer, 12.5, 1e-12);
  // Levels unknown: each of the 16 * 2 slices * 10 magnitude cells at
  // the middle level 1.5 of 3: 480 levels * (0.25 V^2 * 10 uS * 10 ns =
  // 0.025 pJ) / 3 = 4 pJ a cycle (the g_off cells draw nothing), * 2 cycles
  // * 0.5 of the rows driven = 4 pJ.
  EXPECT_NEAR(c.energy.array, 4.0, 1e-12);
  // Levels known: 96 levels -> 96 * 0.025 / 3 * 2 * 0.5 = 0.8 pJ.
  EXPECT_NEAR(m.crossbarMvm(1, 16, 10, m.target().precision(), 96).energy.array,
              0.8, 1e-12);
  EXPECT_NEAR(m.arrayReadPJ(1, 16, 10, m.target().precision(), 96), 0.8, 1e-12);
  // Every row driven, g_off = 1 uS: 640 cells * 0.25 * 1 * 10e-3 = 1.6 pJ
  // plus 96 * 0.25 * 9 * 10e-3 / 3 = 0.72 pJ, a cycle; * 2 cycles.
  hw::Target off = techTarget();
  off.technology->gOffUS = 1;
  off.inputBitDensity = 1;
  EXPECT_NEAR(cost::Model(off).arrayReadPJ(1, 16, 10, off.precision(), 96),
              2 * (1.6 + 0.72), 1e-12);
  // Per group: 20 conversions on 4 ADCs at 1 ns = 5 ns < 10 ns read pulse:
  // 2 cycles * 1 group * 10 ns.
  EXPECT_DOUBLE_EQ(c.latencyNs, 20.0);
  // DPU traffic: 3 fp32 operands per element.
  EXPECT_NEAR(m.bufferTraffic(3).energy.buffer, 3 * 32 * 0.15625, 1e-12);
}

} // namespace

//===----------------------------------------------------------------------===//
// Programmed levels (imc/Hardware/Codes.h)
//===----------------------------------------------------------------------===//

namespace {
hw::XbarPrecision cellPrecision(
    int64_t wb, int64_t cb,
    hw::WeightMapping m = hw::WeightMapping::Differential) {
  hw::XbarPrecision p;
  p.weightBits = wb;
  p.cellBits = cb;
  p.mapping = m;
  return p;
}

constexpr hw::WeightMapping kMappings[] = {hw::WeightMapping::Differential,
                                           hw::WeightMapping::Offset,
                                           hw::WeightMapping::TwosComplement};

TEST(CellLevels, ByHand) {
  // A 2 x 2 block, 4-bit weights (Lw = 7), column scales 1/7 and 2/7:
  //   column 0: 1.0 -> 7, -0.5 -> -3.5 -> -4 (half to even)
  //   column 1: 0.3 / (2/7) = 1.05 -> 1, 2.0 -> 7
  // 1-bit cells: digit sums 3 + 1 + 1 + 3 = 8; 2-bit cells (digits of 7 =
  // 13_4: 1 + 3; of 4 = 10_4: 1; of 1: 1): 4 + 1 + 1 + 4 = 10.
  const float w[] = {1.0f, 0.3f, -0.5f, 2.0f};
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 1)), 8);
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 2)), 10);
  // 3-bit cells: one slice, the magnitudes 7 + 4 + 1 + 7 = 19.
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 3)), 19);
  // Offset: u = q + 8 = 15, 4, 9, 15; 1-bit cells 4 + 1 + 2 + 4 = 11;
  // 2-bit cells (15 = 33_4, 4 = 10_4, 9 = 21_4) 6 + 1 + 3 + 6 = 16.
  const hw::WeightMapping off = hw::WeightMapping::Offset;
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 1, off)), 11);
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 2, off)), 16);
  // Two's complement: the 3 low bits (7 -> 111, -4 -> 100, 1, 7) and the
  // sign cell of -4: 1-bit cells 3 + (1 + 1) + 1 + 3 = 9; 2-bit cells
  // (7 = 13_4, 4 = 10_4) 4 + (1 + 1) + 1 + 4 = 11.
  const hw::WeightMapping twos = hw::WeightMapping::TwosComplement;
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 1, twos)), 9);
  EXPECT_EQ(hw::levelSum(w, 2, 2, 2, cellPrecision(4, 2, twos)), 11);
  // Row blocks of 1: every column's one weight is its own max -> 7 each,
  // or -7 for -0.5 (u = 1, two's complement 1001).
  const hw::LevelTable t = hw::levelSums(w, 2, 2, 1);
  EXPECT_EQ(t[hw::levelIndex(hw::WeightMapping::Differential, 4, 3)], 4 * 7);
  EXPECT_EQ(t[hw::levelIndex(hw::WeightMapping::Differential, 4, 1)], 4 * 3);
  EXPECT_EQ(t[hw::levelIndex(off, 4, 1)], 3 * 4 + 1);
  EXPECT_EQ(t[hw::levelIndex(twos, 4, 1)], 3 * 3 + 2);
  // Zeros and an all-zero column program nothing (differential, two's
  // complement), or the offset (2^(wb-1): one level a weight).
  const float z[] = {0.0f, 0.0f, 0.0f, 0.0f};
  EXPECT_EQ(hw::levelSum(z, 2, 2, 2, cellPrecision(8, 2)), 0);
  EXPECT_EQ(hw::levelSum(z, 2, 2, 2, cellPrecision(8, 2, twos)), 0);
  EXPECT_EQ(hw::levelSum(z, 2, 2, 2, cellPrecision(8, 3, off)), 4 * 2);
}

TEST(CellLevels, TiesNaNsAndInfinitiesCountAsTheSimulatorCodesThem) {
  // 4-bit weights (Lw = 7): a column whose max is 7 has scale 1, so x.5
  // values are exact ties (round half to even: 0.5 -> 0, 1.5 -> 2, 2.5 ->
  // 2, 3.5 -> 4); NaN codes 0; a column holding an infinity has an
  // infinite scale (finite values code 0, the infinity NaN -> 0); an
  // all-zero column codes 0.
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float w[] = {7.0f,  inf, 0.0f, -0.5f, 3.0f,  0.0f, 1.5f, 1.0f,  0.0f,
                     -2.5f, nan, 0.0f, 3.5f,  -2.0f, 0.0f, 6.5f, -6.5f, 0.0f};
  // The table's vectorized kernel must agree with the simulator's own
  // quantize() (levelSum) at every precision and height.
  for (int64_t tileRows : {1, 2, 3}) {
    const hw::LevelTable t = hw::levelSums(w, 3, 6, tileRows);
    for (hw::WeightMapping m : kMappings)
      for (int64_t wb = 2; wb <= 16; ++wb)
        for (int64_t cb = 1; cb <= 8; ++cb) {
          int64_t sum = 0;
          for (int64_t r0 = 0; r0 < 3; r0 += tileRows)
            sum += hw::levelSum(&w[r0 * 6],
                                std::min<int64_t>(tileRows, 3 - r0), 6, 6,
                                cellPrecision(wb, cb, m));
          ASSERT_EQ(t[hw::levelIndex(m, wb, cb)], sum)
              << int(m) << " " << wb << " " << cb << " " << tileRows;
        }
  }
  // By hand at 4 bits, 3-bit cells (the magnitude itself), one block:
  // column 0 (max 7, scale 1): 7, 1.5 -> 2, 3.5 -> 4 = 13; column 1 (inf):
  // 0 + 0 + NaN -> 0 = 0; column 2: 0; column 3 (max 6.5, scale 6.5/7):
  // 0.5 * 7/6.5 = 0.54 -> 1, 2.5 * 7/6.5 = 2.69 -> 3, 7 = 11; column 4 (max
  // 6.5): 3 * 7/6.5 = 3.23 -> 3, NaN -> 0, 7 = 10; column 5: 0.
  EXPECT_EQ(hw::levelSum(w, 3, 6, 6, cellPrecision(4, 3)),
            13 + 0 + 0 + 11 + 10 + 0);
}

TEST(CellLevels, TablesMatchTheCodesOfEveryBlock) {
  // levelSums over row blocks equals levelSum block by block, which equals
  // the digit sums of the codes the test's own reference quantizer gives.
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const int64_t k = 37, n = 9;
  std::vector<float> w(size_t(k * n));
  for (float &v : w)
    v = dist(rng);
  auto digits = [](int64_t q, int64_t cb) {
    int64_t d = 0;
    for (; q > 0; q >>= cb)
      d += q & ((int64_t(1) << cb) - 1);
    return d;
  };
  for (int64_t tileRows : {1, 8, 16, 37, 64}) {
    const hw::LevelTable t = hw::levelSums(w.data(), k, n, tileRows);
    for (hw::WeightMapping m : kMappings)
      for (int64_t wb = 2; wb <= 16; ++wb)
        for (int64_t cb = 1; cb <= 8; ++cb) {
          int64_t blocks = 0, ref = 0;
          const int64_t half = int64_t(1) << (wb - 1), lw = half - 1;
          for (int64_t r0 = 0; r0 < k; r0 += tileRows) {
            const int64_t nr = std::min(tileRows, k - r0);
            blocks += hw::levelSum(&w[size_t(r0 * n)], nr, n, n,
                                   cellPrecision(wb, cb, m));
            for (int64_t c = 0; c < n; ++c) {
              double mx = 0;
              for (int64_t r = r0; r < r0 + nr; ++r)
                mx = std::max(mx, std::fabs(double(w[size_t(r * n + c)])));
              for (int64_t r = r0; r < r0 + nr; ++r) {
                int64_t q = int64_t(
                    std::nearbyint(double(w[size_t(r * n + c)]) / (mx / lw)));
                q = std::clamp(q, -lw, lw);
                if (m == hw::WeightMapping::Differential)
                  ref += digits(std::llabs(q), cb);
                else if (m == hw::WeightMapping::Offset)
                  ref += digits(q + half, cb);
                else
                  ref += q < 0 ? digits(q + half, cb) + 1 : digits(q, cb);
              }
            }
          }
          ASSERT_EQ(t[hw::levelIndex(m, wb, cb)], blocks)
              << "rows " << tileRows << " wb " << wb << " cb " << cb;
          ASSERT_EQ(blocks, ref)
              << "rows " << tileRows << " wb " << wb << " cb " << cb;
        }
  }
}
} // namespace
