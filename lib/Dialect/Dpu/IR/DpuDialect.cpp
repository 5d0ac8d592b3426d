//===- DpuDialect.cpp - digital processing unit dialect -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Dpu/IR/DpuDialect.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Support/Conv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace imc::dpu;

#include "imc/Dialect/Dpu/IR/DpuDialect.cpp.inc"

void DpuDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "imc/Dialect/Dpu/IR/DpuOps.cpp.inc"
      >();
}

LogicalResult BiasAddOp::verify() {
  auto x = getInput().getType(), b = getBias().getType();
  if (x.getRank() < 1)
    return emitOpError("expected an input of rank >= 1");
  if (b.getRank() != 1 || b.getDimSize(0) != x.getShape().back())
    return emitOpError("expected a 1-D bias of length ")
           << x.getShape().back() << " (the input's last dimension), got " << b;
  return success();
}

LogicalResult MatmulOp::verify() {
  auto a = getLhs().getType(), b = getRhs().getType(),
       c = getResult().getType();
  if (a.getRank() != 2 || b.getRank() != 2 || c.getRank() != 2)
    return emitOpError("expected 2-D operands and result");
  if (a.getDimSize(1) != b.getDimSize(0))
    return emitOpError("lhs has ") << a.getDimSize(1) << " columns but rhs has "
                                   << b.getDimSize(0) << " rows";
  if (c.getDimSize(0) != a.getDimSize(0) || c.getDimSize(1) != b.getDimSize(1))
    return emitOpError("expected result of shape ")
           << a.getDimSize(0) << "x" << b.getDimSize(1) << ", got "
           << c.getDimSize(0) << "x" << c.getDimSize(1);
  return success();
}

LogicalResult ReduceSumOp::verify() {
  auto x = getInput().getType(), y = getResult().getType();
  int64_t dim = getDim();
  if (dim >= x.getRank())
    return emitOpError("dim ")
           << dim << " is out of range for rank " << x.getRank();
  SmallVector<int64_t> expected(x.getShape());
  expected[dim] = 1;
  if (y.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("expected result shape with dimension ")
           << dim << " reduced to 1";
  return success();
}

LogicalResult AffineOp::verify() {
  auto x = getInput().getType();
  const int64_t dim = getDim();
  if (dim >= x.getRank())
    return emitOpError("dim ")
           << dim << " is out of range for rank " << x.getRank();
  for (Value v : {getScale(), getShift()}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != x.getDimSize(dim))
      return emitOpError("expected scale and shift of ")
             << x.getDimSize(dim) << " elements (dimension " << dim << "), got "
             << t;
  }
  return success();
}

/// The value of a splat f32 constant, if `attr` is one.
static std::optional<float> splatValue(Attribute attr) {
  auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat() || !dense.getElementType().isF32())
    return std::nullopt;
  return dense.getSplatValue<float>();
}

OpFoldResult AffineOp::fold(FoldAdaptor adaptor) {
  if (splatValue(adaptor.getScale()) == 1.0f &&
      splatValue(adaptor.getShift()) == 0.0f)
    return getInput();
  return {};
}

namespace {
/// affine(affine(x, s1, t1), s2, t2) with every scale and shift uniform is
/// affine(x, s1 s2, t1 s2 + t2).
struct ComposeUniformAffine : OpRewritePattern<AffineOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AffineOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<AffineOp>();
    if (!inner || !inner->hasOneUse())
      return failure();
    Attribute a[4];
    Value vals[4] = {inner.getScale(), inner.getShift(), op.getScale(),
                     op.getShift()};
    std::optional<float> v[4];
    for (int i = 0; i < 4; ++i) {
      if (!matchPattern(vals[i], m_Constant(&a[i])))
        return failure();
      v[i] = splatValue(a[i]);
      if (!v[i])
        return failure();
    }
    auto vec = cast<RankedTensorType>(op.getScale().getType());
    Location loc = op.getLoc();
    Value s = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vec, float(double(*v[0]) * *v[2])));
    Value t = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vec, float(double(*v[1]) * *v[2] + *v[3])));
    rewriter.replaceOpWithNewOp<AffineOp>(op, inner.getInput(), s, t,
                                          op.getDimAttr());
    return success();
  }
};
} // namespace

void AffineOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<ComposeUniformAffine>(context);
}

/// Checks a window op's attributes and computes its output size.
static LogicalResult
checkWindow(Operation *op, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
            ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
            ArrayRef<int64_t> dilations, int64_t &oh, int64_t &ow) {
  if (in.size() != 4)
    return op->emitOpError("expected a 4-D NCHW input");
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 ||
      padding.size() != 4)
    return op->emitOpError("expected 2 kernel sizes, 2 strides, 2 "
                           "dilations and 4 paddings [top, left, bottom, "
                           "right]");
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      !llvm::all_of(dilations, positive) ||
      llvm::any_of(padding, [](int64_t v) { return v < 0; }))
    return op->emitOpError("kernel, strides and dilations must be positive "
                           "and padding non-negative");
  oh = imc::windowOutputSize(in[2], padding[0], padding[2], kernel[0],
                             strides[0], dilations[0]);
  ow = imc::windowOutputSize(in[3], padding[1], padding[3], kernel[1],
                             strides[1], dilations[1]);
  if (oh == imc::kWindowOverflow || ow == imc::kWindowOverflow)
    return op->emitOpError("window sizes overflow 64 bits");
  if (oh <= 0 || ow <= 0)
    return op->emitOpError("the window does not fit the padded input");
  return success();
}

LogicalResult Im2colOp::verify() {
  auto x = getInput().getType(), y = getResult().getType();
  int64_t oh, ow;
  if (failed(checkWindow(*this, x.getShape(), getKernel(), getStrides(),
                         getPadding(), getDilations(), oh, ow)))
    return failure();
  int64_t rows, cols;
  if (!imc::checkedProduct({x.getDimSize(0), oh, ow}, rows) ||
      !imc::checkedProduct({x.getDimSize(1), getKernel()[0], getKernel()[1]},
                           cols))
    return emitOpError("result shape overflows 64 bits");
  if (y.getShape() != ArrayRef<int64_t>{rows, cols})
    return emitOpError("expected result of shape ") << rows << "x" << cols;
  return success();
}

LogicalResult PoolOp::verify() {
  auto x = getInput().getType(), y = getResult().getType();
  if (getKind() != "max" && getKind() != "avg")
    return emitOpError("kind must be 'max' or 'avg', got '")
           << getKind() << "'";
  int64_t oh, ow;
  SmallVector<int64_t> ones(2, 1);
  if (failed(checkWindow(*this, x.getShape(), getKernel(), getStrides(),
                         getPadding(), ones, oh, ow)))
    return failure();
  if (y.getShape() !=
      ArrayRef<int64_t>{x.getDimSize(0), x.getDimSize(1), oh, ow})
    return emitOpError("expected result of shape ")
           << x.getDimSize(0) << "x" << x.getDimSize(1) << "x" << oh << "x"
           << ow;
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() !=
      getResult().getType().getNumElements())
    return emitOpError("input and result have different element counts");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto x = getInput().getType(), y = getResult().getType();
  ArrayRef<int64_t> perm = getPermutation();
  if (int64_t(perm.size()) != x.getRank() || y.getRank() != x.getRank())
    return emitOpError("expected a permutation of ")
           << x.getRank() << " dimensions";
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return emitOpError("permutation is not a permutation of [0, ")
             << x.getRank() << ")";
    seen[p] = true;
  }
  for (auto [d, p] : llvm::enumerate(perm)) {
    if (y.getDimSize(d) != x.getDimSize(p))
      return emitOpError("result dimension ")
             << d << " must be input dimension " << p << " (" << x.getDimSize(p)
             << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GenericOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t> GenericOp::getLoopBounds() {
  SmallVector<int64_t> bounds(getIteratorTypes().size(), -1);
  SmallVector<Value> operands(getInputs());
  operands.push_back(getInit());
  for (auto [v, mapAttr] : llvm::zip(operands, getIndexingMaps())) {
    AffineMap map = cast<AffineMapAttr>(mapAttr).getValue();
    auto type = cast<RankedTensorType>(v.getType());
    for (auto [i, e] : llvm::enumerate(map.getResults()))
      if (auto d = dyn_cast<AffineDimExpr>(e))
        bounds[d.getPosition()] = type.getDimSize(i);
  }
  return bounds;
}

bool imc::dpu::linearForm(AffineExpr e, SmallVectorImpl<int64_t> &coef,
                          int64_t scale) {
  constexpr int64_t kMax = int64_t(1) << 20; // the binary format's limit
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    coef[d.getPosition()] += scale;
    return coef[d.getPosition()] >= -kMax && coef[d.getPosition()] <= kMax;
  }
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    coef.back() += scale * c.getValue();
    return coef.back() >= -(kMax << 20) && coef.back() <= (kMax << 20);
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return linearForm(bin.getLHS(), coef, scale) &&
           linearForm(bin.getRHS(), coef, scale);
  if (bin.getKind() == AffineExprKind::Mul) {
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (!c || c.getValue() < -kMax || c.getValue() > kMax)
      return false;
    return linearForm(bin.getLHS(), coef, scale * c.getValue());
  }
  return false;
}

LogicalResult GenericOp::verify() {
  const size_t numOperands = getInputs().size() + 1;
  const int64_t numLoops = getIteratorTypes().size();
  if (getIndexingMaps().size() != numOperands)
    return emitOpError("expected ")
           << numOperands << " indexing maps, got " << getIndexingMaps().size();
  if (getInit().getType() != getResult().getType())
    return emitOpError("init and result types differ");
  for (Attribute it : getIteratorTypes()) {
    StringRef kind = cast<StringAttr>(it).getValue();
    if (kind != "parallel" && kind != "reduction")
      return emitOpError("iterator types must be 'parallel' or 'reduction', "
                         "got '")
             << kind << "'";
  }
  SmallVector<Value> operands(getInputs());
  operands.push_back(getInit());
  SmallVector<int64_t> bounds(numLoops, -1);
  for (auto [idx, v, mapAttr] : llvm::enumerate(operands, getIndexingMaps())) {
    AffineMap map = cast<AffineMapAttr>(mapAttr).getValue();
    auto type = cast<RankedTensorType>(v.getType());
    const bool isInit = idx + 1 == numOperands;
    auto linear = [&] {
      for (AffineExpr e : map.getResults()) {
        SmallVector<int64_t> coef(numLoops + 1, 0);
        if (isa<AffineDimExpr>(e))
          continue;
        if (!linearForm(e, coef) ||
            llvm::all_of(ArrayRef<int64_t>(coef).drop_back(),
                         [](int64_t c) { return c == 0; }))
          return false;
      }
      // No loop twice among the plain dimensions.
      SmallVector<bool> seen(numLoops, false);
      for (AffineExpr e : map.getResults())
        if (auto d = dyn_cast<AffineDimExpr>(e)) {
          if (seen[d.getPosition()])
            return false;
          seen[d.getPosition()] = true;
        }
      return true;
    };
    if (map.getNumDims() != unsigned(numLoops) || map.getNumSymbols() ||
        map.getNumResults() != unsigned(type.getRank()) ||
        (isInit ? !map.isProjectedPermutation(/*allowZeroInResults=*/false)
                : !linear()))
      return emitOpError("indexing map #")
             << idx << " must be "
             << (isInit ? "a projected permutation" : "sums of constants times")
             << " of the " << numLoops
             << " loops with one result per dimension of " << type;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      if (!isa<AffineDimExpr>(e))
        continue; // checked below, once the loop sizes are known
      const unsigned d = cast<AffineDimExpr>(e).getPosition();
      if (idx + 1 == numOperands &&
          cast<StringAttr>(getIteratorTypes()[d]).getValue() == "reduction")
        return emitOpError("the result is indexed by reduction loop ") << d;
      if (bounds[d] >= 0 && bounds[d] != type.getDimSize(i))
        return emitOpError("loop ")
               << d << " has size " << bounds[d] << " in one operand and "
               << type.getDimSize(i) << " in another";
      bounds[d] = type.getDimSize(i);
    }
  }
  for (auto [d, b] : llvm::enumerate(bounds))
    if (b < 0)
      return emitOpError("loop ") << d << " indexes no operand";
  // Affine indices stay inside their dimensions over the whole space.
  for (auto [idx, v, mapAttr] : llvm::enumerate(operands, getIndexingMaps())) {
    AffineMap map = cast<AffineMapAttr>(mapAttr).getValue();
    auto type = cast<RankedTensorType>(v.getType());
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      if (isa<AffineDimExpr>(e))
        continue;
      SmallVector<int64_t> coef(numLoops + 1, 0);
      linearForm(e, coef);
      int64_t lo = coef.back(), hi = coef.back();
      for (int64_t l = 0; l < numLoops; ++l)
        (coef[l] > 0 ? hi : lo) += coef[l] * (bounds[l] - 1);
      if (lo < 0 || hi >= type.getDimSize(i))
        return emitOpError("indexing map #")
               << idx << " reads dimension " << i << " of " << type << " at "
               << lo << " to " << hi;
    }
  }
  if (getBody().empty() || getBody().front().empty())
    return emitOpError("the body must end with dpu.yield");
  Block &body = getBody().front();
  if (body.getNumArguments() != numOperands ||
      !llvm::all_of(body.getArgumentTypes(), [](Type t) { return t.isF32(); }))
    return emitOpError("the body must take ")
           << numOperands << " f32 arguments (inputs, then the result)";
  if (!isa<YieldOp>(body.back()))
    return emitOpError("the body must end with dpu.yield");
  return success();
}

#define GET_OP_CLASSES
#include "imc/Dialect/Dpu/IR/DpuOps.cpp.inc"
