//===- AffinePatterns.cpp - per-channel affine generics -> dpu.affine -----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Inference batch norm reaches linalg in many spellings: one generic with
// (x - mean) / sqrt(var + eps) * gamma + beta, a chain of generics, scalars
// inside or outside the body. Rather than match spellings, the body is
// evaluated symbolically: every value is a_c * x + b_c per channel c, where x
// is the one computed input and the other inputs are constants indexed by
// one dimension (the channel) or scalars. Any body built from add, sub, mul,
// div, neg, sqrt and rsqrt that stays affine in x is folded into
// y = x * scale + shift; a body that is not affine in x (x * x, sqrt(x), 1/x)
// is left alone.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace imc;

namespace {

/// a * x + b, per channel (a vector of size 1 means "the same everywhere").
struct Affine {
  std::vector<double> a, b;
  bool hasX() const {
    return std::any_of(a.begin(), a.end(), [](double v) { return v != 0; });
  }
  double at(const std::vector<double> &v, size_t c) const {
    return v.size() == 1 ? v[0] : v[c];
  }
  /// Channels this value distinguishes (1: the same for all).
  size_t channels() const { return std::max(a.size(), b.size()); }
};

Affine combine(const Affine &l, const Affine &r,
               function_ref<double(double, double)> fa,
               function_ref<double(double, double)> fb) {
  size_t n = std::max(l.channels(), r.channels());
  Affine out{std::vector<double>(n), std::vector<double>(n)};
  for (size_t c = 0; c < n; ++c) {
    out.a[c] = fa(l.at(l.a, c), r.at(r.a, c));
    out.b[c] = fb(l.at(l.b, c), r.at(r.b, c));
  }
  return out;
}

/// Scales an affine value by a constant one (channel-wise).
Affine scaleBy(const Affine &v, const Affine &k, bool divide) {
  size_t n = std::max(v.channels(), k.channels());
  Affine out{std::vector<double>(n), std::vector<double>(n)};
  for (size_t c = 0; c < n; ++c) {
    double s = k.at(k.b, c);
    if (divide)
      s = 1.0 / s;
    out.a[c] = v.at(v.a, c) * s;
    out.b[c] = v.at(v.b, c) * s;
  }
  return out;
}

struct AffineGenericPattern : OpRewritePattern<linalg::GenericOp> {
  AffineGenericPattern(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/0) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops())
      return failure();
    auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getRank() == 0 || !op.getIndexingMapsArray().back().isIdentity())
      return failure();

    // Classify the inputs: exactly one computed input with an identity map;
    // constants indexed by one loop (the channel) or rank 0.
    Block &body = op.getRegion().front();
    llvm::DenseMap<Value, Affine> env;
    Value x;
    std::optional<int64_t> channel;
    for (OpOperand *in : op.getDpsInputOperands()) {
      BlockArgument arg = body.getArgument(in->getOperandNumber());
      AffineMap map = op.getMatchingIndexingMap(in);
      DenseElementsAttr cst;
      if (!matchPattern(in->get(), m_Constant(&cst))) {
        if (x || !map.isIdentity() || in->get().getType() != type)
          return failure();
        x = in->get();
        env[arg] = Affine{{1.0}, {0.0}};
        continue;
      }
      if (!cst.getElementType().isF32())
        return failure();
      std::vector<double> values;
      for (float f : cst.getValues<float>())
        values.push_back(f);
      if (map.getNumResults() == 0 || cst.isSplat()) {
        env[arg] = Affine{{0.0}, {values.front()}};
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(map.getResult(0));
      if (map.getNumResults() != 1 || !dim ||
          (channel && *channel != int64_t(dim.getPosition())))
        return failure();
      channel = dim.getPosition();
      env[arg] = Affine{{0.0}, values};
    }
    if (!x)
      return failure();

    auto lookup = [&](Value v) -> std::optional<Affine> {
      if (auto it = env.find(v); it != env.end())
        return it->second;
      FloatAttr f;
      if (matchPattern(v, m_Constant(&f)))
        return Affine{{0.0}, {f.getValueAsDouble()}};
      return std::nullopt;
    };
    for (Operation &inner : body.without_terminator()) {
      if (matchPattern(&inner, m_Constant()))
        continue;
      if (inner.getNumOperands() < 1 || inner.getNumOperands() > 2 ||
          inner.getNumResults() != 1)
        return failure(); // linalg.index, select, ...: not affine ops
      std::optional<Affine> l = lookup(inner.getOperand(0));
      std::optional<Affine> r = inner.getNumOperands() > 1
                                    ? lookup(inner.getOperand(1))
                                    : std::nullopt;
      if (!l || (inner.getNumOperands() > 1 && !r))
        return failure();
      std::optional<Affine> out =
          llvm::TypeSwitch<Operation *, std::optional<Affine>>(&inner)
              .Case<arith::AddFOp>([&](auto) {
                return combine(*l, *r, std::plus<double>(),
                               std::plus<double>());
              })
              .Case<arith::SubFOp>([&](auto) {
                return combine(*l, *r, std::minus<double>(),
                               std::minus<double>());
              })
              .Case<arith::MulFOp>([&](auto) -> std::optional<Affine> {
                if (l->hasX() && r->hasX())
                  return std::nullopt; // x * x
                return l->hasX() ? scaleBy(*l, *r, false)
                                 : scaleBy(*r, *l, false);
              })
              .Case<arith::DivFOp>([&](auto) -> std::optional<Affine> {
                if (r->hasX())
                  return std::nullopt; // c / x
                return scaleBy(*l, *r, true);
              })
              .Case<arith::NegFOp>([&](auto) {
                return scaleBy(*l, Affine{{0.0}, {-1.0}}, false);
              })
              .Case<math::SqrtOp, math::RsqrtOp>(
                  [&](Operation *o) -> std::optional<Affine> {
                    if (l->hasX())
                      return std::nullopt;
                    Affine v = *l;
                    for (double &b : v.b)
                      b = isa<math::SqrtOp>(o) ? std::sqrt(b)
                                               : 1.0 / std::sqrt(b);
                    return v;
                  })
              .Default([](Operation *) { return std::nullopt; });
      if (!out)
        return failure();
      env[inner.getResult(0)] = *out;
    }
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    std::optional<Affine> y = lookup(yield.getOperand(0));
    if (!y || !y->hasX())
      return failure();

    // One scale and shift per element of the channel dimension (the last
    // dimension when every constant is a scalar).
    const int64_t dim = channel.value_or(type.getRank() - 1);
    const int64_t n = type.getDimSize(dim);
    SmallVector<float> scale(n), shift(n);
    for (int64_t c = 0; c < n; ++c) {
      scale[c] = float(y->at(y->a, c));
      shift[c] = float(y->at(y->b, c));
    }
    auto vec = RankedTensorType::get({n}, rewriter.getF32Type());
    Location loc = op.getLoc();
    Value s = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vec, ArrayRef<float>(scale)));
    Value t = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vec, ArrayRef<float>(shift)));
    rewriter.replaceOpWithNewOp<dpu::AffineOp>(op, x, s, t,
                                               rewriter.getI64IntegerAttr(dim));
    return success();
  }
};

} // namespace

void imc::populateAffinePatterns(RewritePatternSet &patterns) {
  patterns.add<AffineGenericPattern>(patterns.getContext());
}
