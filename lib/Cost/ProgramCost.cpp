//===- ProgramCost.cpp - costs and schedule of an imc program -------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The charge of every opcode is tabulated in docs/cost-model.md ("What the
// simulator charges"); the schedule in docs/cost-model.md#schedule.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/ProgramCost.h"
#include "imc/Format/Generic.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace imc::cost {

using format::BodyOp;
using format::Instr;
using format::Opcode;
using format::Program;

static int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

ProgramCoster::ProgramCoster(const Program &p, const Model &m)
    : p(p), m(m), nnz(p.values.size(), -1),
      prec(format::tilePrecisions(p, m.target())) {
  // Only the right operands of dpu.matmul need their non-zeros counted.
  std::vector<char> needed(p.values.size(), 0);
  for (const Instr &in : p.code)
    if (in.op == Opcode::DpuMatmul)
      needed[in.operands[1]] = 1;
  for (const format::Constant &c : p.constants) {
    if (!needed[c.value])
      continue;
    const int64_t n = p.values[c.value].numElements();
    nnz[c.value] = c.isSplat(n)
                       ? (c.data[0] != 0.0f ? n : 0)
                       : std::count_if(c.data.begin(), c.data.end(),
                                       [](float v) { return v != 0.0f; });
  }
}

Charge ProgramCoster::charge(const Instr &in) const {
  Charge ch;
  Cost &c = ch.cost;
  const auto &res = p.values[in.result].shape;
  const int64_t e = numElements(res);
  auto shape = [&](size_t i) -> const std::vector<int64_t> & {
    return p.values[in.operands[i]].shape;
  };
  // DPU instructions stream their operands from the buffer and their result
  // back to it.
  auto traffic = [&] {
    int64_t n = e;
    for (size_t i = 0; i < in.operands.size(); ++i)
      n += numElements(shape(i));
    c += m.bufferTraffic(n);
  };
  auto dpu = [&](DpuOpKind kind, int64_t n) {
    c += m.dpuElementwise(kind, n);
    ch.dpuOps += n;
  };
  switch (in.op) {
  case Opcode::Empty:
  case Opcode::ExtractSlice:
  case Opcode::InsertSlice:
  case Opcode::DpuReshape:
    break; // views and addressing: free
  case Opcode::XbarProgram:
    c = m.crossbarProgram(res[0], res[1], prec[in.result]);
    ch.tiles = 1;
    break;
  case Opcode::XbarMvm: {
    const auto &tile = shape(0);
    c = m.crossbarMvm(shape(1)[0], tile[0], tile[1], prec[in.operands[0]]);
    ch.mvms = shape(1)[0];
    ch.analogMacs = c.macs;
    break;
  }
  case Opcode::XbarAccumulate:
    dpu(DpuOpKind::Add, e * int64_t(in.operands.size() - 1));
    traffic();
    break;
  case Opcode::DpuAdd:
  case Opcode::DpuSub:
  case Opcode::DpuBiasAdd:
    dpu(DpuOpKind::Add, e);
    traffic();
    break;
  case Opcode::DpuMul:
    dpu(DpuOpKind::Mul, e);
    traffic();
    break;
  case Opcode::DpuMax:
  case Opcode::DpuRelu:
    dpu(DpuOpKind::Max, e);
    traffic();
    break;
  case Opcode::DpuMatmul: {
    const int64_t mm = shape(0)[0], k = shape(0)[1], n = shape(1)[1];
    // With a constant right operand (weights the mapper kept digital, such
    // as a block-diagonal depthwise matrix) the DPU skips the zeros, which
    // are known at compile time: M x nnz MACs instead of M K N.
    const int64_t z = nnz[in.operands[1]];
    c = z >= 0 ? m.dpuMatmul(mm, z, 1) : m.dpuMatmul(mm, k, n);
    ch.dpuOps = 2 * c.macs;
    ch.digitalMacs = c.macs;
    traffic();
    break;
  }
  case Opcode::DpuReduceSum:
    dpu(DpuOpKind::Add, numElements(shape(0)));
    traffic();
    break;
  case Opcode::DpuIm2col:
  case Opcode::DpuTranspose:
    c = m.dpuMove(e);
    traffic();
    break;
  case Opcode::DpuAffine:
    dpu(DpuOpKind::MulAdd, e);
    traffic();
    break;
  case Opcode::DpuPool: {
    const bool isMax = in.attrs[0] == 0;
    const int64_t window = in.attrs[1] * in.attrs[2];
    dpu(isMax ? DpuOpKind::Max : DpuOpKind::Add, e * window);
    if (!isMax) // the division of each window sum
      dpu(DpuOpKind::Mul, e);
    traffic();
    break;
  }
  case Opcode::DpuRequantize:
    dpu(DpuOpKind::Mul, 2 * e);
    traffic();
    break;
  case Opcode::DpuGeneric: {
    std::vector<std::vector<int64_t>> shapes;
    for (size_t i = 0; i < in.operands.size(); ++i)
      shapes.push_back(shape(i));
    std::vector<int64_t> bounds;
    std::string why;
    const format::GenericSpec spec =
        *format::decodeGeneric(in.attrs, shapes, bounds, why); // verified
    const int64_t points = numElements(bounds);
    // Each body op is one lane operation per point of the iteration space;
    // a special function (exp, log, sqrt, rsqrt, tanh, erf) is charged as 4
    // fused multiply-adds.
    for (const format::BodyInstr &bi : spec.body) {
      if (bi.op == BodyOp::Const)
        continue;
      DpuOpKind kind = DpuOpKind::Add;
      int64_t count = points;
      if (bi.op == BodyOp::Mul || bi.op == BodyOp::Div)
        kind = DpuOpKind::Mul;
      if (format::isSpecialFunction(bi.op)) {
        kind = DpuOpKind::MulAdd;
        count = 4 * points;
      }
      dpu(kind, count);
    }
    // A contraction (acc + a * b over a reduction loop: batch_matmul,
    // attention) counts one digital MAC per point, like dpu.matmul.
    const size_t nOps = in.operands.size();
    if (spec.reductionMask) {
      const int64_t acc = int64_t(nOps) - 1;
      for (const format::BodyInstr &bi : spec.body) {
        if (bi.op != BodyOp::Add)
          continue;
        const bool hasAcc = bi.args[0] == acc || bi.args[1] == acc;
        const int64_t other = bi.args[0] == acc ? bi.args[1] : bi.args[0];
        if (hasAcc && other >= int64_t(nOps) &&
            spec.body[other - nOps].op == BodyOp::Mul) {
          c.macs += points;
          ch.digitalMacs += points;
          break;
        }
      }
    }
    if (!spec.body.empty())
      traffic();
    break;
  }
  }
  return ch;
}

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

Scheduler::Scheduler(const Program &p, const Model &m)
    : p(p), m(m), arrayOf(p.values.size(), -1), tileIndex(p.values.size(), -1),
      programsOnArray(m.target().numTiles, 0), loaded(p.values.size(), 0),
      prec(format::tilePrecisions(p, m.target())) {
  for (Timeline *tl : {&full, &res}) {
    tl->ready.assign(p.values.size(), 0.0);
    tl->arrayFree.assign(m.target().numTiles, 0.0);
    tl->owner.assign(m.target().numTiles, -1);
    tl->arrayBusy.assign(m.target().numTiles, 0.0);
  }
}

void Scheduler::place(Timeline &tl, const Instr &in, const Charge &c,
                      bool resident, size_t layer) {
  double ready = 0;
  for (uint32_t o : in.operands)
    ready = std::max(ready, tl.ready[o]);
  double start = ready, lat = c.cost.latencyNs;
  switch (in.op) {
  case Opcode::XbarProgram: {
    // The weights are ready now; the tile is written onto its array when an
    // MVM needs it there (below). On a deployed chip the first num_tiles
    // tiles already hold their weights.
    lat = 0;
    const int64_t a = arrayOf[in.result];
    if (resident && tileIndex[in.result] < m.target().numTiles)
      tl.owner[a] = in.result;
    break;
  }
  case Opcode::XbarMvm: {
    const uint32_t tile = in.operands[0];
    const int64_t a = arrayOf[tile];
    double spanStart = -1;
    if (tl.owner[a] != int64_t(tile)) {
      const auto &s = p.values[tile].shape;
      const Cost prog = m.crossbarProgram(s[0], s[1], prec[tile]);
      const double t0 = std::max(tl.ready[tile], tl.arrayFree[a]);
      tl.arrayFree[a] = t0 + prog.latencyNs;
      tl.arrayBusy[a] += prog.latencyNs;
      spanStart = t0; // the layer's work starts with the write
      if (resident) {
        residentWrites += prog;
      } else {
        ++programsOnArray[a];
        if (loaded[tile]) { // written before, overwritten since: again
          ++reprograms;
          reprogramCost += prog;
        }
        loaded[tile] = 1;
      }
      tl.owner[a] = tile;
    }
    start = std::max(ready, tl.arrayFree[a]);
    tl.arrayFree[a] = start + lat;
    tl.arrayBusy[a] += lat;
    if (resident && spanStart >= 0)
      noteSpan(layer, spanStart, start + lat);
    break;
  }
  default:
    if (lat > 0) { // the DPU
      start = std::max(ready, tl.dpuFree);
      tl.dpuFree = start + lat;
      tl.dpuBusy += lat;
    }
    break;
  }
  const double end = start + lat;
  tl.ready[in.result] = end;
  tl.end = std::max(tl.end, end);
  if (resident && lat > 0)
    noteSpan(layer, start, end);
}

void Scheduler::noteSpan(size_t layer, double start, double end) {
  if (layerSpan.size() <= layer)
    layerSpan.resize(layer + 1, {-1.0, 0.0});
  auto &span = layerSpan[layer];
  span.first = span.first < 0 ? start : std::min(span.first, start);
  span.second = std::max(span.second, end);
}

void Scheduler::add(const Instr &in, const Charge &c, size_t layer) {
  if (in.op == Opcode::XbarProgram) {
    tileIndex[in.result] = tilesSeen;
    arrayOf[in.result] = tilesSeen % m.target().numTiles;
    ++tilesSeen;
  }
  serialNs += c.cost.latencyNs;
  place(full, in, c, /*resident=*/false, layer);
  place(res, in, c, /*resident=*/true, layer);
}

void Scheduler::finish(Report &r) const {
  ScheduleStats &s = r.schedule;
  s.latencyNs = full.end;
  s.inferenceLatencyNs = res.end;
  // Re-programming is part of this run's time, energy and writes.
  s.serialLatencyNs = serialNs + reprogramCost.latencyNs;
  s.reprograms = reprograms;
  r.total.cost.energy += reprogramCost.energy;
  r.total.cost.cellWrites += reprogramCost.cellWrites;
  // A deployed chip spends everything but the writes, plus the writes its
  // own (resident) timeline performs.
  s.inferenceEnergyPJ = r.total.cost.energy.total() -
                        r.total.cost.energy.write + residentWrites.energy.write;
  // In a stream, each engine works on a different input; the busiest one
  // sets the pace.
  s.pipelineIntervalNs = res.dpuBusy;
  for (double b : res.arrayBusy)
    s.pipelineIntervalNs = std::max(s.pipelineIntervalNs, b);
  s.maxProgramsPerArray =
      programsOnArray.empty()
          ? 0
          : *std::max_element(programsOnArray.begin(), programsOnArray.end());
  for (size_t i = 0; i < r.layers.size() && i < layerSpan.size(); ++i)
    if (layerSpan[i].first >= 0) {
      r.layers[i].startNs = layerSpan[i].first;
      r.layers[i].endNs = layerSpan[i].second;
    }
  r.area = m.area();
  r.constants = m.constants();
  if (const auto &tech = m.target().technology) {
    r.technology = fmt::format("{} {} nm", tech->cell, tech->nodeNm);
    r.endurance = tech->endurance;
  }
}

void estimate(const Program &p, const hw::Target &t, Report &r) {
  r = Report();
  r.target = t.name;
  r.tilesAvailable = t.numTiles;
  r.costOnly = true;
  const Model model(t);
  const ProgramCoster coster(p, model);
  Scheduler sched(p, model);
  std::map<uint32_t, size_t> layerIndex;
  for (const Instr &in : p.code) {
    auto [it, inserted] = layerIndex.try_emplace(in.layer, r.layers.size());
    if (inserted) {
      r.layers.emplace_back();
      r.layers.back().name = p.strings[in.layer];
    }
    const Charge c = coster.charge(in);
    r.layers[it->second].add(c);
    if (in.op == Opcode::XbarProgram)
      ++r.tilesProgrammed;
    sched.add(in, c, it->second);
  }
  r.finalize(sched);
}

} // namespace imc::cost
