//===- Verify.cpp - semantic checks of an imc program ---------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The rules of docs/binary-format.md, "Validity". imc-translate checks every
// program it writes with them, and imc-sim every program it loads.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Generic.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Target.h"
#include "imc/Support/Conv.h"

#include <fmt/format.h>

#include <algorithm>

namespace imc::format {

static std::string shapeToString(const std::vector<int64_t> &shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

namespace {

/// Checks one instruction's operand and result shapes.
class InstrChecker {
public:
  InstrChecker(const Program &p, const hw::Target &t, size_t index)
      : p(p), t(t), index(index), in(p.code[index]) {}

  std::string check() {
    const format::OpcodeInfo &info = opcodeInfo(in.op);
    const size_t rank = p.values[in.result].shape.size();
    if (info.operands >= 0 && in.operands.size() != size_t(info.operands))
      return err(fmt::format("expects {} operands, has {}", info.operands,
                             in.operands.size()));
    const size_t minOperands = in.op == Opcode::DpuGeneric ? 1 : 2;
    if (info.operands < 0 && in.operands.size() < minOperands)
      return err(fmt::format("expects at least {} operands", minOperands));
    const size_t attrs = info.attrs == -1 ? rank : size_t(info.attrs);
    if (info.attrs != -2 &&
        (in.attrs.size() < attrs ||
         in.attrs.size() > attrs + size_t(info.optionalAttrs)))
      return err(info.optionalAttrs
                     ? fmt::format("expects {} to {} attributes, has {}", attrs,
                                   attrs + size_t(info.optionalAttrs),
                                   in.attrs.size())
                     : fmt::format("expects {} attributes, has {}", attrs,
                                   in.attrs.size()));
    // Operand kinds by position: xbar.mvm reads (tile, tensor); every other
    // operand of every opcode is a tensor.
    for (size_t i = 0; i < in.operands.size(); ++i) {
      const bool wantTile = in.op == Opcode::XbarMvm && i == 0;
      const ValueKind want = wantTile ? ValueKind::Tile : ValueKind::Tensor;
      if (p.values[in.operands[i]].kind != want)
        return err(fmt::format("operand {} (%{}) is not a {}", i,
                               in.operands[i], wantTile ? "tile" : "tensor"));
    }
    if (in.operands.size() > 0xFFFF || in.attrs.size() > 0xFFFF)
      return err("more than 65535 operands or attributes");
    if ((p.values[in.result].kind == ValueKind::Tile) !=
        (in.op == Opcode::XbarProgram))
      return err("result kind does not match the opcode");

    const auto &res = p.values[in.result].shape;
    auto shapeOf = [&](size_t i) -> const std::vector<int64_t> & {
      return p.values[in.operands[i]].shape;
    };
    switch (in.op) {
    case Opcode::Empty:
      return {};
    case Opcode::ExtractSlice:
      if (shapeOf(0).size() != rank)
        return err("source and result ranks differ");
      for (size_t d = 0; d < rank; ++d)
        if (in.attrs[d] < 0 || in.attrs[d] > shapeOf(0)[d] - res[d])
          return err(fmt::format("slice [{}, +{}) of dim {} is outside the "
                                 "source ({})",
                                 in.attrs[d], res[d], d, shapeOf(0)[d]));
      return {};
    case Opcode::InsertSlice:
      if (shapeOf(1) != res || shapeOf(0).size() != rank)
        return err("destination and result shapes differ");
      for (size_t d = 0; d < rank; ++d)
        if (in.attrs[d] < 0 || in.attrs[d] > res[d] - shapeOf(0)[d])
          return err(fmt::format("insert at [{}, +{}) of dim {} is outside "
                                 "the destination ({})",
                                 in.attrs[d], shapeOf(0)[d], d, res[d]));
      return {};
    case Opcode::XbarProgram: {
      if (shapeOf(0).size() != 2 || res != shapeOf(0))
        return err("weights must be 2-D and match the tile shape");
      if (in.attrs[0] < 0)
        return err("negative tile index");
      hw::XbarPrecision prec = t.precision();
      prec.weightBits = in.attrs[1];
      prec.cellBits = in.attrs[2];
      if (std::string why = prec.validate(); !why.empty())
        return err(why);
      if (in.attrs.size() > 3) {
        if (in.attrs[3] < 0 || in.attrs[3] > 2)
          return err(fmt::format("weight mapping must be 0 (differential), 1 "
                                 "(offset) or 2 (two's complement), got {}",
                                 in.attrs[3]));
        prec.mapping = hw::WeightMapping(in.attrs[3]);
      } else {
        prec.mapping = hw::WeightMapping::Differential;
      }
      // The block must fit the target's array at the tile's own precision.
      const int64_t cols = prec.weightColsIn(t.cols);
      if (res[0] > t.rows || res[1] > cols)
        return err(fmt::format("weight block {}x{} exceeds the target's tile "
                               "of {}x{} weights at {}-bit weights on {}-bit "
                               "cells ({})",
                               res[0], res[1], t.rows, std::max<int64_t>(cols, 0),
                               prec.weightBits, prec.cellBits,
                               hw::weightMappingName(prec.mapping)));
      return {};
    }
    case Opcode::XbarMvm: {
      const ValueDesc &tile = p.values[in.operands[0]]; // a tile, by I3
      const auto &x = shapeOf(1);
      if (x.size() != 2 || x[1] != tile.shape[0] || res.size() != 2 ||
          res[0] != x[0] || res[1] != tile.shape[1])
        return err("input/output shapes do not match the tile");
      hw::XbarPrecision prec = t.precision();
      prec.inputBits = in.attrs[0];
      prec.dacBits = in.attrs[1];
      prec.adcBits = in.attrs[2];
      prec.parallelRows = in.attrs[3];
      if (std::string why = prec.validate(); !why.empty())
        return err(why);
      if (prec.parallelRows > t.rows)
        return err(fmt::format("parallel_rows {} exceeds the target's {} rows",
                               prec.parallelRows, t.rows));
      if (in.attrs.size() > 4 && in.attrs[4] != 0 && in.attrs[4] != 1)
        return err(fmt::format("unsigned input must be 0 or 1, got {}",
                               in.attrs[4]));
      return {};
    }
    case Opcode::XbarAccumulate:
    case Opcode::DpuAdd:
    case Opcode::DpuSub:
    case Opcode::DpuMul:
    case Opcode::DpuMax:
    case Opcode::DpuRelu:
    case Opcode::DpuRequantize:
      for (size_t i = 0; i < in.operands.size(); ++i)
        if (shapeOf(i) != res)
          return err("operand and result shapes differ");
      if (in.op == Opcode::DpuRequantize &&
          (in.attrs[0] < 2 || in.attrs[0] > 16))
        return err("requantize bits must be in [2, 16]");
      return {};
    case Opcode::DpuBiasAdd:
      if (shapeOf(0) != res || res.empty() || shapeOf(1).size() != 1 ||
          shapeOf(1)[0] != res.back())
        return err("bias must be 1-D and match the last dimension");
      return {};
    case Opcode::DpuMatmul:
      if (shapeOf(0).size() != 2 || shapeOf(1).size() != 2 ||
          shapeOf(0)[1] != shapeOf(1)[0] || res.size() != 2 ||
          res[0] != shapeOf(0)[0] || res[1] != shapeOf(1)[1])
        return err("matmul shapes do not agree");
      return {};
    case Opcode::DpuIm2col:
    case Opcode::DpuPool: {
      const bool pool = in.op == Opcode::DpuPool;
      const auto &x = shapeOf(0);
      const int64_t *a = in.attrs.data() + (pool ? 1 : 0);
      if (pool && (in.attrs[0] < 0 || in.attrs[0] > 1))
        return err("pool kind must be 0 (max) or 1 (avg)");
      // a: kh, kw, sh, sw, pt, pl, pb, pr[, dh, dw]
      const int64_t dh = pool ? 1 : a[8], dw = pool ? 1 : a[9];
      for (int i = 0; i < 4; ++i)
        if (a[i] <= 0 || a[i] > (int64_t(1) << 20))
          return err("kernel sizes and strides must be in [1, 2^20]");
      for (int i = 4; i < 8; ++i)
        if (a[i] < 0 || a[i] > (int64_t(1) << 20))
          return err("padding must be in [0, 2^20]");
      if (dh <= 0 || dw <= 0 || dh > (int64_t(1) << 20) ||
          dw > (int64_t(1) << 20))
        return err("dilations must be in [1, 2^20]");
      if (x.size() != 4)
        return err("input must be 4-D (NCHW)");
      const int64_t oh = windowOutputSize(x[2], a[4], a[6], a[0], a[2], dh);
      const int64_t ow = windowOutputSize(x[3], a[5], a[7], a[1], a[3], dw);
      int64_t rows = 0, cols = 0; // overflow-checked: the file is untrusted
      if (__builtin_mul_overflow(x[0], oh, &rows) ||
          __builtin_mul_overflow(rows, ow, &rows) ||
          __builtin_mul_overflow(x[1], a[0], &cols) ||
          __builtin_mul_overflow(cols, a[1], &cols))
        return err("window geometry overflows");
      const std::vector<int64_t> want =
          pool ? std::vector<int64_t>{x[0], x[1], oh, ow}
               : std::vector<int64_t>{rows, cols};
      if (oh <= 0 || ow <= 0 || res != want)
        return err(fmt::format("result shape {} does not match the window "
                               "geometry ({} expected)",
                               shapeToString(res), shapeToString(want)));
      return {};
    }
    case Opcode::DpuGeneric: {
      if (shapeOf(in.operands.size() - 1) != res)
        return err("init and result shapes differ");
      std::vector<std::vector<int64_t>> shapes;
      for (size_t i = 0; i < in.operands.size(); ++i)
        shapes.push_back(shapeOf(i));
      std::vector<int64_t> bounds;
      std::string why;
      if (!decodeGeneric(in.attrs, shapes, bounds, why))
        return err(why);
      return {};
    }
    case Opcode::DpuReshape: {
      int64_t a = 1, b = 1;
      for (int64_t d : shapeOf(0))
        a *= d;
      for (int64_t d : res)
        b *= d;
      if (a != b)
        return err("input and result element counts differ");
      return {};
    }
    case Opcode::DpuTranspose: {
      const auto &x = shapeOf(0);
      std::vector<bool> seen(rank, false);
      if (x.size() != rank)
        return err("input and result ranks differ");
      for (size_t d = 0; d < rank; ++d) {
        const int64_t p = in.attrs[d];
        if (p < 0 || size_t(p) >= rank || seen[p])
          return err("attributes are not a permutation");
        seen[p] = true;
        if (res[d] != x[p])
          return err(
              fmt::format("result dim {} must equal input dim {}", d, p));
      }
      return {};
    }
    case Opcode::DpuAffine: {
      const int64_t dim = in.attrs[0];
      if (shapeOf(0) != res || dim < 0 || size_t(dim) >= rank)
        return err("input/result shapes differ or dim out of range");
      for (size_t i = 1; i < 3; ++i)
        if (shapeOf(i) != std::vector<int64_t>{res[dim]})
          return err("scale and shift must be 1-D of the dim's size");
      return {};
    }
    case Opcode::DpuReduceSum: {
      if (shapeOf(0).size() != rank || in.attrs[0] < 0 ||
          size_t(in.attrs[0]) >= rank)
        return err("reduction dimension out of range");
      auto expect = shapeOf(0);
      expect[in.attrs[0]] = 1;
      if (expect != res)
        return err("result shape must keep the reduced dimension as 1");
      return {};
    }
    }
    return err("unhandled opcode");
  }

private:
  std::string err(const std::string &what) const {
    return fmt::format("CODE: instruction {} ({}): {}", index,
                       opcodeInfo(in.op).name, what);
  }
  const Program &p;
  const hw::Target &t;
  size_t index;
  const Instr &in;
};

} // namespace

std::string verifyProgram(const Program &p, const hw::Target &t) {
  for (size_t i = 0; i < p.strings.size(); ++i)
    if (std::string e = checkString(p.strings[i]); !e.empty())
      return fmt::format("STRINGS: string {} {}", i, e);
  std::vector<bool> defined(p.values.size(), false);
  auto define = [&](uint32_t id, const std::string &what) -> std::string {
    if (defined[id])
      return fmt::format("{}: value %{} is defined twice", what, id);
    defined[id] = true;
    return {};
  };
  for (const ValueDesc &v : p.values) {
    if (v.shape.size() > 8)
      return fmt::format("VALUES: rank {} exceeds the maximum of 8",
                         v.shape.size());
    int64_t elements = 1;
    for (int64_t d : v.shape) {
      if (d <= 0)
        return "VALUES: zero-sized dimensions are not supported";
      if (elements > kMaxTensorElements / d)
        return fmt::format("VALUES: a tensor of shape {} has more than 2^32 "
                           "elements",
                           shapeToString(v.shape));
      elements *= d;
    }
  }
  for (const Constant &c : p.constants) {
    if (p.values[c.value].kind != ValueKind::Tensor)
      return fmt::format("CONSTANTS: constant %{} is declared as a tile",
                         c.value);
    const int64_t n = p.values[c.value].numElements();
    if (int64_t(c.data.size()) != n && !c.isSplat(n))
      return fmt::format("CONSTANTS: constant %{} has {} elements, its shape "
                         "{} needs {} (or 1, a splat)",
                         c.value, c.data.size(),
                         shapeToString(p.values[c.value].shape),
                         p.values[c.value].numElements());
    if (auto e = define(c.value, "CONSTANTS"); !e.empty())
      return e;
  }
  for (uint32_t id : p.inputs) {
    if (p.values[id].kind != ValueKind::Tensor)
      return "SIGNATURE: an argument is not a tensor";
    if (auto e = define(id, "SIGNATURE"); !e.empty())
      return e;
  }
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr &in = p.code[i];
    for (uint32_t o : in.operands)
      if (!defined[o])
        return fmt::format("CODE: instruction {} ({}) uses %{} before it is "
                           "defined",
                           i, opcodeInfo(in.op).name, o);
    if (auto e = InstrChecker(p, t, i).check(); !e.empty())
      return e;
    if (auto e = define(in.result, fmt::format("CODE: instruction {}", i));
        !e.empty())
      return e;
  }
  for (uint32_t id : p.outputs)
    if (!defined[id] || p.values[id].kind != ValueKind::Tensor)
      return fmt::format("SIGNATURE: result %{} is not a defined tensor", id);
  // A tile is programmed once for one precision: its MVMs must agree.
  const std::vector<hw::XbarPrecision> prec = tilePrecisions(p, t);
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr &in = p.code[i];
    if (in.op != Opcode::XbarMvm)
      continue;
    const hw::XbarPrecision &q = prec[in.operands[0]];
    const bool unsignedInput = in.attrs.size() > 4 && in.attrs[4] == 1;
    if (in.attrs[0] != q.inputBits || in.attrs[1] != q.dacBits ||
        in.attrs[2] != q.adcBits || in.attrs[3] != q.parallelRows ||
        unsignedInput != q.unsignedInput)
      return fmt::format("CODE: instruction {} (xbar.mvm) reads tile %{} at "
                         "other input/DAC/ADC bits, parallel rows or input "
                         "sign than an earlier xbar.mvm of that tile",
                         i, in.operands[0]);
  }
  return {};
}

std::vector<hw::XbarPrecision> tilePrecisions(const Program &p,
                                              const hw::Target &t) {
  std::vector<hw::XbarPrecision> prec(p.values.size(), t.precision());
  std::vector<char> seen(p.values.size(), 0);
  for (const Instr &in : p.code) {
    if (in.op == Opcode::XbarProgram &&
        (in.attrs.size() == 3 || in.attrs.size() == 4) &&
        in.result < prec.size()) {
      prec[in.result].weightBits = in.attrs[1];
      prec[in.result].cellBits = in.attrs[2];
      const int64_t m = in.attrs.size() == 4 ? in.attrs[3] : 0;
      prec[in.result].mapping =
          m >= 0 && m <= 2 ? hw::WeightMapping(m)
                           : hw::WeightMapping::Differential;
    } else if (in.op == Opcode::XbarMvm &&
               (in.attrs.size() == 4 || in.attrs.size() == 5) &&
               !in.operands.empty() && in.operands[0] < prec.size() &&
               !seen[in.operands[0]]) {
      hw::XbarPrecision &q = prec[in.operands[0]];
      seen[in.operands[0]] = 1;
      q.inputBits = in.attrs[0];
      q.dacBits = in.attrs[1];
      q.adcBits = in.attrs[2];
      q.parallelRows = in.attrs[3];
      q.unsignedInput = in.attrs.size() == 5 && in.attrs[4] == 1;
    }
  }
  return prec;
}

std::vector<char> nonNegativeValues(const Program &p) {
  std::vector<char> nn(p.values.size(), 0);
  auto all = [&](const Instr &in) {
    return std::all_of(in.operands.begin(), in.operands.end(),
                       [&](uint32_t o) { return nn[o] != 0; });
  };
  for (const Instr &in : p.code) {
    if (in.result >= nn.size() ||
        std::any_of(in.operands.begin(), in.operands.end(),
                    [&](uint32_t o) { return o >= nn.size(); }))
      continue;
    bool v = false;
    switch (in.op) {
    case Opcode::Empty:
    case Opcode::DpuRelu:
      v = true;
      break;
    case Opcode::DpuMax:
      v = nn[in.operands[0]] || nn[in.operands[1]];
      break;
    case Opcode::ExtractSlice:
    case Opcode::InsertSlice:
    case Opcode::DpuReshape:
    case Opcode::DpuTranspose:
    case Opcode::DpuIm2col: // pads with zeros
    case Opcode::DpuRequantize:
    case Opcode::DpuReduceSum:
    case Opcode::DpuAdd:
    case Opcode::DpuMul:
    case Opcode::DpuBiasAdd:
    case Opcode::DpuAffine:
    case Opcode::DpuMatmul:
      v = all(in);
      break;
    case Opcode::DpuPool: {
      // Average pools pad with zeros; a max pool's window reaches into the
      // input only if each padding is below the kernel (else it may be
      // all padding, -inf).
      const std::vector<int64_t> &a = in.attrs;
      v = all(in) &&
          (a.size() == 9 && (a[0] == 1 || (a[5] < a[1] && a[7] < a[1] &&
                                           a[6] < a[2] && a[8] < a[2])));
      break;
    }
    default: // crossbar results (noise, quantization), dpu.generic
      break;
    }
    nn[in.result] = v;
  }
  return nn;
}

} // namespace imc::format
