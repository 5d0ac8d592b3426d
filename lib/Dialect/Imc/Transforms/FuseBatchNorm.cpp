//===- FuseBatchNorm.cpp - fold dpu.affine into conv / matmul weights -----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Support/PassOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace imc {
#define GEN_PASS_DEF_IMCFUSEBATCHNORM
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

SmallVector<float> values(Value v) {
  DenseElementsAttr attr;
  matchPattern(v, m_Constant(&attr));
  return SmallVector<float>(attr.getValues<float>());
}

/// `w` with every element whose index along `dim` is f multiplied by
/// scale[f].
Value scaleConstant(PatternRewriter &rewriter, Location loc, Value w,
                    ArrayRef<float> scale, int64_t dim) {
  auto type = cast<RankedTensorType>(w.getType());
  SmallVector<float> data = values(w);
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  const int64_t len = type.getDimSize(dim);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = float(double(data[i]) * double(scale[(i / inner) % len]));
  return rewriter.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, ArrayRef<float>(data)));
}

/// b * scale + shift (b absent: shift).
Value foldBias(PatternRewriter &rewriter, Location loc, Value bias,
               ArrayRef<float> scale, ArrayRef<float> shift) {
  SmallVector<float> out(shift);
  if (bias) {
    SmallVector<float> b = values(bias);
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = float(double(b[i]) * double(scale[i]) + double(shift[i]));
  }
  auto type =
      RankedTensorType::get({int64_t(out.size())}, rewriter.getF32Type());
  return rewriter.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, ArrayRef<float>(out)));
}

struct FoldIntoConv : OpRewritePattern<dpu::AffineOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dpu::AffineOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2dOp>();
    if (!conv || op.getDim() != 1 || !conv->hasOneUse() ||
        !matchPattern(op.getScale(), m_Constant()) ||
        !matchPattern(op.getShift(), m_Constant()))
      return failure();
    SmallVector<float> scale = values(op.getScale()),
                       shift = values(op.getShift());
    // The folded op keeps the conv's layer name first.
    Location loc = rewriter.getFusedLoc({conv.getLoc(), op.getLoc()});
    rewriter.setInsertionPoint(conv);
    Value w = scaleConstant(rewriter, loc, conv.getWeight(), scale, 0);
    Value b = foldBias(rewriter, loc, conv.getBias(), scale, shift);
    Value folded = rewriter.create<Conv2dOp>(
        loc, conv.getType(), conv.getInput(), w, b, conv.getStridesAttr(),
        conv.getPaddingAttr(), conv.getDilationsAttr(), conv.getGroupsAttr());
    rewriter.replaceOp(op, folded);
    rewriter.eraseOp(conv);
    return success();
  }
};

/// affine(dim = last) of [bias_add(] mvm(x, W) [, b)]: scale W's columns.
struct FoldIntoMvm : OpRewritePattern<dpu::AffineOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dpu::AffineOp op,
                                PatternRewriter &rewriter) const override {
    Value in = op.getInput();
    dpu::BiasAddOp biasAdd = in.getDefiningOp<dpu::BiasAddOp>();
    Value bias;
    if (biasAdd) {
      if (!biasAdd->hasOneUse() ||
          !matchPattern(biasAdd.getBias(), m_Constant()))
        return failure();
      bias = biasAdd.getBias();
      in = biasAdd.getInput();
    }
    auto mvm = in.getDefiningOp<MvmOp>();
    if (!mvm || !mvm->hasOneUse() || op.getDim() != 1 ||
        !matchPattern(op.getScale(), m_Constant()) ||
        !matchPattern(op.getShift(), m_Constant()))
      return failure();
    SmallVector<float> scale = values(op.getScale()),
                       shift = values(op.getShift());
    Location loc = rewriter.getFusedLoc({mvm.getLoc(), op.getLoc()});
    rewriter.setInsertionPoint(mvm);
    Value w = scaleConstant(rewriter, loc, mvm.getWeight(), scale, 1);
    Value b = foldBias(rewriter, loc, bias, scale, shift);
    Value y = rewriter.create<MvmOp>(loc, mvm.getType(), mvm.getInput(), w,
                                     mvm.getEngineAttr());
    rewriter.replaceOpWithNewOp<dpu::BiasAddOp>(op, y, b);
    if (biasAdd)
      rewriter.eraseOp(biasAdd);
    rewriter.eraseOp(mvm);
    return success();
  }
};

struct ImcFuseBatchNormPass
    : imc::impl::ImcFuseBatchNormBase<ImcFuseBatchNormPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv, FoldIntoMvm>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
