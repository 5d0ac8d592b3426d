//===- LinalgToImc.cpp - linalg-on-tensors to imc / dpu -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Front ends spell the same layer in several ways (torch-mlir: tensor.empty +
// linalg.fill + linalg.matmul, bias and relu as linalg.generic; hand-written
// IR: named linalg.add / linalg.max). Each pattern below recognises one family
// of spellings; whatever linalg op is left after the greedy rewrite is not
// supported, and the pass fails with an error at that op.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Support/DenseF32.h"
#include "imc/Support/PassOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace imc {
#define GEN_PASS_DEF_CONVERTLINALGTOIMC
#include "imc/Conversion/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

bool imc::isZeroTensor(Value v) {
  if (matchPattern(v, m_AnyZeroFloat()))
    return true;
  if (auto fill = v.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return false;
}

namespace {

/// The dense f32 value of a constant tensor, also through a 2-D transpose of a
/// constant (torch-mlir transposes nn.Linear weights with linalg.transpose).
/// Returns a null attribute if `v` is not such a constant.
DenseElementsAttr getConstantWeights(Value v, bool &transposed) {
  transposed = false;
  if (auto t = v.getDefiningOp<linalg::TransposeOp>()) {
    if (t.getPermutation() != ArrayRef<int64_t>{1, 0})
      return {};
    transposed = true;
    v = t.getInput();
  }
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32() ||
      attr.getType().getRank() != 2)
    return {};
  return attr;
}

/// `attr` (R x C) transposed to C x R.
DenseElementsAttr transpose2D(DenseElementsAttr attr) {
  auto type = attr.getType();
  int64_t r = type.getDimSize(0), c = type.getDimSize(1);
  auto out = RankedTensorType::get({c, r}, type.getElementType());
  if (attr.isSplat())
    return attr.resizeSplat(out);
  ArrayRef<float> src = denseF32(attr);
  std::vector<float> dst(size_t(r * c));
  constexpr int64_t B = 64; // blocks that stay in cache both ways
  for (int64_t i0 = 0; i0 < r; i0 += B)
    for (int64_t j0 = 0; j0 < c; j0 += B)
      for (int64_t i = i0; i < std::min(r, i0 + B); ++i)
        for (int64_t j = j0; j < std::min(c, j0 + B); ++j)
          dst[size_t(j * r + i)] = src[size_t(i * c + j)];
  return DenseElementsAttr::get(out, ArrayRef<float>(dst));
}

/// Builds `lhs * rhs + acc` on imc/dpu: imc.mvm when rhs is a constant,
/// dpu.matmul otherwise; a dpu.add when the accumulator is not zero.
/// `rhsIsTransposed` says the op reads rhs as N x K (matmul_transpose_b).
LogicalResult rewriteMatmul(Operation *op, Value lhs, Value rhs, Value acc,
                            bool rhsIsTransposed, PatternRewriter &rewriter) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.hasStaticShape() ||
      !resultType.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "needs static f32 tensors");
  Location loc = op->getLoc();
  bool viaTranspose = false;
  Value product;
  if (DenseElementsAttr w = getConstantWeights(rhs, viaTranspose)) {
    // One transpose of the constant undoes the other.
    if (viaTranspose != rhsIsTransposed)
      w = transpose2D(w);
    Value weight = rewriter.create<arith::ConstantOp>(loc, w);
    product = rewriter.create<imc::MvmOp>(loc, resultType, lhs, weight,
                                          imc::EngineAttr());
  } else {
    if (rhsIsTransposed)
      return rewriter.notifyMatchFailure(
          op, "matmul_transpose_b with computed weights");
    product = rewriter.create<dpu::MatmulOp>(loc, resultType, lhs, rhs);
  }
  if (!isZeroTensor(acc))
    product = rewriter.create<dpu::AddOp>(loc, product, acc);
  rewriter.replaceOp(op, product);
  return success();
}

struct MatmulPattern : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    return rewriteMatmul(op, op.getInputs()[0], op.getInputs()[1],
                         op.getOutputs()[0], /*rhsIsTransposed=*/false,
                         rewriter);
  }
};

struct MatmulTransposeBPattern : OpRewritePattern<linalg::MatmulTransposeBOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulTransposeBOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    return rewriteMatmul(op, op.getInputs()[0], op.getInputs()[1],
                         op.getOutputs()[0], /*rhsIsTransposed=*/true,
                         rewriter);
  }
};

enum class Elementwise { Add, Sub, Mul, Max };

/// Creates the dpu op for `kind` applied to `a` and `b`, recognising
/// max(x, 0) as relu.
Value buildElementwise(PatternRewriter &rewriter, Location loc,
                       Elementwise kind, Value a, Value b) {
  switch (kind) {
  case Elementwise::Add:
    return rewriter.create<dpu::AddOp>(loc, a, b);
  case Elementwise::Sub:
    return rewriter.create<dpu::SubOp>(loc, a, b);
  case Elementwise::Mul:
    return rewriter.create<dpu::MulOp>(loc, a, b);
  case Elementwise::Max:
    if (isZeroTensor(b))
      return rewriter.create<dpu::ReluOp>(loc, a);
    if (isZeroTensor(a))
      return rewriter.create<dpu::ReluOp>(loc, b);
    return rewriter.create<dpu::MaxOp>(loc, a, b);
  }
  llvm_unreachable("unknown element-wise kind");
}

/// Named element-wise linalg ops on same-shaped operands.
template <typename NamedOp, Elementwise Kind>
struct NamedElementwisePattern : OpRewritePattern<NamedOp> {
  using OpRewritePattern<NamedOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(NamedOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value a = op.getInputs()[0], b = op.getInputs()[1];
    if (a.getType() != op.getResult(0).getType() || b.getType() != a.getType())
      return rewriter.notifyMatchFailure(op, "operand types differ");
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), Kind, a, b));
    return success();
  }
};

/// Element-wise linalg.generic: all loops parallel, one result with an
/// identity map, a body of one arith op on block arguments (and constants
/// defined above). Operands are same-shaped (identity map) or a 1-D bias
/// indexed by the last loop (bias add).
struct GenericElementwisePattern : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops())
      return rewriter.notifyMatchFailure(op, "not element-wise");
    auto resultType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape() ||
        !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "needs a static f32 result");
    if (!op.getIndexingMapsArray().back().isIdentity())
      return rewriter.notifyMatchFailure(op, "result map is not identity");

    Block &body = op.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Operation *inner = yield.getOperand(0).getDefiningOp();
    if (!inner || inner->getBlock() != &body)
      return rewriter.notifyMatchFailure(op, "body yields no computation");
    // The body must be exactly the yielded computation (and, for the
    // cmpf+select relu, its compare).
    size_t bodyOps = body.getOperations().size() - 1;

    // relu spelled as select(cmpf ugt/ogt (x, 0), x, 0).
    if (auto sel = dyn_cast<arith::SelectOp>(inner)) {
      auto cmp = sel.getCondition().getDefiningOp<arith::CmpFOp>();
      if (!cmp || bodyOps != 2 || op.getNumDpsInputs() != 1)
        return rewriter.notifyMatchFailure(op, "unsupported select body");
      auto pred = cmp.getPredicate();
      BlockArgument x = body.getArgument(0);
      if ((pred != arith::CmpFPredicate::UGT &&
           pred != arith::CmpFPredicate::OGT) ||
          cmp.getLhs() != x || !matchPattern(cmp.getRhs(), m_AnyZeroFloat()) ||
          sel.getTrueValue() != x ||
          !matchPattern(sel.getFalseValue(), m_AnyZeroFloat()))
        return rewriter.notifyMatchFailure(op, "select body is not relu");
      Value in = op.getDpsInputOperand(0)->get();
      if (in.getType() != resultType ||
          !op.getMatchingIndexingMap(op.getDpsInputOperand(0)).isIdentity())
        return rewriter.notifyMatchFailure(op, "relu operand not same-shape");
      rewriter.replaceOpWithNewOp<dpu::ReluOp>(op, in);
      return success();
    }

    if (bodyOps != 1 || inner->getNumOperands() != 2)
      return rewriter.notifyMatchFailure(op, "body is not one binary op");
    std::optional<Elementwise> kind =
        llvm::TypeSwitch<Operation *, std::optional<Elementwise>>(inner)
            .Case<arith::AddFOp>([](auto) { return Elementwise::Add; })
            .Case<arith::SubFOp>([](auto) { return Elementwise::Sub; })
            .Case<arith::MulFOp>([](auto) { return Elementwise::Mul; })
            .Case<arith::MaximumFOp, arith::MaxNumFOp>(
                [](auto) { return Elementwise::Max; })
            .Default([](Operation *) { return std::nullopt; });
    if (!kind)
      return rewriter.notifyMatchFailure(op, "unsupported body op");

    // Map each operand of the body op to a tensor-level value.
    enum class Role { Same, Bias, Zero };
    SmallVector<Value, 2> vals;
    SmallVector<Role, 2> roles;
    Location loc = op.getLoc();
    for (Value operand : inner->getOperands()) {
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg) {
        // A scalar constant: only 0 (relu) is supported.
        if (!matchPattern(operand, m_AnyZeroFloat()) ||
            *kind != Elementwise::Max)
          return rewriter.notifyMatchFailure(op, "unsupported scalar operand");
        vals.push_back({});
        roles.push_back(Role::Zero);
        continue;
      }
      if (arg.getOwner() != &body || arg.getArgNumber() >= op.getNumDpsInputs())
        return rewriter.notifyMatchFailure(op, "body reads the init tensor");
      OpOperand *in = op.getDpsInputOperand(arg.getArgNumber());
      AffineMap map = op.getMatchingIndexingMap(in);
      if (map.isIdentity() && in->get().getType() == resultType) {
        vals.push_back(in->get());
        roles.push_back(Role::Same);
        continue;
      }
      // Broadcast of a 1-D tensor along the last loop: (d0, .., dn) -> (dn).
      auto inType = dyn_cast<RankedTensorType>(in->get().getType());
      if (map.getNumResults() == 1 &&
          map.getResult(0) ==
              getAffineDimExpr(map.getNumDims() - 1, op.getContext()) &&
          inType && inType.getRank() == 1 &&
          inType.getDimSize(0) == resultType.getShape().back()) {
        vals.push_back(in->get());
        roles.push_back(Role::Bias);
        continue;
      }
      return rewriter.notifyMatchFailure(op, "unsupported indexing map");
    }

    Value result;
    if (roles[0] == Role::Same && roles[1] == Role::Same) {
      result = buildElementwise(rewriter, loc, *kind, vals[0], vals[1]);
    } else if (*kind == Elementwise::Max &&
               llvm::is_contained(roles, Role::Zero)) {
      Value x = roles[0] == Role::Zero ? vals[1] : vals[0];
      Role other = roles[0] == Role::Zero ? roles[1] : roles[0];
      if (other != Role::Same)
        return rewriter.notifyMatchFailure(op, "relu of a broadcast");
      result = rewriter.create<dpu::ReluOp>(loc, x);
    } else if (*kind == Elementwise::Add &&
               llvm::is_contained(roles, Role::Bias) &&
               llvm::is_contained(roles, Role::Same)) {
      Value x = roles[0] == Role::Same ? vals[0] : vals[1];
      Value b = roles[0] == Role::Bias ? vals[0] : vals[1];
      result = rewriter.create<dpu::BiasAddOp>(loc, x, b);
    } else {
      return rewriter.notifyMatchFailure(op, "unsupported operand shapes");
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertLinalgToImcPass
    : imc::impl::ConvertLinalgToImcBase<ConvertLinalgToImcPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  void runOnOperation() override {
    // Constants imc compiles are dense<...>; MLIR 19's folders crash on some
    // dense_resource blobs (docs/upstream-mlir.md), so they stop here.
    WalkResult resources = getOperation()->walk([&](Operation *op) {
      WalkResult found = op->getAttrDictionary().walk(
          [&](DenseResourceElementsAttr) { return WalkResult::interrupt(); });
      if (!found.wasInterrupted())
        return WalkResult::advance();
      op->emitError("imc does not compile dense_resource constants; write "
                    "them as dense<...>");
      return WalkResult::interrupt();
    });
    if (resources.wasInterrupted())
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    patterns
        .add<MatmulPattern, MatmulTransposeBPattern, GenericElementwisePattern,
             NamedElementwisePattern<linalg::AddOp, Elementwise::Add>,
             NamedElementwisePattern<linalg::SubOp, Elementwise::Sub>,
             NamedElementwisePattern<linalg::MulOp, Elementwise::Mul>,
             NamedElementwisePattern<linalg::MaxOp, Elementwise::Max>>(
            &getContext());
    populateConvPatterns(patterns);
    populateAffinePatterns(patterns);
    // Phase 1: the specific forms (they look at fills and broadcasts that
    // feed them); phase 2: whatever linalg is left, as dpu.generic.
    RewritePatternSet fallback(&getContext());
    populateGenericFallbackPatterns(fallback);
    if (failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(patterns))) ||
        failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(fallback)))) {
      getOperation().emitError("convert-linalg-to-imc did not converge");
      return signalPassFailure();
    }
    // Whatever linalg computation is left has no imc form. linalg.fill and
    // linalg.transpose that only fed converted ops are gone by now.
    bool failedAny = false;
    getOperation().walk([&](linalg::LinalgOp op) {
      op->emitError() << "'" << op->getName()
                      << "' is not supported by imc: no rewrite to imc/dpu "
                         "matches this form";
      failedAny = true;
    });
    getOperation().walk([&](tensor::PadOp op) {
      op->emitError("'tensor.pad' is supported only as the zero (or -inf, "
                    "for max pooling) padding of a convolution or pooling "
                    "input");
      failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
