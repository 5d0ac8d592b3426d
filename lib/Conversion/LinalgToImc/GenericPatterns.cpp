//===- GenericPatterns.cpp - any remaining linalg op -> dpu.generic -------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The second phase of convert-linalg-to-imc: a linalg op that no specific
// pattern took (softmax and layer-norm pieces, GELU, activation x activation
// products, reductions, fills) becomes a dpu.generic with the same loops and
// body, if the DPU can run it: static f32 tensors (f32 scalar constants become
// rank-0 tensors), input indexing maps whose results are loops or sums of
// constants times loops (the result's: a projected permutation), and a body of
// the scalar ops dpu.generic supports. Anything else is left for the pass to
// report.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace imc;

bool imc::isSupportedGenericBodyOp(Operation *op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
             arith::MinNumFOp, arith::NegFOp, arith::CmpFOp, arith::SelectOp,
             math::AbsFOp, math::ExpOp, math::LogOp, math::SqrtOp,
             math::RsqrtOp, math::TanhOp, math::ErfOp>(op) ||
         (isa<arith::ConstantOp>(op) && op->getResult(0).getType().isF32());
}

namespace {

struct GenericFallbackPattern : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op->getNumResults() != 1)
      return failure();
    auto isStaticF32 = [](Type t) {
      auto r = dyn_cast<RankedTensorType>(t);
      return r && r.hasStaticShape() && r.getElementType().isF32();
    };
    if (!isStaticF32(op->getResult(0).getType()))
      return failure();
    // Inputs: each dimension a loop, or constant + sum coef * loop (a
    // strided or shifted read, a convolution window); the result: a
    // projected permutation. dpu.generic's verifier checks the rest.
    SmallVector<AffineMap> inMaps = op.getIndexingMapsArray();
    for (auto [i, map] : llvm::enumerate(inMaps)) {
      if (map.getNumSymbols())
        return rewriter.notifyMatchFailure(op, "indexing map with symbols");
      if (i + 1 == inMaps.size()) {
        if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
          return rewriter.notifyMatchFailure(op, "unsupported result map");
        continue;
      }
      for (AffineExpr e : map.getResults()) {
        SmallVector<int64_t> coef(map.getNumDims() + 1, 0);
        if (!isa<AffineDimExpr>(e) && !dpu::linearForm(e, coef))
          return rewriter.notifyMatchFailure(op, "unsupported indexing map");
      }
    }
    Block *body = op.getBlock();
    for (Operation &inner : body->without_terminator())
      if (!isSupportedGenericBodyOp(&inner))
        return rewriter.notifyMatchFailure(op, "unsupported body op");
    // Values used in the body but defined outside must be f32 constants.
    WalkResult outside = op->walk([&](Operation *inner) {
      for (Value v : inner->getOperands())
        if (!op->isAncestor(v.getParentRegion()->getParentOp()) &&
            inner != op.getOperation() && !matchPattern(v, m_Constant()))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (outside.wasInterrupted())
      return rewriter.notifyMatchFailure(op, "body captures a non-constant");

    Location loc = op.getLoc();
    SmallVector<Value> inputs;
    for (OpOperand *in : op.getDpsInputOperands()) {
      Value v = in->get();
      if (isStaticF32(v.getType())) {
        inputs.push_back(v);
        continue;
      }
      FloatAttr scalar;
      if (!v.getType().isF32() || !matchPattern(v, m_Constant(&scalar)))
        return rewriter.notifyMatchFailure(op, "non-constant scalar input");
      inputs.push_back(rewriter.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(
                   RankedTensorType::get({}, rewriter.getF32Type()),
                   float(scalar.getValueAsDouble()))));
    }
    SmallVector<Attribute> maps, iterators;
    for (AffineMap map : op.getIndexingMapsArray())
      maps.push_back(AffineMapAttr::get(map));
    for (utils::IteratorType it : op.getIteratorTypesArray())
      iterators.push_back(rewriter.getStringAttr(
          it == utils::IteratorType::parallel ? "parallel" : "reduction"));

    auto generic = rewriter.create<dpu::GenericOp>(
        loc, op->getResult(0).getType(), inputs, op.getDpsInits()[0],
        rewriter.getArrayAttr(maps), rewriter.getArrayAttr(iterators));
    Region &region = generic.getBody();
    rewriter.cloneRegionBefore(op->getRegion(0), region, region.end());
    Operation *yield = region.front().getTerminator();
    rewriter.setInsertionPoint(yield);
    rewriter.replaceOpWithNewOp<dpu::YieldOp>(yield, yield->getOperand(0));
    rewriter.replaceOp(op, generic.getResult());
    return success();
  }
};

} // namespace

void imc::populateGenericFallbackPatterns(RewritePatternSet &patterns) {
  patterns.add<GenericFallbackPattern>(patterns.getContext());
}
