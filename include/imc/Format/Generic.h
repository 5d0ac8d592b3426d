//===- Generic.h - the encoding of dpu.generic ------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A dpu.generic instruction carries its loop nest and scalar body in its
// attribute list (docs/binary-format.md, "dpu.generic"):
//
//   numLoops, reductionMask, numOperands,
//   per operand (inputs, then init): rank, then one loop index per dimension,
//   numBodyOps,
//   per body op: kind, numArgs, args..., extra,
//   yield
//
// Body values are numbered: 0 .. numOperands-1 are the operands' elements
// (the init's is the result's current element), then one per body op. `extra`
// is the constant's IEEE-754 double bits (Const), the arith.cmpf predicate
// (Cmp), else 0. Comparisons produce 1.0 or 0.0. The arithmetic is f32.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_FORMAT_GENERIC_H
#define IMC_FORMAT_GENERIC_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imc::format {

enum class BodyOp : int64_t {
  Const = 0,
  Add = 1,
  Sub = 2,
  Mul = 3,
  Div = 4,
  Maximum = 5, ///< NaN-propagating (arith.maximumf)
  MaxNum = 6,  ///< NaN-ignoring (arith.maxnumf)
  Minimum = 7,
  MinNum = 8,
  Neg = 9,
  Abs = 10,
  Exp = 11,
  Log = 12,
  Sqrt = 13,
  Rsqrt = 14,
  Tanh = 15,
  Erf = 16,
  Cmp = 17,    ///< extra: arith::CmpFPredicate value (0..15)
  Select = 18, ///< (cond, a, b): cond != 0 ? a : b
};

/// Arguments a body op takes.
int bodyOpArity(BodyOp op);

/// exp, log, sqrt, rsqrt, tanh, erf: the special functions (costed apart).
bool isSpecialFunction(BodyOp op);

struct BodyInstr {
  BodyOp op = BodyOp::Const;
  std::vector<int64_t> args;
  int64_t extra = 0;
};

/// An operand dimension indexed by an affine form of the loops:
/// constant + sum of coef * loop (format 1.3; a strided or shifted access,
/// a convolution's input).
struct AffineIndex {
  std::vector<std::pair<int64_t, int64_t>> terms; ///< (loop, coefficient)
  int64_t constant = 0;
};

/// The limits decodeGeneric puts on an affine index (|coefficient|,
/// |constant|), so that offsets cannot overflow.
constexpr int64_t kMaxAffineCoefficient = int64_t(1) << 20;

struct GenericSpec {
  int64_t numLoops = 0;
  uint64_t reductionMask = 0;
  /// Per operand (inputs..., init), per dimension: the loop indexing it, or
  /// -1 when an affine form does (then in operandAffine at the same place).
  std::vector<std::vector<int64_t>> operandLoops;
  std::vector<std::vector<AffineIndex>> operandAffine; ///< empty, or as above
  std::vector<BodyInstr> body;
  int64_t yield = 0;

  /// Whether some operand dimension is an affine form (format 1.3).
  bool hasAffine() const;
  /// The affine form of operand i's dimension d (a plain loop as one term).
  AffineIndex index(size_t i, size_t d) const;
};

std::vector<int64_t> encodeGeneric(const GenericSpec &spec);

/// Decodes and validates a dpu.generic attribute list against the shapes of
/// its operands (inputs, then init). On success also returns the loop bounds.
std::optional<GenericSpec>
decodeGeneric(const std::vector<int64_t> &attrs,
              const std::vector<std::vector<int64_t>> &operandShapes,
              std::vector<int64_t> &loopBounds, std::string &error);

/// f32 evaluation of one comparison predicate (arith::CmpFPredicate order).
bool evalCmp(int64_t predicate, float a, float b);

} // namespace imc::format

#endif // IMC_FORMAT_GENERIC_H
