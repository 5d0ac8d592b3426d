//===- ConvPatterns.cpp - convolutions, pooling, reshapes -----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Convolutions with constant filters become imc.conv2d (NCHW, filters
// F x C/groups x KH x KW): linalg.conv_2d_nchw_fchw directly,
// depthwise_conv_2d_nchw_chw as groups = C, conv_2d_ngchw_gfchw/fgchw
// (grouped) between reshapes, conv_2d_nhwc_hwcf between two dpu.transposes. A tensor.pad of zeros on the input becomes the conv's
// padding; an init that broadcasts a constant per filter becomes its bias.
// Pooling becomes dpu.pool; collapse/expand_shape become dpu.reshape and a
// transpose of a computed tensor dpu.transpose.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;
using namespace imc;

namespace {

/// strides / dilations of a named linalg conv or pooling op (absent = 1s).
SmallVector<int64_t> windowAttr(Operation *op, StringRef name) {
  SmallVector<int64_t> out{1, 1};
  if (auto attr = op->getAttrOfType<DenseIntElementsAttr>(name))
    out.assign(attr.getValues<int64_t>().begin(),
               attr.getValues<int64_t>().end());
  return out;
}

/// If `v` is a tensor.pad of a rank-4 tensor that pads only dims 2 and 3 with
/// constant `padValue` (checked by `isPadValue`), returns its source and sets
/// `padding` to [top, left, bottom, right]; otherwise returns `v` unpadded.
Value foldPad(Value v, function_ref<bool(Value)> isPadValue,
              SmallVector<int64_t> &padding) {
  padding.assign(4, 0);
  auto pad = v.getDefiningOp<tensor::PadOp>();
  if (!pad)
    return v;
  Value yielded = pad.getConstantPaddingValue();
  if (!yielded || !isPadValue(yielded))
    return v;
  ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
  if (lo.size() != 4 || ShapedType::isDynamicShape(lo) ||
      ShapedType::isDynamicShape(hi) || lo[0] || lo[1] || hi[0] || hi[1])
    return v;
  padding = {lo[2], lo[3], hi[2], hi[3]};
  return pad.getSource();
}

bool isZeroScalar(Value v) { return matchPattern(v, m_AnyZeroFloat()); }

/// The per-filter constant bias an init tensor broadcasts, if it is one: a
/// linalg.generic or linalg.broadcast that copies a constant 1-D tensor along
/// dimension 1 of an N x F x OH x OW tensor.
Value broadcastBias(Value init) {
  Value src;
  if (auto b = init.getDefiningOp<linalg::BroadcastOp>()) {
    if (b.getDimensions() != ArrayRef<int64_t>{0, 2, 3})
      return {};
    src = b.getInput();
  } else if (auto g = init.getDefiningOp<linalg::GenericOp>()) {
    if (g.getNumDpsInputs() != 1 || g.getNumLoops() != 4 ||
        g.getNumParallelLoops() != 4)
      return {};
    auto yield = cast<linalg::YieldOp>(g.getRegion().front().getTerminator());
    if (yield.getOperand(0) != g.getRegion().front().getArgument(0))
      return {};
    AffineMap map = g.getMatchingIndexingMap(g.getDpsInputOperand(0));
    if (map.getNumResults() != 1 ||
        map.getResult(0) != getAffineDimExpr(1, g.getContext()))
      return {};
    src = g.getDpsInputOperand(0)->get();
  } else {
    return {};
  }
  auto type = dyn_cast<RankedTensorType>(src.getType());
  if (!type || type.getRank() != 1 || !matchPattern(src, m_Constant()))
    return {};
  return src;
}

/// Builds imc.conv2d, adding a non-zero, non-bias init with dpu.add.
LogicalResult buildConv(Operation *op, Value input, DenseElementsAttr filter,
                        int64_t groups, Value init, PatternRewriter &rewriter,
                        Value &result) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> padding;
  input = foldPad(input, isZeroScalar, padding);
  Location loc = op->getLoc();
  Value weight = rewriter.create<arith::ConstantOp>(loc, filter);
  Value bias = broadcastBias(init);
  Value conv = rewriter.create<Conv2dOp>(
      loc, resultType, input, weight, bias,
      rewriter.getDenseI64ArrayAttr(windowAttr(op, "strides")),
      rewriter.getDenseI64ArrayAttr(padding),
      rewriter.getDenseI64ArrayAttr(windowAttr(op, "dilations")),
      rewriter.getI64IntegerAttr(groups));
  if (!bias && !isZeroTensor(init))
    conv = rewriter.create<dpu::AddOp>(loc, conv, init);
  result = conv;
  return success();
}

DenseElementsAttr constantF32(Value v, int64_t rank) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32() ||
      attr.getType().getRank() != rank)
    return {};
  return attr;
}

bool staticF32(Operation *op) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

struct ConvNchwPattern : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr filter = constantF32(op.getInputs()[1], 4);
    if (!op.hasPureTensorSemantics() || !filter || !staticF32(op))
      return failure();
    Value result;
    if (failed(buildConv(op, op.getInputs()[0], filter, 1, op.getOutputs()[0],
                         rewriter, result)))
      return failure();
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// depthwise_conv_2d_nchw_chw: filter C x KH x KW is a conv with groups = C
/// and one filter per group (F = C, C/groups = 1).
struct DepthwiseNchwPattern : OpRewritePattern<linalg::DepthwiseConv2DNchwChwOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNchwChwOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr filter = constantF32(op.getInputs()[1], 3);
    if (!op.hasPureTensorSemantics() || !filter || !staticF32(op))
      return failure();
    auto ft = filter.getType();
    auto type = RankedTensorType::get(
        {ft.getDimSize(0), 1, ft.getDimSize(1), ft.getDimSize(2)},
        ft.getElementType());
    Value result;
    if (failed(buildConv(op, op.getInputs()[0], filter.reshape(type),
                         ft.getDimSize(0), op.getOutputs()[0], rewriter,
                         result)))
      return failure();
    rewriter.replaceOp(op, result);
    return success();
  }
};

Value transpose(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return rewriter.create<dpu::TransposeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v,
      rewriter.getDenseI64ArrayAttr(perm));
}

/// conv_2d_nhwc_hwcf: NHWC -> NCHW, conv with the filter as FCHW, -> NHWC.
struct ConvNhwcPattern : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr filter = constantF32(op.getInputs()[1], 4);
    if (!op.hasPureTensorSemantics() || !filter || !staticF32(op) ||
        !isZeroTensor(op.getOutputs()[0]))
      return failure();
    // HWCF -> FCHW.
    auto ft = filter.getType();
    const int64_t kh = ft.getDimSize(0), kw = ft.getDimSize(1),
                  c = ft.getDimSize(2), f = ft.getDimSize(3);
    SmallVector<float> src(filter.getValues<float>()), dst(src.size());
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t fi = 0; fi < f; ++fi)
            dst[((fi * c + ci) * kh + i) * kw + j] =
                src[((i * kw + j) * c + ci) * f + fi];
    auto fchw = DenseElementsAttr::get(
        RankedTensorType::get({f, c, kh, kw}, ft.getElementType()),
        ArrayRef<float>(dst));
    Location loc = op.getLoc();
    // (A tensor.pad of the NHWC input is not folded: it is reported as a
    // leftover pad.)
    Value input = op.getInputs()[0];
    Value nchw = transpose(rewriter, loc, input, {0, 3, 1, 2});
    auto out = cast<RankedTensorType>(op.getResult(0).getType());
    auto convType = RankedTensorType::get(
        {out.getDimSize(0), f, out.getDimSize(1), out.getDimSize(2)},
        out.getElementType());
    Value weight = rewriter.create<arith::ConstantOp>(loc, fchw);
    Value conv = rewriter.create<Conv2dOp>(
        loc, convType, nchw, weight, Value(),
        rewriter.getDenseI64ArrayAttr(windowAttr(op, "strides")),
        rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
        rewriter.getDenseI64ArrayAttr(windowAttr(op, "dilations")),
        rewriter.getI64IntegerAttr(1));
    rewriter.replaceOp(op, transpose(rewriter, loc, conv, {0, 2, 3, 1}));
    return success();
  }
};

/// pooling_nchw_max / pooling_nchw_sum (the window is the shape of input 1).
/// A sum pool is an average pool times KH KW: the division that follows it
/// (an element-wise scale) stays a dpu.affine.
template <typename PoolOp, bool IsMax>
struct PoolPattern : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !staticF32(op))
      return failure();
    if (windowAttr(op, "dilations") != SmallVector<int64_t>{1, 1})
      return rewriter.notifyMatchFailure(op, "dilated pooling");
    // Max pooling ignores its init only if it is -inf (or the lowest float).
    Value init = op.getOutputs()[0];
    auto isLowest = [](Value v) {
      FloatAttr f;
      return matchPattern(v, m_Constant(&f)) &&
             (f.getValue().isInfinity() && f.getValue().isNegative() ||
              f.getValueAsDouble() <= -std::numeric_limits<float>::max());
    };
    if (IsMax) {
      auto fill = init.getDefiningOp<linalg::FillOp>();
      if (!fill || !isLowest(fill.getInputs()[0]))
        return rewriter.notifyMatchFailure(op, "max pool init is not -inf");
    } else if (!isZeroTensor(init)) {
      return rewriter.notifyMatchFailure(op, "sum pool init is not zero");
    }
    auto window = cast<RankedTensorType>(op.getInputs()[1].getType());
    SmallVector<int64_t> padding;
    Value input = foldPad(op.getInputs()[0],
                          IsMax ? function_ref<bool(Value)>(isLowest)
                                : function_ref<bool(Value)>(isZeroScalar),
                          padding);
    const int64_t kh = window.getDimSize(0), kw = window.getDimSize(1);
    Location loc = op.getLoc();
    Value pooled = rewriter.create<dpu::PoolOp>(
        loc, op.getResult(0).getType(), input,
        rewriter.getStringAttr(IsMax ? "max" : "avg"),
        rewriter.getDenseI64ArrayAttr({kh, kw}),
        rewriter.getDenseI64ArrayAttr(windowAttr(op, "strides")),
        rewriter.getDenseI64ArrayAttr(padding));
    if (!IsMax) {
      // avg * (KH KW) = sum.
      auto type = cast<RankedTensorType>(pooled.getType());
      const int64_t c = type.getDimSize(1);
      auto vec = RankedTensorType::get({c}, rewriter.getF32Type());
      Value scale = rewriter.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vec, float(kh * kw)));
      Value shift = rewriter.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vec, 0.0f));
      pooled = rewriter.create<dpu::AffineOp>(loc, pooled, scale, shift,
                                              rewriter.getI64IntegerAttr(1));
    }
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

/// collapse_shape / expand_shape of static f32 tensors: dpu.reshape.
template <typename ReshapeOp>
struct ReshapePattern : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern<ReshapeOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResultType();
    if (!type.hasStaticShape() || !type.getElementType().isF32() ||
        !op.getSrcType().hasStaticShape() ||
        matchPattern(op.getSrc(), m_Constant()))
      return failure();
    rewriter.replaceOpWithNewOp<dpu::ReshapeOp>(op, type, op.getSrc());
    return success();
  }
};

/// linalg.transpose of a computed tensor (constants are folded elsewhere).
struct TransposePattern : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !staticF32(op) ||
        matchPattern(op.getInput(), m_Constant()))
      return failure();
    // Leave transposes of constants feeding a matmul to the matmul pattern.
    rewriter.replaceOpWithNewOp<dpu::TransposeOp>(
        op, op.getResult()[0].getType(), op.getInput(),
        rewriter.getDenseI64ArrayAttr(op.getPermutation()));
    return success();
  }
};

/// Grouped convolution as torch-mlir spells it: the NCHW input expanded to
/// N x G x C/G x H x W, the filter G x F/G x C/G x KH x KW (gfchw) or
/// F/G x G x C/G x KH x KW (fgchw), the result N x G x F/G x OH x OW. The
/// 5-D tensors are contiguous views of the 4-D ones, so this is an
/// imc.conv2d with groups = G between two reshapes.
template <typename GroupedOp, bool GroupMajor>
struct GroupedConvPattern : OpRewritePattern<GroupedOp> {
  using OpRewritePattern<GroupedOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(GroupedOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr filter = constantF32(op.getInputs()[1], 5);
    if (!op.hasPureTensorSemantics() || !filter || !staticF32(op) ||
        !isZeroTensor(op.getOutputs()[0]))
      return failure();
    auto ft = filter.getType();
    const int64_t g = ft.getDimSize(GroupMajor ? 0 : 1),
                  fg = ft.getDimSize(GroupMajor ? 1 : 0),
                  cg = ft.getDimSize(2), kh = ft.getDimSize(3),
                  kw = ft.getDimSize(4);
    // To F x C/G x KH x KW with the filters of group 0 first (PyTorch's order).
    SmallVector<float> src(filter.getValues<float>()), dst(src.size());
    const int64_t inner = cg * kh * kw;
    for (int64_t gi = 0; gi < g; ++gi)
      for (int64_t fi = 0; fi < fg; ++fi) {
        const int64_t from = GroupMajor ? gi * fg + fi : fi * g + gi;
        std::copy_n(src.begin() + from * inner, inner,
                    dst.begin() + (gi * fg + fi) * inner);
      }
    auto f32 = rewriter.getF32Type();
    auto fchw = DenseElementsAttr::get(
        RankedTensorType::get({g * fg, cg, kh, kw}, f32), ArrayRef<float>(dst));

    // The 4-D input: the source of the expand_shape that made the 5-D view
    // (a zero pad on it folds in), or a reshape of the 5-D tensor (a zero pad
    // of its spatial dims 3 and 4 folds in).
    Value input = op.getInputs()[0];
    SmallVector<int64_t> padding(4, 0);
    Value x4;
    if (auto ex = input.getDefiningOp<tensor::ExpandShapeOp>();
        ex && ex.getSrcType().getRank() == 4)
      x4 = foldPad(ex.getSrc(), isZeroScalar, padding);
    else if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
      Value pv = pad.getConstantPaddingValue();
      ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
      if (pv && isZeroScalar(pv) && !ShapedType::isDynamicShape(lo) &&
          !ShapedType::isDynamicShape(hi) && !lo[0] && !lo[1] && !lo[2] &&
          !hi[0] && !hi[1] && !hi[2]) {
        padding = {lo[3], lo[4], hi[3], hi[4]};
        input = pad.getSource();
      }
    }
    auto out5 = cast<RankedTensorType>(op.getResult(0).getType());
    Location loc = op.getLoc();
    if (!x4) {
      auto x5 = cast<RankedTensorType>(input.getType());
      x4 = rewriter.create<dpu::ReshapeOp>(
          loc,
          RankedTensorType::get({x5.getDimSize(0), g * cg, x5.getDimSize(3),
                                 x5.getDimSize(4)},
                                f32),
          input);
    }
    Value weight = rewriter.create<arith::ConstantOp>(loc, fchw);
    Value conv = rewriter.create<Conv2dOp>(
        loc,
        RankedTensorType::get({out5.getDimSize(0), g * fg, out5.getDimSize(3),
                               out5.getDimSize(4)},
                              f32),
        x4, weight, Value(),
        rewriter.getDenseI64ArrayAttr(windowAttr(op, "strides")),
        rewriter.getDenseI64ArrayAttr(padding),
        rewriter.getDenseI64ArrayAttr(windowAttr(op, "dilations")),
        rewriter.getI64IntegerAttr(g));
    rewriter.replaceOpWithNewOp<dpu::ReshapeOp>(op, out5, conv);
    return success();
  }
};

/// tensor.concat of static f32 tensors: an empty tensor and one
/// tensor.insert_slice per operand (copies the DPU makes).
struct ConcatPattern : OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResultType();
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return failure();
    Location loc = op.getLoc();
    Value dest = rewriter.create<tensor::EmptyOp>(loc, type.getShape(),
                                                  type.getElementType());
    const int64_t dim = op.getDim();
    int64_t offset = 0;
    for (Value in : op.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                               rewriter.getIndexAttr(1));
      offsets[dim] = rewriter.getIndexAttr(offset);
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      dest = rewriter.create<tensor::InsertSliceOp>(loc, in, dest, offsets,
                                                    sizes, strides);
      offset += inType.getDimSize(dim);
    }
    rewriter.replaceOp(op, dest);
    return success();
  }
};

} // namespace

void imc::populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvNchwPattern, DepthwiseNchwPattern, ConvNhwcPattern,
               PoolPattern<linalg::PoolingNchwMaxOp, true>,
               PoolPattern<linalg::PoolingNchwSumOp, false>,
               ReshapePattern<tensor::CollapseShapeOp>,
               ReshapePattern<tensor::ExpandShapeOp>, TransposePattern,
               ConcatPattern,
               GroupedConvPattern<linalg::Conv2DNgchwGfchwOp, true>,
               GroupedConvPattern<linalg::Conv2DNgchwFgchwOp, false>>(
      patterns.getContext());
}
