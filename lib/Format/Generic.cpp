//===- Generic.cpp - the encoding of dpu.generic --------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Generic.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace imc::format {

bool isSpecialFunction(BodyOp op) {
  switch (op) {
  case BodyOp::Exp:
  case BodyOp::Log:
  case BodyOp::Sqrt:
  case BodyOp::Rsqrt:
  case BodyOp::Tanh:
  case BodyOp::Erf:
    return true;
  default:
    return false;
  }
}

int bodyOpArity(BodyOp op) {
  if (op == BodyOp::Const)
    return 0;
  if (op == BodyOp::Neg || op == BodyOp::Abs || isSpecialFunction(op))
    return 1;
  return op == BodyOp::Select ? 3 : 2;
}

bool GenericSpec::hasAffine() const {
  for (const auto &loops : operandLoops)
    for (int64_t l : loops)
      if (l < 0)
        return true;
  return false;
}

AffineIndex GenericSpec::index(size_t i, size_t d) const {
  if (operandLoops[i][d] >= 0)
    return AffineIndex{{{operandLoops[i][d], 1}}, 0};
  return operandAffine[i][d];
}

std::vector<int64_t> encodeGeneric(const GenericSpec &spec) {
  std::vector<int64_t> a{spec.numLoops, int64_t(spec.reductionMask),
                         int64_t(spec.operandLoops.size())};
  for (size_t i = 0; i < spec.operandLoops.size(); ++i) {
    const auto &loops = spec.operandLoops[i];
    a.push_back(int64_t(loops.size()));
    for (size_t d = 0; d < loops.size(); ++d) {
      a.push_back(loops[d]);
      if (loops[d] >= 0)
        continue;
      const AffineIndex &e = spec.operandAffine[i][d];
      a.push_back(int64_t(e.terms.size()));
      for (auto [l, c] : e.terms) {
        a.push_back(l);
        a.push_back(c);
      }
      a.push_back(e.constant);
    }
  }
  a.push_back(int64_t(spec.body.size()));
  for (const BodyInstr &b : spec.body) {
    a.push_back(int64_t(b.op));
    a.push_back(int64_t(b.args.size()));
    a.insert(a.end(), b.args.begin(), b.args.end());
    a.push_back(b.extra);
  }
  a.push_back(spec.yield);
  return a;
}

std::optional<GenericSpec>
decodeGeneric(const std::vector<int64_t> &attrs,
              const std::vector<std::vector<int64_t>> &shapes,
              std::vector<int64_t> &bounds, std::string &error) {
  size_t pos = 0;
  auto fail = [&](const std::string &what) -> std::optional<GenericSpec> {
    error = fmt::format("dpu.generic attribute {}: {}", pos, what);
    return std::nullopt;
  };
  auto next = [&](int64_t &v) {
    if (pos >= attrs.size())
      return false;
    v = attrs[pos++];
    return true;
  };
  GenericSpec spec;
  int64_t mask, numOperands;
  if (!next(spec.numLoops) || !next(mask) || !next(numOperands))
    return fail("truncated header");
  if (spec.numLoops < 0 || spec.numLoops > 16)
    return fail("at most 16 loops");
  spec.reductionMask = uint64_t(mask);
  if (spec.reductionMask >> spec.numLoops)
    return fail("reduction mask names a loop that does not exist");
  if (numOperands != int64_t(shapes.size()))
    return fail(fmt::format("{} operand maps for {} operands", numOperands,
                            shapes.size()));
  bounds.assign(spec.numLoops, -1);
  for (int64_t i = 0; i < numOperands; ++i) {
    int64_t rank;
    if (!next(rank) || rank != int64_t(shapes[i].size()))
      return fail(fmt::format("operand {}: rank does not match its shape", i));
    std::vector<int64_t> loops(rank);
    std::vector<AffineIndex> affine(rank);
    std::vector<bool> seen(spec.numLoops, false);
    for (int64_t d = 0; d < rank; ++d) {
      if (!next(loops[d]))
        return fail(fmt::format("operand {}: truncated map", i));
      if (loops[d] == -1 && i + 1 < numOperands) {
        // An affine form (format 1.3): n terms (loop, coefficient), constant.
        int64_t n;
        if (!next(n) || n < 1 || n > spec.numLoops)
          return fail(fmt::format("operand {}: dimension {}: 1 to {} affine "
                                  "terms expected",
                                  i, d, spec.numLoops));
        std::vector<bool> used(spec.numLoops, false);
        for (int64_t t = 0; t < n; ++t) {
          int64_t l, c;
          if (!next(l) || l < 0 || l >= spec.numLoops || used[l] || !next(c) ||
              c == 0 || c > kMaxAffineCoefficient || c < -kMaxAffineCoefficient)
            return fail(fmt::format("operand {}: dimension {}: affine term {} "
                                    "names no loop, a loop twice, or a "
                                    "coefficient of 0 or beyond 2^20",
                                    i, d, t));
          used[l] = true;
          affine[d].terms.push_back({l, c});
        }
        if (!next(affine[d].constant) ||
            affine[d].constant > (int64_t(1) << 40) ||
            affine[d].constant < -(int64_t(1) << 40))
          return fail(fmt::format("operand {}: dimension {}: affine constant "
                                  "beyond 2^40",
                                  i, d));
        continue;
      }
      if (loops[d] < 0 || loops[d] >= spec.numLoops || seen[loops[d]])
        return fail(fmt::format("operand {}: dimension {} names no loop or "
                                "a loop twice",
                                i, d));
      seen[loops[d]] = true;
      int64_t &b = bounds[loops[d]];
      if (b >= 0 && b != shapes[i][d])
        return fail(fmt::format("loop {} has sizes {} and {}", loops[d], b,
                                shapes[i][d]));
      b = shapes[i][d];
      if (i + 1 == numOperands && (spec.reductionMask >> loops[d]) & 1)
        return fail("the result is indexed by a reduction loop");
    }
    spec.operandLoops.push_back(std::move(loops));
    spec.operandAffine.push_back(std::move(affine));
  }
  int64_t points = 1;
  for (int64_t l = 0; l < spec.numLoops; ++l) {
    if (bounds[l] < 0)
      return fail(fmt::format("loop {} indexes no operand", l));
    // Bounded so that the product cannot overflow and a run can finish.
    if (bounds[l] > 0 && points > (int64_t(1) << 40) / bounds[l])
      return fail("iteration space of more than 2^40 points");
    points *= bounds[l];
  }
  // Every affine index stays inside its dimension over the whole space.
  for (int64_t i = 0; i < numOperands; ++i)
    for (size_t d = 0; d < shapes[i].size(); ++d) {
      if (spec.operandLoops[i][d] >= 0)
        continue;
      const AffineIndex &e = spec.operandAffine[i][d];
      __int128 lo = e.constant, hi = e.constant; // 16 terms of < 2^60
      for (auto [l, c] : e.terms)
        (c > 0 ? hi : lo) += __int128(c) * (bounds[l] - 1);
      if (lo < 0 || hi >= shapes[i][d])
        return fail(fmt::format("operand {}: dimension {} of size {} is "
                                "indexed outside it (from {} to {})",
                                i, d, shapes[i][d],
                                int64_t(std::max<__int128>(lo, INT64_MIN)),
                                int64_t(std::min<__int128>(hi, INT64_MAX))));
    }
  int64_t numBody;
  if (!next(numBody) || numBody < 0 || numBody > 4096)
    return fail("body of 0 to 4096 ops expected");
  int64_t values = numOperands;
  for (int64_t i = 0; i < numBody; ++i) {
    BodyInstr b;
    int64_t kind, nargs;
    if (!next(kind) || kind < 0 || kind > int64_t(BodyOp::Select))
      return fail(fmt::format("body op {}: unknown kind", i));
    b.op = BodyOp(kind);
    if (!next(nargs) || nargs != bodyOpArity(b.op))
      return fail(fmt::format("body op {}: wrong number of arguments", i));
    b.args.resize(nargs);
    for (int64_t &a : b.args)
      if (!next(a) || a < 0 || a >= values)
        return fail(fmt::format("body op {}: argument refers to no earlier "
                                "value",
                                i));
    if (!next(b.extra))
      return fail("truncated body");
    if (b.op == BodyOp::Cmp && (b.extra < 0 || b.extra > 15))
      return fail(fmt::format("body op {}: unknown predicate {}", i, b.extra));
    spec.body.push_back(std::move(b));
    ++values;
  }
  if (!next(spec.yield) || spec.yield < 0 || spec.yield >= values)
    return fail("the yield refers to no value");
  if (pos != attrs.size())
    return fail("trailing attributes");
  return spec;
}

bool evalCmp(int64_t p, float a, float b) {
  const bool u = std::isnan(a) || std::isnan(b);
  switch (p) {
  case 0:
    return false;
  case 1:
    return !u && a == b;
  case 2:
    return !u && a > b;
  case 3:
    return !u && a >= b;
  case 4:
    return !u && a < b;
  case 5:
    return !u && a <= b;
  case 6:
    return !u && a != b;
  case 7:
    return !u;
  case 8:
    return u || a == b;
  case 9:
    return u || a > b;
  case 10:
    return u || a >= b;
  case 11:
    return u || a < b;
  case 12:
    return u || a <= b;
  case 13:
    return u || a != b;
  case 14:
    return u;
  default:
    return true;
  }
}

} // namespace imc::format
