//===- Simulator.cpp - imc program executor -------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Simulator.h"
#include "imc/Cost/Workload.h"
#include "imc/Format/Generic.h"
#include "imc/Sim/Accuracy.h"
#include "imc/Sim/Crossbar.h"
#include "imc/Sim/Device.h"
#include "imc/Sim/PcmModel.h"
#include "imc/Sim/RramModel.h"
#include "imc/Sim/StuckAtModel.h"
#include "imc/Support/Conv.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

namespace imc::sim {

using format::Instr;
using format::Opcode;
using format::Program;
using format::ValueDesc;
using format::ValueKind;

std::function<void(size_t, size_t)> terminalProgress(std::string prefix) {
  using Clock = std::chrono::steady_clock;
  auto last = std::make_shared<Clock::time_point>(Clock::now());
  return [prefix = std::move(prefix), last](size_t done, size_t total) {
    if (done >= total) {
      std::fputs("\r\033[K", stderr); // erase the line
      return;
    }
    const Clock::time_point now = Clock::now();
    if (now - *last < std::chrono::milliseconds(100))
      return;
    *last = now;
    fmt::print(stderr, "\r{}: {:3}% ({}/{} instructions)", prefix,
               100 * done / total, done, total);
    std::fflush(stderr);
  };
}

std::optional<Mode> parseMode(const std::string &s) {
  if (s == "ideal")
    return Mode::Ideal;
  if (s == "quantized")
    return Mode::Quantized;
  if (s == "noisy")
    return Mode::Noisy;
  return std::nullopt;
}

const char *modeName(Mode m) {
  return m == Mode::Ideal       ? "ideal"
         : m == Mode::Quantized ? "quantized"
                                : "noisy";
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

std::optional<Simulator> Simulator::load(const std::vector<uint8_t> &bytes,
                                         std::string &error) {
  std::optional<Program> p =
      format::deserialize(bytes.data(), bytes.size(), error);
  if (!p)
    return std::nullopt;
  std::string targetError;
  std::optional<hw::Target> t =
      hw::parseTarget(p->targetJson, "TARGET section", targetError);
  if (!t) {
    error = targetError;
    return std::nullopt;
  }
  error = format::verifyProgram(*p, *t);
  if (!error.empty())
    return std::nullopt;
  return Simulator(std::move(*p), std::move(*t));
}

std::vector<std::vector<int64_t>> Simulator::inputShapes() const {
  std::vector<std::vector<int64_t>> shapes;
  for (uint32_t id : prog.inputs)
    shapes.push_back(prog.values[id].shape);
  return shapes;
}

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

namespace {

/// Multi-dimensional copy of a box between row-major tensors.
void copyBox(const Tensor &src, const std::vector<int64_t> &srcOff, Tensor &dst,
             const std::vector<int64_t> &dstOff,
             const std::vector<int64_t> &box) {
  const size_t rank = box.size();
  if (rank == 0) {
    dst.data[0] = src.data[0];
    return;
  }
  auto strides = [](const std::vector<int64_t> &shape) {
    std::vector<int64_t> s(shape.size(), 1);
    for (size_t d = shape.size() - 1; d > 0; --d)
      s[d - 1] = s[d] * shape[d];
    return s;
  };
  const auto ss = strides(src.shape), ds = strides(dst.shape);
  const int64_t inner = box[rank - 1];
  int64_t outerCount = 1;
  for (size_t d = 0; d + 1 < rank; ++d)
    outerCount *= box[d];
  for (int64_t o = 0; o < outerCount; ++o) {
    int64_t rem = o, so = srcOff[rank - 1], doff = dstOff[rank - 1];
    for (size_t d = rank - 1; d-- > 0;) {
      const int64_t i = rem % box[d];
      rem /= box[d];
      so += (srcOff[d] + i) * ss[d];
      doff += (dstOff[d] + i) * ds[d];
    }
    std::copy_n(src.data.begin() + so, inner, dst.data.begin() + doff);
  }
}

struct Executor {
  const Program &p;
  const hw::Target &t;
  RunOptions opts;
  std::vector<Tensor> tensors;
  std::vector<std::unique_ptr<CrossbarTile>> tiles;
  cost::RunInfo &run;
  std::shared_ptr<DeviceModel> device; ///< noisy mode
  /// Value lifetimes (format::lastUses): a value is freed after the
  /// instruction that reads it last, unless the program returns it (kept).
  std::vector<size_t> last;
  std::vector<char> kept;
  std::vector<hw::XbarPrecision> prec; ///< per tile value
  size_t cur = 0;                      ///< the instruction being executed

  /// Operand i's tensor, for an instruction that overwrites a copy of it:
  /// moved out when this is its last read (and it is neither a result of the
  /// program nor another operand of `in`), copied otherwise.
  Tensor take(const Instr &in, size_t i) {
    const uint32_t id = in.operands[i];
    if (last[id] == cur && !kept[id] &&
        std::count(in.operands.begin(), in.operands.end(), id) == 1)
      return std::move(tensors[id]);
    return tensors[id];
  }

  /// Frees what instruction `cur` read last, and its result if nothing reads
  /// it (programResources counts memory the same way).
  void release(const Instr &in) {
    auto drop = [&](uint32_t id) {
      if (kept[id])
        return;
      tensors[id] = Tensor();
      if (id < tiles.size())
        tiles[id].reset();
    };
    for (uint32_t id : in.operands)
      if (last[id] == cur)
        drop(id);
    if (last[in.result] == format::kNeverRead)
      drop(in.result);
  }

  /// Tile `id`'s configuration: its own precision (format::tilePrecisions)
  /// and the target's peripherals.
  XbarConfig config(uint32_t id) const { return xbarConfig(t, prec[id]); }

  template <typename F> void elementwise(const Instr &in, F f) {
    const Tensor &a = tensors[in.operands[0]];
    const Tensor &b = tensors[in.operands[1]];
    Tensor r(a.shape);
    for (size_t i = 0; i < r.data.size(); ++i)
      r.data[i] = f(a.data[i], b.data[i]);
    tensors[in.result] = std::move(r);
  }

  /// dpu.generic: the loop nest of imc/Format/Generic.h, body in f32.
  void runGeneric(const Instr &in) {
    using format::BodyOp;
    const size_t nOps = in.operands.size();
    std::vector<std::vector<int64_t>> shapes;
    for (uint32_t o : in.operands)
      shapes.push_back(tensors[o].shape);
    std::vector<int64_t> bounds;
    std::string why;
    const format::GenericSpec spec =
        *format::decodeGeneric(in.attrs, shapes, bounds, why); // checked
    const int64_t loops = spec.numLoops;
    Tensor r = take(in, in.operands.size() - 1);
    // stride[i][l]: how far operand i moves when loop l advances.
    // An affine index (constant + sum coef * loop) adds coef * s to the
    // strides of its loops and constant * s to the starting offset.
    std::vector<std::vector<int64_t>> stride(nOps,
                                             std::vector<int64_t>(loops, 0));
    std::vector<int64_t> idx(loops, 0), off(nOps, 0);
    for (size_t i = 0; i < nOps; ++i) {
      int64_t s = 1;
      for (size_t d = shapes[i].size(); d-- > 0;) {
        const format::AffineIndex e = spec.index(i, d);
        for (auto [l, c] : e.terms)
          stride[i][l] += c * s;
        off[i] += e.constant * s;
        s *= shapes[i][d];
      }
    }
    std::vector<const float *> src(nOps);
    for (size_t i = 0; i + 1 < nOps; ++i)
      src[i] = tensors[in.operands[i]].data.data();
    std::vector<float> consts(spec.body.size());
    for (size_t b = 0; b < spec.body.size(); ++b)
      if (spec.body[b].op == BodyOp::Const) {
        double d;
        std::memcpy(&d, &spec.body[b].extra, sizeof d);
        consts[b] = float(d);
      }
    int64_t points = 1;
    for (int64_t b : bounds)
      points *= b;
    std::vector<float> v(nOps + spec.body.size());
    auto maximum = [](float a, float b) {
      if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<float>::quiet_NaN();
      return a > b ? a : b > a ? b : std::signbit(a) ? b : a;
    };
    auto minimum = [](float a, float b) {
      if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<float>::quiet_NaN();
      return a < b ? a : b < a ? b : std::signbit(a) ? a : b;
    };
    for (int64_t p = 0; p < points; ++p) {
      for (size_t i = 0; i + 1 < nOps; ++i)
        v[i] = src[i][off[i]];
      float &out = r.data[off[nOps - 1]];
      v[nOps - 1] = out;
      for (size_t b = 0; b < spec.body.size(); ++b) {
        const format::BodyInstr &bi = spec.body[b];
        const float x = bi.args.size() > 0 ? v[bi.args[0]] : 0.0f;
        const float y = bi.args.size() > 1 ? v[bi.args[1]] : 0.0f;
        float res = 0.0f;
        switch (bi.op) {
        case BodyOp::Const:
          res = consts[b];
          break;
        case BodyOp::Add:
          res = x + y;
          break;
        case BodyOp::Sub:
          res = x - y;
          break;
        case BodyOp::Mul:
          res = x * y;
          break;
        case BodyOp::Div:
          res = x / y;
          break;
        case BodyOp::Maximum:
          res = maximum(x, y);
          break;
        case BodyOp::MaxNum:
          res = std::fmax(x, y);
          break;
        case BodyOp::Minimum:
          res = minimum(x, y);
          break;
        case BodyOp::MinNum:
          res = std::fmin(x, y);
          break;
        case BodyOp::Neg:
          res = -x;
          break;
        case BodyOp::Abs:
          res = std::fabs(x);
          break;
        case BodyOp::Exp:
          res = std::exp(x);
          break;
        case BodyOp::Log:
          res = std::log(x);
          break;
        case BodyOp::Sqrt:
          res = std::sqrt(x);
          break;
        case BodyOp::Rsqrt:
          res = 1.0f / std::sqrt(x);
          break;
        case BodyOp::Tanh:
          res = std::tanh(x);
          break;
        case BodyOp::Erf:
          res = std::erf(x);
          break;
        case BodyOp::Cmp:
          res = format::evalCmp(bi.extra, x, y) ? 1.0f : 0.0f;
          break;
        case BodyOp::Select:
          res = x != 0.0f ? y : v[bi.args[2]];
          break;
        }
        v[nOps + b] = res;
      }
      out = v[spec.yield];
      for (int64_t l = loops; l-- > 0;) {
        for (size_t i = 0; i < nOps; ++i)
          off[i] += stride[i][l];
        if (++idx[l] < bounds[l])
          break;
        for (size_t i = 0; i < nOps; ++i)
          off[i] -= stride[i][l] * bounds[l];
        idx[l] = 0;
      }
    }
    tensors[in.result] = std::move(r);
  }

  void exec(const Instr &in) {
    const auto &resShape = p.values[in.result].shape;
    switch (in.op) {
    case Opcode::Empty:
      tensors[in.result] = Tensor(resShape);
      break;
    case Opcode::ExtractSlice: {
      Tensor r(resShape);
      copyBox(tensors[in.operands[0]], in.attrs, r,
              std::vector<int64_t>(resShape.size(), 0), resShape);
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::InsertSlice: {
      Tensor r = take(in, 1);
      const Tensor &src = tensors[in.operands[0]];
      copyBox(src, std::vector<int64_t>(src.shape.size(), 0), r, in.attrs,
              src.shape);
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::XbarProgram: {
      const Tensor &w = tensors[in.operands[0]];
      if (tiles.size() <= in.result)
        tiles.resize(p.values.size());
      NoiseSpec noise;
      noise.model = device.get();
      noise.seed = mixSeed(opts.seed ^ mixSeed(in.result));
      noise.driftTime = opts.driftTime;
      noise.gdc = opts.gdc;
      noise.outputNoise = t.device.outputNoise;
      noise.irDrop = t.device.irDrop;
      tiles[in.result] = std::make_unique<CrossbarTile>(
          w.data.data(), w.shape[0], w.shape[1], config(in.result),
          opts.mode == Mode::Quantized,
          opts.mode == Mode::Noisy ? &noise : nullptr);
      break;
    }
    case Opcode::XbarMvm: {
      const CrossbarTile &tile = *tiles[in.operands[0]];
      const Tensor &x = tensors[in.operands[1]];
      Tensor r(resShape);
      // The instruction's result id names the output-noise stream.
      run.bmRetries +=
          tile.mvm(x.data.data(), x.shape[0], r.data.data(), in.result);
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::XbarAccumulate: {
      Tensor r = take(in, 0);
      for (size_t i = 1; i < in.operands.size(); ++i) {
        const Tensor &o = tensors[in.operands[i]];
        for (size_t e = 0; e < r.data.size(); ++e)
          r.data[e] += o.data[e];
      }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuAdd:
      elementwise(in, [](float a, float b) { return a + b; });
      break;
    case Opcode::DpuSub:
      elementwise(in, [](float a, float b) { return a - b; });
      break;
    case Opcode::DpuMul:
      elementwise(in, [](float a, float b) { return a * b; });
      break;
    case Opcode::DpuMax:
      elementwise(in, [](float a, float b) { return std::max(a, b); });
      break;
    case Opcode::DpuRelu: {
      Tensor r = take(in, 0);
      for (float &v : r.data)
        v = v > 0.0f ? v : 0.0f;
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuBiasAdd: {
      Tensor r = take(in, 0);
      const Tensor &b = tensors[in.operands[1]];
      const size_t n = b.data.size();
      for (size_t i = 0; i < r.data.size(); ++i)
        r.data[i] += b.data[i % n];
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuMatmul: {
      const Tensor &a = tensors[in.operands[0]];
      const Tensor &b = tensors[in.operands[1]];
      const int64_t m = a.shape[0], k = a.shape[1], n = b.shape[1];
      Tensor r(resShape);
      std::vector<double> acc(n);
      for (int64_t i = 0; i < m; ++i) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t kk = 0; kk < k; ++kk) {
          const double av = a.data[i * k + kk];
          for (int64_t j = 0; j < n; ++j)
            acc[j] += av * double(b.data[kk * n + j]);
        }
        for (int64_t j = 0; j < n; ++j)
          r.data[i * n + j] = float(acc[j]);
      }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuReduceSum: {
      const Tensor &x = tensors[in.operands[0]];
      const int64_t dim = in.attrs[0];
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < dim; ++d)
        outer *= x.shape[d];
      for (size_t d = dim + 1; d < x.shape.size(); ++d)
        inner *= x.shape[d];
      const int64_t len = x.shape[dim];
      Tensor r(resShape);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          double s = 0;
          for (int64_t l = 0; l < len; ++l)
            s += x.data[(o * len + l) * inner + i];
          r.data[o * inner + i] = float(s);
        }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuIm2col: {
      const Tensor &x = tensors[in.operands[0]];
      const int64_t *a = in.attrs.data(); // kh kw sh sw pt pl pb pr dh dw
      const int64_t n = x.shape[0], ch = x.shape[1], h = x.shape[2],
                    w = x.shape[3];
      const int64_t oh = windowOutputSize(h, a[4], a[6], a[0], a[2], a[8]);
      const int64_t ow = windowOutputSize(w, a[5], a[7], a[1], a[3], a[9]);
      Tensor r(resShape); // zeros: padding
      const int64_t cols = ch * a[0] * a[1];
      for (int64_t ni = 0; ni < n; ++ni)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            float *row = r.data.data() + ((ni * oh + i) * ow + j) * cols;
            for (int64_t ci = 0; ci < ch; ++ci)
              for (int64_t ki = 0; ki < a[0]; ++ki) {
                const int64_t y = i * a[2] - a[4] + ki * a[8];
                if (y < 0 || y >= h)
                  continue;
                for (int64_t kj = 0; kj < a[1]; ++kj) {
                  const int64_t xx = j * a[3] - a[5] + kj * a[9];
                  if (xx >= 0 && xx < w)
                    row[(ci * a[0] + ki) * a[1] + kj] =
                        x.data[((ni * ch + ci) * h + y) * w + xx];
                }
              }
          }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuReshape:
      tensors[in.result] = Tensor(resShape, tensors[in.operands[0]].data);
      break;
    case Opcode::DpuTranspose: {
      const Tensor &x = tensors[in.operands[0]];
      const size_t rank = resShape.size();
      Tensor r(resShape);
      std::vector<int64_t> inStride(rank, 1), idx(rank, 0);
      for (size_t d = rank; d-- > 1;)
        inStride[d - 1] = inStride[d] * x.shape[d];
      // Walk the result in order; result dim d reads input dim perm[d].
      for (size_t e = 0; e < r.data.size(); ++e) {
        int64_t src = 0;
        for (size_t d = 0; d < rank; ++d)
          src += idx[d] * inStride[in.attrs[d]];
        r.data[e] = x.data[src];
        for (size_t d = rank; d-- > 0;) {
          if (++idx[d] < resShape[d])
            break;
          idx[d] = 0;
        }
      }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuAffine: {
      Tensor r = take(in, 0);
      const Tensor &s = tensors[in.operands[1]];
      const Tensor &b = tensors[in.operands[2]];
      const int64_t dim = in.attrs[0], len = resShape[dim];
      int64_t inner = 1;
      for (size_t d = dim + 1; d < resShape.size(); ++d)
        inner *= resShape[d];
      for (size_t e = 0; e < r.data.size(); ++e) {
        const int64_t ch = (int64_t(e) / inner) % len;
        r.data[e] = r.data[e] * s.data[ch] + b.data[ch];
      }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuPool: {
      const Tensor &x = tensors[in.operands[0]];
      const int64_t *a = in.attrs.data() + 1; // kh kw sh sw pt pl pb pr
      const bool isMax = in.attrs[0] == 0;
      const int64_t nc = x.shape[0] * x.shape[1], h = x.shape[2],
                    w = x.shape[3], oh = resShape[2], ow = resShape[3];
      Tensor r(resShape);
      for (int64_t p = 0; p < nc; ++p)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            double acc = isMax ? -std::numeric_limits<double>::infinity() : 0;
            for (int64_t ki = 0; ki < a[0]; ++ki)
              for (int64_t kj = 0; kj < a[1]; ++kj) {
                const int64_t y = i * a[2] - a[4] + ki,
                              xx = j * a[3] - a[5] + kj;
                const bool inside = y >= 0 && y < h && xx >= 0 && xx < w;
                const double v = inside ? x.data[(p * h + y) * w + xx]
                                 : isMax
                                     ? -std::numeric_limits<double>::infinity()
                                     : 0.0;
                acc = isMax ? std::max(acc, v) : acc + v;
              }
            r.data[(p * oh + i) * ow + j] =
                float(isMax ? acc : acc / double(a[0] * a[1]));
          }
      tensors[in.result] = std::move(r);
      break;
    }
    case Opcode::DpuGeneric:
      runGeneric(in);
      break;
    case Opcode::DpuRequantize: {
      Tensor r = take(in, 0);
      const int64_t l = (int64_t(1) << (in.attrs[0] - 1)) - 1;
      double absMax = 0;
      for (float v : r.data)
        absMax = std::max(absMax, std::fabs(double(v)));
      const double s = absMax / double(l);
      for (float &v : r.data)
        v = float(double(quantize(double(v), s, l)) * s);
      tensors[in.result] = std::move(r);
      break;
    }
    }
  }
};

} // namespace

bool Simulator::run(std::vector<Tensor> inputs, const RunOptions &options,
                    std::vector<Tensor> &outputs, Report &report,
                    std::string &error) const {
  if (!(options.driftTime >= 0 && options.driftTime <= kMaxDriftTime)) {
    error = fmt::format("the drift time must be a number of seconds in [0, "
                        "{:g}] (about 317 years), got {:g}",
                        kMaxDriftTime, options.driftTime);
    return false;
  }
  error = format::checkResources(prog, format::programResources(prog, tgt),
                                 options.maxWork, options.maxMemoryBytes);
  if (error.empty()) // the costs of the report are summed in 64 bits
    error = cost::checkCostable(prog, tgt);
  if (!error.empty())
    return false;
  if (inputs.size() != prog.inputs.size()) {
    error = fmt::format("entry function '{}' takes {} argument(s), {} input(s) "
                        "given",
                        prog.strings[prog.entryName], prog.inputs.size(),
                        inputs.size());
    return false;
  }
  // Costs never depend on the data or the mode: the report's costs are the
  // estimate's (docs/cost-model.md); the run adds what it did.
  cost::RunInfo run;
  run.mode = modeName(options.mode);
  run.seed = options.seed;
  run.driftTime = options.driftTime;
  run.gdc = options.gdc;
  run.boundManagement =
      options.mode != Mode::Ideal && tgt.boundManagement == "iterative";
  Executor ex{prog, tgt, options, {}, {}, run, {}};
  if (options.mode == Mode::Noisy) {
    ex.device = deviceModel(tgt.device);
    run.device = ex.device->name();
  }
  ex.tensors.resize(prog.values.size());
  ex.last = format::lastUses(prog);
  ex.prec = format::tilePrecisions(prog, tgt);
  ex.kept.assign(prog.values.size(), 0);
  for (uint32_t id : prog.outputs)
    ex.kept[id] = 1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto &want = prog.values[prog.inputs[i]].shape;
    if (inputs[i].shape != want ||
        int64_t(inputs[i].data.size()) != Tensor::numElements(want)) {
      error = fmt::format("input {} has shape {}, argument {} of '{}' expects "
                          "{}",
                          i, shapeToString(inputs[i].shape), i,
                          prog.strings[prog.entryName], shapeToString(want));
      return false;
    }
    ex.tensors[prog.inputs[i]] = std::move(inputs[i]);
  }
  for (const format::Constant &c : prog.constants) {
    const auto &shape = prog.values[c.value].shape;
    const int64_t n = Tensor::numElements(shape);
    ex.tensors[c.value] = c.isSplat(n)
                              ? Tensor{shape, std::vector<float>(n, c.data[0])}
                              : Tensor{shape, c.data};
  }
  for (size_t i = 0; i < prog.code.size(); ++i) {
    ex.cur = i;
    ex.exec(prog.code[i]);
    ex.release(prog.code[i]);
    if (options.progress)
      options.progress(i + 1, prog.code.size());
  }
  outputs.clear();
  for (size_t i = 0; i < prog.outputs.size(); ++i) {
    const uint32_t id = prog.outputs[i];
    // A result returned twice is copied for all but its last position.
    const bool again = std::find(prog.outputs.begin() + i + 1,
                                 prog.outputs.end(), id) != prog.outputs.end();
    outputs.push_back(again ? ex.tensors[id] : std::move(ex.tensors[id]));
  }
  cost::estimate(prog, tgt, report);
  report.costOnly = false;
  report.run = std::move(run);
  return true;
}

//===----------------------------------------------------------------------===//
// Report and listing
//===----------------------------------------------------------------------===//

std::string dumpProgram(const Program &p) {
  std::string out =
      fmt::format("imc program v{}.{}: entry '{}', {} values, {} constants, {} "
                  "instructions\n",
                  p.versionMajor, p.versionMinor, p.strings[p.entryName],
                  p.values.size(), p.constants.size(), p.code.size());
  auto val = [&](uint32_t id) {
    const ValueDesc &v = p.values[id];
    return fmt::format("%{}:{}{}", id,
                       v.kind == ValueKind::Tile ? "tile" : "tensor",
                       shapeToString(v.shape));
  };
  for (uint32_t id : p.inputs)
    out += fmt::format("  arg {}\n", val(id));
  for (const format::Constant &c : p.constants)
    out += c.isSplat(p.values[c.value].numElements())
               ? fmt::format("  const {} splat {}\n", val(c.value), c.data[0])
               : fmt::format("  const {}\n", val(c.value));
  for (const Instr &in : p.code) {
    std::vector<std::string> ops;
    for (uint32_t o : in.operands)
      ops.push_back(fmt::format("%{}", o));
    out += fmt::format("  {} = {} {}", val(in.result),
                       format::opcodeInfo(in.op).name, fmt::join(ops, ", "));
    if (in.op == Opcode::DpuGeneric) {
      // A summary; the full encoding is in imc/Format/Generic.h.
      std::vector<std::vector<int64_t>> shapes;
      for (uint32_t o : in.operands)
        shapes.push_back(p.values[o].shape);
      std::vector<int64_t> bounds;
      std::string why;
      if (auto spec = format::decodeGeneric(in.attrs, shapes, bounds, why))
        out += fmt::format(" [loops={}, reduction_mask={:#x}, body={} ops]",
                           shapes.empty() ? 0 : spec->numLoops,
                           spec->reductionMask, spec->body.size());
    } else if (!in.attrs.empty()) {
      // Named attributes ("tile=0"), or a plain list for per-dimension ones.
      const std::string names = format::opcodeInfo(in.op).attrNames;
      std::vector<std::string> items;
      size_t start = 0;
      for (size_t i = 0; i < in.attrs.size(); ++i) {
        size_t comma = names.find(',', start);
        if (format::opcodeInfo(in.op).attrs < 0 || start >= names.size()) {
          items.push_back(std::to_string(in.attrs[i]));
          continue;
        }
        items.push_back(names.substr(start, comma - start) + "=" +
                        std::to_string(in.attrs[i]));
        start = comma == std::string::npos ? names.size() : comma + 1;
      }
      const bool perDim = format::opcodeInfo(in.op).attrs < 0;
      out += fmt::format(" [{}{}]", perDim ? names + "=" : "",
                         fmt::join(items, ", "));
    }
    out += fmt::format("  @ {}\n", p.strings[in.layer]);
  }
  for (uint32_t id : p.outputs)
    out += fmt::format("  result %{}\n", id);
  return out;
}

} // namespace imc::sim
