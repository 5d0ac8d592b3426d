//===- Workload.cpp - what a network asks of a chip, and what it costs ----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// workloadOf: which work each instruction of a program contributes
// (docs/cost-model.md, "What a program asks for"); evaluate: the costs and
// the layer schedule of a workload (docs/cost-model.md, "Schedule").
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Workload.h"
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

int64_t Workload::numTiles() const {
  int64_t n = 0;
  for (const LayerWork &l : layers)
    n += int64_t(l.tiles.size());
  return n;
}

//===----------------------------------------------------------------------===//
// What a program asks for
//===----------------------------------------------------------------------===//

Workload workloadOf(const Program &p, const hw::Target &t) {
  Workload w;
  // Non-zeros of the constants that are right operands of dpu.matmul: the
  // DPU skips the zeros of weights known at compile time.
  std::vector<int64_t> nnz(p.values.size(), -1);
  {
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
  const std::vector<hw::XbarPrecision> prec = format::tilePrecisions(p, t);
  // Stages (the workload's LayerWork entries): the instructions of one layer
  // name, split where an MVM depends on an earlier MVM of the same stage
  // (so a module without distinct locations is not taken for one layer
  // whose MVMs all run at once). `dep[v]`: the latest stage whose MVM
  // results value v depends on, or -1.
  std::vector<int64_t> dep(p.values.size(), -1);
  std::map<uint32_t, size_t> current; // layer name -> its latest stage
  auto newStage = [&](uint32_t name) {
    w.layers.emplace_back();
    w.layers.back().name = p.strings[name];
    current[name] = w.layers.size() - 1;
    return w.layers.size() - 1;
  };
  // Tiles: written by xbar.program (which numbers them), placed in the stage
  // of their first MVM. Per tile value: its program-order index, and where
  // it was placed (stage, position) once placed.
  std::vector<int64_t> tileIndex(p.values.size(), -1);
  std::vector<std::pair<int64_t, size_t>> tileAt(p.values.size(), {-1, 0});
  std::vector<uint32_t> tileName(p.values.size(), 0);
  int64_t tiles = 0;
  auto place = [&](uint32_t tile, size_t stage) {
    const auto &shape = p.values[tile].shape;
    LayerWork &sl = w.layers[stage];
    tileAt[tile] = {int64_t(stage), sl.tiles.size()};
    sl.tiles.push_back({shape[0], shape[1], prec[tile], 0, tileIndex[tile]});
  };

  for (const Instr &in : p.code) {
    int64_t inDep = -1;
    for (uint32_t o : in.operands)
      inDep = std::max(inDep, dep[o]);
    size_t stage;
    if (in.op == Opcode::XbarMvm) {
      auto it = current.find(in.layer);
      stage = it == current.end() || int64_t(it->second) <= inDep
                  ? newStage(in.layer)
                  : it->second;
      dep[in.result] = int64_t(stage);
    } else {
      auto it = current.find(in.layer);
      stage = it == current.end() ? newStage(in.layer) : it->second;
      dep[in.result] = inDep;
    }
    LayerWork &l = w.layers[stage];
    const auto &res = p.values[in.result].shape;
    const int64_t e = numElements(res);
    auto shape = [&](size_t i) -> const std::vector<int64_t> & {
      return p.values[in.operands[i]].shape;
    };
    // DPU instructions stream their operands from the buffer and their
    // result back to it.
    auto traffic = [&] {
      int64_t n = e;
      for (size_t i = 0; i < in.operands.size(); ++i)
        n += numElements(shape(i));
      l.bufferElements += n;
    };
    auto step = [&](DpuOpKind kind, int64_t n) { l.dpu.push_back({kind, n}); };
    switch (in.op) {
    case Opcode::Empty:
    case Opcode::ExtractSlice:
    case Opcode::InsertSlice:
    case Opcode::DpuReshape:
      break; // views and addressing: free
    case Opcode::XbarProgram:
      tileIndex[in.result] = tiles++;
      tileName[in.result] = in.layer;
      break;
    case Opcode::XbarMvm: {
      const uint32_t tile = in.operands[0];
      if (tileAt[tile].first < 0)
        place(tile, stage);
      const auto [li, ti] = tileAt[tile];
      w.layers[li].tiles[ti].vectors += shape(1)[0];
      break;
    }
    case Opcode::XbarAccumulate:
      step(DpuOpKind::Add, e * int64_t(in.operands.size() - 1));
      traffic();
      break;
    case Opcode::DpuAdd:
    case Opcode::DpuSub:
    case Opcode::DpuBiasAdd:
      step(DpuOpKind::Add, e);
      traffic();
      break;
    case Opcode::DpuMul:
      step(DpuOpKind::Mul, e);
      traffic();
      break;
    case Opcode::DpuMax:
    case Opcode::DpuRelu:
      step(DpuOpKind::Max, e);
      traffic();
      break;
    case Opcode::DpuMatmul: {
      const int64_t mm = shape(0)[0], k = shape(0)[1], n = shape(1)[1];
      // With a constant right operand (weights the mapper kept digital, such
      // as a block-diagonal depthwise matrix) the DPU skips the zeros: M x
      // nnz MACs instead of M K N.
      const int64_t z = nnz[in.operands[1]];
      const int64_t macs = z >= 0 ? mm * z : mm * k * n;
      step(DpuOpKind::Mac, macs);
      l.digitalMacs += macs;
      traffic();
      break;
    }
    case Opcode::DpuReduceSum:
      step(DpuOpKind::Add, numElements(shape(0)));
      traffic();
      break;
    case Opcode::DpuIm2col:
    case Opcode::DpuTranspose:
      step(DpuOpKind::Move, e);
      traffic();
      break;
    case Opcode::DpuAffine:
      step(DpuOpKind::MulAdd, e);
      traffic();
      break;
    case Opcode::DpuPool: {
      const bool isMax = in.attrs[0] == 0;
      const int64_t window = in.attrs[1] * in.attrs[2];
      step(isMax ? DpuOpKind::Max : DpuOpKind::Add, e * window);
      if (!isMax) // the division of each window sum
        step(DpuOpKind::Mul, e);
      traffic();
      break;
    }
    case Opcode::DpuRequantize:
      step(DpuOpKind::Mul, 2 * e);
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
        step(kind, count);
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
            l.digitalMacs += points;
            break;
          }
        }
      }
      if (!spec.body.empty())
        traffic();
      break;
    }
    }
  }
  // Tiles no MVM reads are still written: in the stage of their program.
  for (uint32_t v = 0; v < p.values.size(); ++v)
    if (tileIndex[v] >= 0 && tileAt[v].first < 0) {
      auto it = current.find(tileName[v]);
      place(v, it == current.end() ? newStage(tileName[v]) : it->second);
    }
  return w;
}

//===----------------------------------------------------------------------===//
// Costs and the layer schedule
//===----------------------------------------------------------------------===//

/// DPU operations a step counts in the report (a MAC is 2, a move none).
static int64_t dpuOpsOf(const DpuStep &s) {
  return s.kind == DpuOpKind::Mac ? 2 * s.count
         : s.kind == DpuOpKind::Move ? 0
                                      : s.count;
}

void evaluate(const Workload &w, const Model &m, Report &r) {
  const hw::Target &t = m.target();
  const int64_t arrays = t.numTiles;
  // Tiles per array over the whole workload (round robin in programming
  // order): an array that hosts more than one tile rewrites each of them in
  // every inference.
  std::vector<int64_t> hosted(arrays, 0);
  for (const LayerWork &l : w.layers)
    for (const TileWork &tw : l.tiles)
      ++hosted[tw.index % arrays];

  ScheduleStats &s = r.schedule;
  // Full run: per array, when its work in the current layer ends (from the
  // layer's start); resident: its busy time in the current layer.
  std::vector<double> endFull(arrays, -1.0), busyRes(arrays, 0.0);
  std::vector<double> arrayWork(arrays, 0.0); // resident, whole inference
  std::vector<int64_t> touched;
  double fullNs = 0, resNs = 0, dpuTotalNs = 0, slowestLayer = 0;
  Energy residentWrites;
  r.layers.clear();
  r.layers.reserve(w.layers.size());
  std::map<std::string, size_t> byName;
  for (const LayerWork &l : w.layers) {
    LayerStats ls;
    ls.name = l.name;
    touched.clear();
    for (const TileWork &tw : l.tiles) {
      const Cost prog = m.crossbarProgram(tw.rows, tw.cols, tw.prec);
      Cost mvm;
      if (tw.vectors > 0)
        mvm = m.crossbarMvm(tw.vectors, tw.rows, tw.cols, tw.prec);
      ls.cost.energy += prog.energy;
      ls.cost.energy += mvm.energy;
      ls.cost.cellWrites += prog.cellWrites;
      ls.cost.adcConversions += mvm.adcConversions;
      ls.cost.macs += mvm.macs;
      ls.analogMacs += mvm.macs;
      ls.mvms += tw.vectors;
      ls.tiles += 1;
      s.serialLatencyNs += prog.latencyNs + mvm.latencyNs;
      const int64_t a = tw.index % arrays;
      if (endFull[a] < 0) {
        touched.push_back(a);
        endFull[a] = fullNs;
      }
      const bool shared = hosted[a] > 1;
      // In a run from an empty chip every array writes its first tile from
      // time 0, all arrays at once; later tiles on an array are written when
      // their layer needs them.
      if (tw.index < arrays)
        endFull[a] = std::max(endFull[a], prog.latencyNs) + mvm.latencyNs;
      else
        endFull[a] += prog.latencyNs + mvm.latencyNs;
      busyRes[a] += (shared ? prog.latencyNs : 0.0) + mvm.latencyNs;
      if (shared) {
        ++s.reprograms;
        residentWrites += prog.energy;
      }
    }
    double xbarEndFull = fullNs, xbarRes = 0;
    for (int64_t a : touched) {
      xbarEndFull = std::max(xbarEndFull, endFull[a]);
      xbarRes = std::max(xbarRes, busyRes[a]);
      arrayWork[a] += busyRes[a];
      endFull[a] = -1.0;
      busyRes[a] = 0;
    }
    double dpuNs = 0;
    for (const DpuStep &st : l.dpu) {
      const Cost c = m.dpuElementwise(st.kind, st.count);
      ls.cost.energy += c.energy;
      ls.dpuOps += dpuOpsOf(st);
      dpuNs += c.latencyNs;
    }
    ls.cost.energy += m.bufferTraffic(l.bufferElements).energy;
    ls.cost.macs += l.digitalMacs;
    ls.digitalMacs += l.digitalMacs;
    s.serialLatencyNs += dpuNs;
    dpuTotalNs += dpuNs;
    // The layer's crossbar work, then its DPU work; layers follow one
    // another in program order.
    const double layerRes = xbarRes + dpuNs;
    ls.cost.latencyNs = layerRes;
    ls.startNs = resNs;
    ls.endNs = resNs + layerRes;
    fullNs = xbarEndFull + dpuNs;
    resNs += layerRes;
    slowestLayer = std::max(slowestLayer, layerRes);
    r.tilesProgrammed += int64_t(l.tiles.size());
    // Stages of one layer name are one layer of the report.
    auto [it, inserted] = byName.try_emplace(l.name, r.layers.size());
    if (inserted) {
      r.layers.push_back(std::move(ls));
    } else {
      LayerStats &into = r.layers[it->second];
      const double latency = into.cost.latencyNs + ls.cost.latencyNs;
      into.add(ls);
      into.cost.latencyNs = latency;
      into.endNs = ls.endNs;
    }
  }
  r.finalize();
  s.latencyNs = fullNs;
  s.inferenceLatencyNs = resNs;
  // A deployed chip spends everything but the writes, plus the writes of
  // the tiles that share an array.
  s.inferenceEnergyPJ = r.total.cost.energy.total() -
                        r.total.cost.energy.write + residentWrites.write;
  // In a stream of inputs each layer works on a different one: the slowest
  // layer, the DPU (shared by all layers) or a shared array sets the pace.
  s.pipelineIntervalNs = std::max(slowestLayer, dpuTotalNs);
  for (double b : arrayWork)
    s.pipelineIntervalNs = std::max(s.pipelineIntervalNs, b);
  s.maxProgramsPerArray =
      hosted.empty() ? 0 : *std::max_element(hosted.begin(), hosted.end());
  r.area = m.area();
  r.constants = m.constants();
  if (const auto &tech = t.technology) {
    r.technology = fmt::format("{} {} nm", tech->cell, tech->nodeNm);
    r.endurance = tech->endurance;
  }
}

void estimate(const Program &p, const hw::Target &t, Report &r) {
  r = Report();
  r.target = t.name;
  r.tilesAvailable = t.numTiles;
  r.costOnly = true;
  evaluate(workloadOf(p, t), Model(t), r);
}

} // namespace imc::cost
