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
#include "imc/Hardware/Codes.h"

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
    for (const TileWork &t : l.tiles)
      n += t.count;
  return n;
}

//===----------------------------------------------------------------------===//
// What a program asks for
//===----------------------------------------------------------------------===//

WorkloadBuilder::WorkloadBuilder(const std::vector<std::string> &names,
                                 size_t values)
    : names(names), dep(values, -1), tileOf(values, -1), sent(values, 0),
      atArrays(values, 0), current(names.size(), -1) {}

void WorkloadBuilder::grow(uint32_t value) {
  if (value >= dep.size()) {
    const size_t n = std::max<size_t>(value + 1, 2 * dep.size());
    dep.resize(n, -1);
    tileOf.resize(n, -1);
    sent.resize(n, 0);
    atArrays.resize(n, 0);
  }
}

int64_t WorkloadBuilder::depOf(const uint32_t *operands, size_t n) {
  int64_t d = -1;
  for (size_t i = 0; i < n; ++i) {
    grow(operands[i]);
    d = std::max<int64_t>(d, dep[operands[i]]);
  }
  return d;
}

// Stages (the workload's LayerWork entries): the instructions of one layer
// name, split where an MVM depends on an earlier MVM of the same stage (so
// a module without distinct locations is not taken for one layer whose MVMs
// all run at once). dep[v]: the latest stage whose MVM results value v
// depends on, or -1.
size_t WorkloadBuilder::stage(uint32_t layer, int64_t inDep,
                              bool opensOnDependency) {
  const int64_t cur = current[layer];
  if (cur >= 0 && !(opensOnDependency && cur <= inDep))
    return size_t(cur);
  w.layers.emplace_back();
  w.layers.back().name = names[layer];
  current[layer] = int64_t(w.layers.size() - 1);
  return w.layers.size() - 1;
}

// Tiles are numbered by their xbar.program and placed in the stage of their
// first MVM.
void WorkloadBuilder::place(int32_t tile, size_t st) {
  Tile &t = tiles[size_t(tile)];
  LayerWork &l = w.layers[st];
  t.stage = int64_t(st);
  t.at = l.tiles.size();
  l.tiles.push_back({t.rows, t.cols, t.prec, 0, t.index, 1, t.levels});
}

void WorkloadBuilder::program(uint32_t layer, uint32_t result, int64_t rows,
                              int64_t cols, const hw::XbarPrecision &prec,
                              int64_t levels) {
  grow(result);
  tileOf[result] = int32_t(tiles.size());
  tiles.push_back({numbered++, rows, cols, prec, levels, layer, -1, 0});
  dep[result] = -1;
}

void WorkloadBuilder::mvm(uint32_t layer, uint32_t tile, uint32_t input,
                          uint32_t result, int64_t vectors) {
  const uint32_t ops[2] = {tile, input};
  const size_t st = stage(layer, depOf(ops, 2), /*opensOnDependency=*/true);
  grow(result);
  dep[result] = int32_t(st);
  atArrays[result] = 1;
  const int32_t n = tileOf[tile];
  if (tiles[size_t(n)].stage < 0)
    place(n, st);
  const Tile &t = tiles[size_t(n)];
  w.layers[t.stage].tiles[t.at].vectors += vectors;
  if (!sent[input]) { // broadcast once to every tile that multiplies it
    sent[input] = 1;
    w.layers[st].inputBits += vectors * t.rows * t.prec.inputBits;
  }
}

/// The arrays that hold the operands of a view or a sum.
int64_t WorkloadBuilder::arraysOf(const uint32_t *operands, size_t n) {
  int64_t a = 0;
  for (size_t i = 0; i < n; ++i) {
    grow(operands[i]);
    a += atArrays[operands[i]];
  }
  return a;
}

void WorkloadBuilder::view(const uint32_t *operands, size_t n,
                           uint32_t result) {
  const int64_t d = depOf(operands, n);
  const int64_t a = arraysOf(operands, n);
  grow(result);
  dep[result] = int32_t(d);
  atArrays[result] = a;
}

/// An xbar.accumulate of `partials` tensors of `elements` each: summed by
/// the adders next to the arrays, not on the DPU (costed by evaluate).
static void addAccumulate(LayerWork &l, int64_t elements, int64_t partials) {
  l.accumulates.push_back({elements, partials});
}

void WorkloadBuilder::tileRun(uint32_t layer, uint32_t input, uint32_t result,
                              int64_t rows, int64_t cols,
                              const hw::XbarPrecision &prec, int64_t vectors,
                              int64_t count, int64_t levels,
                              int64_t inputBits) {
  const size_t st = stage(layer, depOf(&input, 1), /*opensOnDependency=*/true);
  grow(result);
  dep[result] = int32_t(st);
  atArrays[result] += count; // the runs of one product share its result
  const int64_t first = numbered;
  numbered += count;
  LayerWork &l = w.layers[st];
  l.inputBits += inputBits;
  // Consecutive alike tiles make one run.
  if (!l.tiles.empty()) {
    TileWork &back = l.tiles.back();
    if (back.index + back.count == first && back.rows == rows &&
        back.cols == cols && back.vectors == vectors && back.prec == prec &&
        (back.levels == Model::kUnknownLevels) ==
            (levels == Model::kUnknownLevels)) {
      back.count += count;
      if (levels != Model::kUnknownLevels)
        back.levels += levels;
      return;
    }
  }
  l.tiles.push_back({rows, cols, prec, vectors, first, count, levels});
}

void WorkloadBuilder::accumulate(uint32_t layer, const uint32_t *operands,
                                 size_t n, int64_t partials, uint32_t result,
                                 int64_t elements) {
  const int64_t d = depOf(operands, n);
  const int64_t a = arraysOf(operands, n);
  const size_t st = stage(layer, d, false);
  grow(result);
  dep[result] = int32_t(d);
  atArrays[result] = a;
  addAccumulate(w.layers[st], elements, partials);
}

void WorkloadBuilder::instr(const Instr &in,
                            const std::vector<format::ValueDesc> &values,
                            int64_t rhsNonZeros) {
  const int64_t d = depOf(in.operands.data(), in.operands.size());
  grow(in.result);
  dep[in.result] = int32_t(d);
  atArrays[in.result] = 0;
  const auto &res = values[in.result].shape;
  const int64_t e = numElements(res);
  auto shape = [&](size_t i) -> const std::vector<int64_t> & {
    return values[in.operands[i]].shape;
  };
  switch (in.op) {
  case Opcode::Empty:
  case Opcode::ExtractSlice:
  case Opcode::InsertSlice:
  case Opcode::DpuReshape:
    // Views and addressing: free, no stage of their own; a view of array
    // results stays at those arrays.
    atArrays[in.result] = arraysOf(in.operands.data(), in.operands.size());
    return;
  case Opcode::XbarProgram:
    // The tile's precision needs its MVMs (format::tilePrecisions): callers
    // call program() themselves, as workloadOf does.
    std::abort();
  case Opcode::XbarMvm:
    mvm(in.layer, in.operands[0], in.operands[1], in.result, shape(1)[0]);
    return;
  default:
    break;
  }
  LayerWork &l = w.layers[stage(in.layer, d, false)];
  // DPU instructions stream their operands from the buffer and their result
  // back to it.
  auto traffic = [&] {
    int64_t n = e;
    for (size_t i = 0; i < in.operands.size(); ++i)
      n += numElements(shape(i));
    l.bufferElements += n;
  };
  auto step = [&](DpuOpKind kind, int64_t n) { l.dpu.push_back({kind, n}); };
  // An elementwise op on array results (a bias, a ReLU, a residual add, a
  // folded batch norm) runs on those arrays' output units, and its result
  // stays there; otherwise on the DPU, through the buffer.
  int64_t local = 0;
  for (uint32_t o : in.operands)
    local = std::max(local, atArrays[o]);
  auto elementwise = [&](DpuOpKind kind, int64_t n) {
    if (local > 0) {
      // An operand not at the arrays (a bias, a residual from the buffer)
      // is read from the buffer to meet them.
      for (size_t i = 0; i < in.operands.size(); ++i)
        if (atArrays[in.operands[i]] == 0)
          l.bufferElements += numElements(shape(i));
      l.dpu.push_back({kind, n, local});
      atArrays[in.result] = local;
      return;
    }
    step(kind, n);
    traffic();
  };
  switch (in.op) {
  case Opcode::XbarAccumulate:
    addAccumulate(l, e, int64_t(in.operands.size()));
    atArrays[in.result] = arraysOf(in.operands.data(), in.operands.size());
    break;
  case Opcode::DpuAdd:
  case Opcode::DpuSub:
  case Opcode::DpuBiasAdd:
    elementwise(DpuOpKind::Add, e);
    break;
  case Opcode::DpuMul:
    elementwise(DpuOpKind::Mul, e);
    break;
  case Opcode::DpuMax:
  case Opcode::DpuRelu:
    elementwise(DpuOpKind::Max, e);
    break;
  case Opcode::DpuMatmul: {
    const int64_t mm = shape(0)[0], k = shape(0)[1], n = shape(1)[1];
    // With a constant right operand (weights the mapper kept digital, such
    // as a block-diagonal depthwise matrix) the DPU skips the zeros: M x
    // nnz MACs instead of M K N.
    const int64_t macs = rhsNonZeros >= 0 ? mm * rhsNonZeros : mm * k * n;
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
    elementwise(DpuOpKind::MulAdd, e);
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
  default:
    break;
  }
}

Workload WorkloadBuilder::finish() {
  // Tiles no MVM reads are still written: in the current stage of the layer
  // that programs them.
  for (size_t n = 0; n < tiles.size(); ++n)
    if (tiles[n].stage < 0)
      place(int32_t(n), stage(tiles[n].layer, -1, false));
  std::map<std::string, size_t> byName;
  for (LayerWork &l : w.layers)
    l.reportLayer = byName.try_emplace(l.name, byName.size()).first->second;
  return std::move(w);
}

/// Non-zeros of a constant (a splat counts all or none).
static int64_t nonZeros(const format::Constant &c, int64_t n) {
  if (c.isSplat(n))
    return c.data[0] != 0.0f ? n : 0;
  return std::count_if(c.data.begin(), c.data.end(),
                       [](float v) { return v != 0.0f; });
}

Workload workloadOf(const Program &p, const hw::Target &t) {
  // Non-zeros of the constants that are right operands of dpu.matmul: the
  // DPU skips the zeros of weights known at compile time.
  std::vector<int64_t> nnz(p.values.size(), -1);
  {
    std::vector<char> needed(p.values.size(), 0);
    for (const Instr &in : p.code)
      if (in.op == Opcode::DpuMatmul)
        needed[in.operands[1]] = 1;
    for (const format::Constant &c : p.constants)
      if (needed[c.value])
        nnz[c.value] = nonZeros(c, p.values[c.value].numElements());
  }
  const std::vector<hw::XbarPrecision> prec = format::tilePrecisions(p, t);
  // The weights of each tile: the constant it is programmed from.
  std::vector<const format::Constant *> constantOf(p.values.size(), nullptr);
  for (const format::Constant &c : p.constants)
    constantOf[c.value] = &c;
  WorkloadBuilder b(p.strings, p.values.size());
  for (const Instr &in : p.code) {
    if (in.op == Opcode::XbarProgram) {
      const auto &s = p.values[in.result].shape;
      const hw::XbarPrecision &tp = prec[in.result];
      int64_t levels = Model::kUnknownLevels;
      if (const format::Constant *c = constantOf[in.operands[0]]) {
        if (c->isSplat(s[0] * s[1])) {
          const float v = c->data[0];
          levels = s[0] * s[1] * hw::levelSum(&v, 1, 1, 1, tp);
        } else {
          levels = hw::levelSum(c->data.data(), s[0], s[1], s[1], tp);
        }
      }
      b.program(in.layer, in.result, s[0], s[1], tp, levels);
    } else {
      b.instr(in, p.values,
              in.op == Opcode::DpuMatmul ? nnz[in.operands[1]] : -1);
    }
  }
  return b.finish();
}

//===----------------------------------------------------------------------===//
// Costs and the layer schedule
//===----------------------------------------------------------------------===//

/// DPU operations a step counts in the report (a MAC is 2, a move none).
static int64_t dpuOpsOf(const DpuStep &s) {
  return s.kind == DpuOpKind::Mac    ? 2 * s.count
         : s.kind == DpuOpKind::Move ? 0
                                     : s.count;
}

static Energy scaled(const Energy &e, double k) {
  Energy o;
  o.dac = e.dac * k;
  o.array = e.array * k;
  o.adc = e.adc * k;
  o.shiftAdd = e.shiftAdd * k;
  o.buffer = e.buffer * k;
  o.write = e.write * k;
  o.dpu = e.dpu * k;
  o.interconnect = e.interconnect * k;
  o.leakage = e.leakage * k;
  return o;
}

/// The arrays that the tiles numbered [first, first + count) go to, round
/// robin over `arrays`: f(array, how many of them it hosts, the number of
/// its first one), each array once.
template <typename F>
static void forEachArray(int64_t first, int64_t count, int64_t arrays, F f) {
  const int64_t full = count / arrays, rest = count % arrays;
  for (int64_t j = 0; j < std::min(count, arrays); ++j)
    f((first + j) % arrays, full + (j < rest), first + j);
}

void evaluate(const Workload &w, const Model &m, Report &r,
              Converters converters) {
  const hw::Target &t = m.target();
  const hw::XbarPrecision targetPrec = t.precision();
  const int64_t arrays = t.numTiles;
  // Tiles go to arrays round robin in programming order. When there are
  // more tiles than arrays, an array that hosts more than one tile rewrites
  // each of them in every inference; otherwise every tile has an array of
  // its own (the common case, costed per run of alike tiles).
  const int64_t numTiles = w.numTiles();
  const bool sharing = numTiles > arrays;
  std::vector<int64_t> hosted;
  if (sharing) {
    hosted.assign(arrays, 0);
    for (const LayerWork &l : w.layers)
      for (const TileWork &tw : l.tiles)
        forEachArray(tw.index, tw.count, arrays,
                     [&](int64_t a, int64_t k, int64_t) { hosted[a] += k; });
  }

  ScheduleStats &s = r.schedule;
  // Shared arrays. Full run: per array, when its work in the current layer
  // ends; resident: its busy time in the current layer.
  std::vector<double> endFull, busyRes, arrayWork;
  if (sharing) {
    endFull.assign(arrays, -1.0);
    busyRes.assign(arrays, 0.0);
    arrayWork.assign(arrays, 0.0); // resident, whole inference
  }
  double maxArrayWork = 0;
  std::vector<int64_t> touched;
  double fullNs = 0, resNs = 0, dpuTotalNs = 0, slowestLayer = 0;
  double residentWritePJ = 0; // writes of tiles that share an array
  r.layers.clear();
  r.layers.reserve(w.layers.size());
  TileWork last;
  last.rows = -1;
  hw::XbarPrecision prec;
  Cost prog, mvm;
  for (const LayerWork &l : w.layers) {
    LayerStats ls;
    touched.clear();
    double xbarEndFull = fullNs, xbarRes = 0;
    for (const TileWork &tw : l.tiles) {
      // Most tiles of a layer are alike: cost each kind once.
      // (The cell reads depend on each run's levels: costed per run.)
      if (!(tw.rows == last.rows && tw.cols == last.cols &&
            tw.vectors == last.vectors && tw.prec == last.prec)) {
        last = tw;
        prec = tw.prec;
        if (converters == Converters::OfTarget) {
          prec.adcBits = targetPrec.adcBits;
          prec.dacBits = targetPrec.dacBits;
          prec.parallelRows = targetPrec.parallelRows;
        }
        prog = m.crossbarProgram(tw.rows, tw.cols, prec);
        mvm = tw.vectors > 0
                  ? m.crossbarMvm(tw.vectors, tw.rows, tw.cols, prec, 0)
                  : Cost();
      }
      const int64_t c = tw.count;
      ls.cost.energy += scaled(prog.energy, double(c));
      Energy me = scaled(mvm.energy, double(c));
      // arrayReadPJ is linear in the rows: c tiles read like one of c x rows.
      me.array = tw.vectors > 0 ? m.arrayReadPJ(tw.vectors, tw.rows * c,
                                                tw.cols, prec, tw.levels)
                                : 0.0;
      ls.cost.energy += me;
      ls.cost.cellWrites += prog.cellWrites * c;
      ls.cost.adcConversions += mvm.adcConversions * c;
      ls.cost.macs += mvm.macs * c;
      ls.analogMacs += mvm.macs * c;
      ls.mvms += tw.vectors * c;
      ls.tiles += c;
      s.serialLatencyNs += (prog.latencyNs + mvm.latencyNs) * double(c);
      if (!sharing) {
        // Each tile on its own array, written from time 0 in a run.
        xbarEndFull = std::max(xbarEndFull, std::max(fullNs, prog.latencyNs) +
                                                mvm.latencyNs);
        xbarRes = std::max(xbarRes, mvm.latencyNs);
        maxArrayWork = std::max(maxArrayWork, mvm.latencyNs);
        continue;
      }
      int64_t rewritten = 0;
      forEachArray(tw.index, c, arrays, [&](int64_t a, int64_t k, int64_t n) {
        if (endFull[a] < 0) {
          touched.push_back(a);
          endFull[a] = fullNs;
        }
        const bool shared = hosted[a] > 1;
        // In a run from an empty chip every array writes its first tile
        // from time 0, all arrays at once; later tiles on an array are
        // written when their layer needs them.
        int64_t later = k;
        if (n < arrays) {
          endFull[a] = std::max(endFull[a], prog.latencyNs) + mvm.latencyNs;
          --later;
        }
        endFull[a] += double(later) * (prog.latencyNs + mvm.latencyNs);
        busyRes[a] +=
            double(k) * ((shared ? prog.latencyNs : 0.0) + mvm.latencyNs);
        rewritten += shared ? k : 0;
      });
      s.reprograms += rewritten;
      residentWritePJ += prog.energy.write * double(rewritten);
    }
    for (int64_t a : touched) {
      xbarEndFull = std::max(xbarEndFull, endFull[a]);
      xbarRes = std::max(xbarRes, busyRes[a]);
      arrayWork[a] += busyRes[a];
      endFull[a] = -1.0;
      busyRes[a] = 0;
    }
    // Partial sums, on the arrays' adders after the layer's MVMs.
    double accNs = 0;
    for (const AccumulateStep &a : l.accumulates) {
      const Cost c = m.accumulate(a.elements, a.partials);
      ls.cost.energy += c.energy;
      accNs += c.latencyNs;
    }
    s.serialLatencyNs += accNs;
    double dpuNs = 0, localNs = 0;
    for (const DpuStep &st : l.dpu) {
      const Cost c = st.arrays > 0
                         ? m.arrayElementwise(st.kind, st.count, st.arrays)
                         : m.dpuElementwise(st.kind, st.count);
      ls.cost.energy += c.energy;
      ls.dpuOps += dpuOpsOf(st);
      (st.arrays > 0 ? localNs : dpuNs) += c.latencyNs;
    }
    // The arrays' output units work after the layer's MVMs, beside the
    // DPU's share of the layer (not on the shared DPU).
    accNs += localNs;
    s.serialLatencyNs += localNs;
    ls.cost.energy += m.bufferTraffic(l.bufferElements).energy;
    ls.cost.energy += m.inputTraffic(l.inputBits).energy;
    ls.cost.macs += l.digitalMacs;
    ls.digitalMacs += l.digitalMacs;
    s.serialLatencyNs += dpuNs;
    dpuTotalNs += dpuNs;
    // The layer's crossbar work, then its DPU work; layers follow one
    // another in program order.
    const double layerRes = xbarRes + accNs + dpuNs;
    // The whole chip leaks while the layer runs.
    ls.cost.energy.leakage = m.leakageUW() * layerRes * 1e-3;
    ls.cost.latencyNs = layerRes;
    ls.startNs = resNs;
    ls.endNs = resNs + layerRes;
    fullNs = xbarEndFull + accNs + dpuNs;
    resNs += layerRes;
    slowestLayer = std::max(slowestLayer, layerRes);
    r.tilesProgrammed += ls.tiles;
    // Stages of one layer name are one layer of the report.
    if (l.reportLayer == r.layers.size()) {
      ls.name = l.name;
      r.layers.push_back(std::move(ls));
    } else {
      LayerStats &into = r.layers[l.reportLayer];
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
  s.inferenceEnergyPJ =
      r.total.cost.energy.total() - r.total.cost.energy.write + residentWritePJ;
  // In a stream of inputs each layer works on a different one: the slowest
  // layer, the DPU (shared by all layers) or a shared array sets the pace.
  s.pipelineIntervalNs = std::max({slowestLayer, dpuTotalNs, maxArrayWork});
  for (double b : arrayWork)
    s.pipelineIntervalNs = std::max(s.pipelineIntervalNs, b);
  s.maxProgramsPerArray = sharing
                              ? *std::max_element(hosted.begin(), hosted.end())
                              : (numTiles > 0 ? 1 : 0);
  r.area = m.area();
  r.constants = m.constants();
  if (const auto &tech = t.technology) {
    r.technology = fmt::format("{} {} nm", tech->cell, tech->nodeNm);
    r.endurance = tech->endurance;
  }
}

std::string checkCostable(const Program &p, const hw::Target &t) {
  return format::checkResources(p, format::programResources(p, t),
                                kMaxCostedWork, UINT64_MAX);
}

void estimate(const Program &p, const hw::Target &t, Report &r) {
  r = Report();
  r.target = t.name;
  r.tilesAvailable = t.numTiles;
  r.costOnly = true;
  evaluate(workloadOf(p, t), Model(t), r);
}

} // namespace imc::cost
