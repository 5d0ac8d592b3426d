//===- CostModel.cpp - imc latency / energy model -------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The formulas here are written out, with their constants' sources, in
// docs/cost-model.md; keep the two in step.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/CostModel.h"

#include <algorithm>

namespace imc::cost {

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

Energy &Energy::operator+=(const Energy &o) {
  dac += o.dac;
  array += o.array;
  adc += o.adc;
  shiftAdd += o.shiftAdd;
  write += o.write;
  dpu += o.dpu;
  return *this;
}

Cost &Cost::operator+=(const Cost &o) {
  latencyNs += o.latencyNs;
  energy += o.energy;
  cellWrites += o.cellWrites;
  adcConversions += o.adcConversions;
  macs += o.macs;
  return *this;
}

/// DPU cycles -> nanoseconds.
static double dpuNs(const hw::Target &t, int64_t cycles) {
  return double(cycles) * 1000.0 / t.dpuClockMHz;
}

Cost crossbarMvm(const hw::Target &t, int64_t vectors, int64_t rows,
                 int64_t weightCols) {
  const int64_t cycles = t.inputCycles();
  const int64_t slices = t.weightSlices();
  const int64_t groups = ceilDiv(rows, t.parallelRows);
  // One conversion per differential column pair, per slice, per row group,
  // per input cycle.
  const int64_t convPerGroup = slices * weightCols;
  const int64_t conversions = vectors * cycles * groups * convPerGroup;
  const int64_t cellsRead = rows * t.cellsPerWeight() * weightCols;

  Cost c;
  c.adcConversions = conversions;
  c.macs = vectors * rows * weightCols;
  c.energy.dac = double(vectors * cycles * rows) * t.energy.dacPerRowPJ;
  c.energy.array = double(vectors * cycles * cellsRead) * t.energy.cellReadPJ;
  c.energy.adc = double(conversions) * t.energy.adcPerConvPJ;
  c.energy.shiftAdd = double(conversions) * t.energy.shiftAddPJ;
  // A row group's array read overlaps with the conversions of its columns
  // (the ADCs of an array are pipelined behind the read, as in ISAAC).
  const double convNs =
      double(ceilDiv(convPerGroup, t.adcsPerArray)) * t.latency.adcConvNs;
  c.latencyNs = double(vectors * cycles * groups) *
                std::max(t.latency.arrayReadNs, convNs);
  return c;
}

Cost crossbarProgram(const hw::Target &t, int64_t rows, int64_t weightCols) {
  Cost c;
  c.cellWrites = rows * t.cellsPerWeight() * weightCols;
  c.energy.write = double(c.cellWrites) * t.energy.cellWritePJ;
  c.latencyNs = double(rows) * t.latency.rowWriteNs; // row-parallel writes
  return c;
}

Cost dpuElementwise(const hw::Target &t, DpuOpKind kind, int64_t elements) {
  Cost c;
  const double perOp =
      kind == DpuOpKind::Mul      ? t.energy.dpuMulPJ
      : kind == DpuOpKind::MulAdd ? t.energy.dpuMulPJ + t.energy.dpuAddPJ
                                  : t.energy.dpuAddPJ;
  c.energy.dpu = double(elements) * perOp;
  c.latencyNs = dpuNs(t, ceilDiv(elements, t.dpuLanes));
  return c;
}

Cost dpuMove(const hw::Target &t, int64_t elements) {
  Cost c;
  c.latencyNs = dpuNs(t, ceilDiv(elements, t.dpuLanes));
  return c;
}

Cost dpuMatmul(const hw::Target &t, int64_t m, int64_t k, int64_t n) {
  Cost c;
  c.macs = m * k * n;
  c.energy.dpu = double(c.macs) * (t.energy.dpuMulPJ + t.energy.dpuAddPJ);
  c.latencyNs = dpuNs(t, ceilDiv(c.macs, t.dpuLanes));
  return c;
}

} // namespace imc::cost
