//===- LowerConv.cpp - imc.conv2d -> im2col + imc.mvm ---------------------===//
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
#define GEN_PASS_DEF_IMCLOWERCONV
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

struct LowerConv2d : OpRewritePattern<Conv2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dOp op,
                                PatternRewriter &rewriter) const override {
    auto x = op.getInput().getType(), y = op.getType();
    auto w = op.getWeight().getType();
    const int64_t n = x.getDimSize(0), c = x.getDimSize(1);
    const int64_t f = w.getDimSize(0), cg = w.getDimSize(1),
                  kh = w.getDimSize(2), kw = w.getDimSize(3);
    const int64_t oh = y.getDimSize(2), ow = y.getDimSize(3);
    const int64_t groups = op.getGroups(), fg = f / groups;
    const int64_t rows = c * kh * kw;

    // The (C KH KW) x F weight matrix; block-diagonal when grouped.
    DenseElementsAttr filter;
    matchPattern(op.getWeight(), m_Constant(&filter));
    SmallVector<float> src(filter.getValues<float>());
    SmallVector<float> mat(rows * f, 0.0f);
    for (int64_t fi = 0; fi < f; ++fi) {
      const int64_t g = fi / fg;
      for (int64_t ci = 0; ci < cg; ++ci)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            mat[(((g * cg + ci) * kh + i) * kw + j) * f + fi] =
                src[((fi * cg + ci) * kh + i) * kw + j];
    }

    Location loc = op.getLoc();
    auto f32 = rewriter.getF32Type();
    Value cols = rewriter.create<dpu::Im2colOp>(
        loc, RankedTensorType::get({n * oh * ow, rows}, f32), op.getInput(),
        rewriter.getDenseI64ArrayAttr({kh, kw}), op.getStridesAttr(),
        op.getPaddingAttr(), op.getDilationsAttr());
    Value weights = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(RankedTensorType::get({rows, f}, f32),
                                    ArrayRef<float>(mat)));
    Value out = rewriter.create<MvmOp>(
        loc, RankedTensorType::get({n * oh * ow, f}, f32), cols, weights,
        EngineAttr());
    if (op.getBias())
      out = rewriter.create<dpu::BiasAddOp>(loc, out, op.getBias());
    out = rewriter.create<dpu::ReshapeOp>(
        loc, RankedTensorType::get({n, oh, ow, f}, f32), out);
    rewriter.replaceOpWithNewOp<dpu::TransposeOp>(
        op, y, out, rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
    return success();
  }
};

struct ImcLowerConvPass : imc::impl::ImcLowerConvBase<ImcLowerConvPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerConv2d>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
