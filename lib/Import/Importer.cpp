//===- Importer.cpp - build linalg-on-tensors from framework graphs -------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Import/Importer.h"
#include "imc/Support/Conv.h"
#include "imc/Support/DenseF32.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

using namespace mlir;
using Handle = imc::Importer::Handle;

namespace {
SmallVector<unsigned> iota(unsigned n) {
  SmallVector<unsigned> v;
  for (unsigned i = 0; i < n; ++i)
    v.push_back(i);
  return v;
}
} // namespace

struct imc::Importer::Impl {
  explicit Impl(MLIRContext &ctx)
      : ctx(ctx), b(&ctx), module(ModuleOp::create(UnknownLoc::get(&ctx))) {
    ctx.loadDialect<func::FuncDialect, arith::ArithDialect,
                    linalg::LinalgDialect, tensor::TensorDialect,
                    math::MathDialect>();
    b.setInsertionPointToEnd(module->getBody());
    func = b.create<func::FuncOp>(UnknownLoc::get(&ctx), "main",
                                  b.getFunctionType({}, {}));
    b.setInsertionPointToStart(func.addEntryBlock());
  }

  MLIRContext &ctx;
  OpBuilder b;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  std::vector<Value> values;
  std::set<Handle> constants; ///< handles made by constant()

  [[noreturn]] void fail(const std::string &what) {
    throw std::invalid_argument(what);
  }
  Handle add(Value v) {
    values.push_back(v);
    return Handle(values.size() - 1);
  }
  /// The product of `shape`'s dimensions; fails (naming `what`) on a
  /// negative dimension or a product past 2^62.
  int64_t elements(ArrayRef<int64_t> shape, const std::string &what) {
    int64_t n = 1;
    for (int64_t d : shape)
      if (d < 0 || !imc::checkedProduct({n, d}, n) || n > (int64_t(1) << 62))
        fail("imc importer: " + what + ": bad shape");
    return n;
  }
  /// Output size of a window along one spatial dimension (the one formula,
  /// imc/Support/Conv.h), failing unless the window parameters are valid
  /// and the window fits the padded input.
  int64_t window(int64_t in, int64_t pad, int64_t kernel, int64_t stride,
                 int64_t dilation, const std::string &what,
                 int64_t padHi = -1) {
    if (padHi < 0)
      padHi = pad;
    if (kernel < 1 || stride < 1 || dilation < 1 || pad < 0)
      fail("imc importer: " + what +
           ": kernel, stride and dilation must be positive and padding "
           "non-negative");
    const int64_t out =
        imc::windowOutputSize(in, pad, padHi, kernel, stride, dilation);
    if (out < 1)
      fail("imc importer: " + what +
           ": the window does not fit the padded "
           "input");
    return out;
  }
  /// Fails unless `h` is a 1-D tensor of `n` elements.
  void vectorOf(Handle h, int64_t n, const std::string &what) {
    auto t = type(h);
    if (t.getRank() != 1 || t.getDimSize(0) != n)
      fail("imc importer: " + what + " must be 1-D of " + std::to_string(n) +
           " elements");
  }
  Value get(Handle h) {
    if (h < 0 || size_t(h) >= values.size())
      fail("imc importer: unknown value handle " + std::to_string(h));
    return values[h];
  }
  RankedTensorType type(Handle h) {
    return cast<RankedTensorType>(get(h).getType());
  }
  /// "[2, 3, 4]", for messages.
  static std::string str(ArrayRef<int64_t> shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  }
  std::string str(Handle h) { return str(type(h).getShape()); }
  RankedTensorType tensorType(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  /// A constant's elements (a copy: only filters that get reshaped).
  std::vector<float> data(Handle h, const char *what) {
    DenseElementsAttr attr;
    if (!constants.count(h) || !matchPattern(get(h), m_Constant(&attr)))
      fail(std::string("imc importer: the ") + what + " must be a constant");
    return denseF32Copy(attr);
  }
  Value scalar(double v, Location loc) {
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(float(v)));
  }
  Value empty(ArrayRef<int64_t> shape, Location loc) {
    return b.create<tensor::EmptyOp>(loc, shape, b.getF32Type());
  }
  Value fill(ArrayRef<int64_t> shape, double v, Location loc) {
    return b
        .create<linalg::FillOp>(loc, ValueRange{scalar(v, loc)},
                                ValueRange{empty(shape, loc)})
        .getResult(0);
  }
  Value constTensor(ArrayRef<int64_t> shape, ArrayRef<float> v, Location loc) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(tensorType(shape), v));
  }
  AffineMap dims(unsigned n, ArrayRef<unsigned> d) {
    SmallVector<AffineExpr> e;
    for (unsigned i : d)
      e.push_back(b.getAffineDimExpr(i));
    return AffineMap::get(n, 0, e, &ctx);
  }
  /// An all-parallel element-wise generic over `ins` (each with its map) into
  /// a fresh tensor of `shape`; `body` gets the block arguments.
  Value generic(ArrayRef<Value> ins, ArrayRef<AffineMap> maps,
                ArrayRef<int64_t> shape, Location loc,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body,
                ArrayRef<utils::IteratorType> iterators = {}, Value init = {}) {
    SmallVector<AffineMap> all(maps);
    all.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), &ctx));
    SmallVector<utils::IteratorType> its(iterators);
    if (its.empty())
      its.assign(shape.size(), utils::IteratorType::parallel);
    return b
        .create<linalg::GenericOp>(
            loc, TypeRange{tensorType(shape)}, ins,
            ValueRange{init ? init : empty(shape, loc)}, all, its,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              nb.create<linalg::YieldOp>(nl, body(nb, nl, args));
            })
        .getResult(0);
  }
  /// Reduces the last dimension of `x` (sum, or max when `max`) into a tensor
  /// without it.
  Value
  reduceLast(Value x, bool max, Location loc,
             function_ref<Value(OpBuilder &, Location, Value)> pre = nullptr) {
    Impl &I = *this;
    auto xt = cast<RankedTensorType>(x.getType());
    const unsigned r = xt.getRank();
    SmallVector<int64_t> shape(xt.getShape().drop_back());
    SmallVector<utils::IteratorType> its(r - 1, utils::IteratorType::parallel);
    its.push_back(utils::IteratorType::reduction);
    Value init = I.fill(
        shape, max ? -std::numeric_limits<double>::infinity() : 0.0, loc);
    return I.b
        .create<linalg::GenericOp>(
            loc, TypeRange{I.tensorType(shape)}, ValueRange{x},
            ValueRange{init},
            ArrayRef<AffineMap>{I.dims(r, iota(r)), I.dims(r, iota(r - 1))},
            its,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value v = pre ? pre(nb, l, a[0]) : a[0];
              Value y =
                  max ? nb.create<arith::MaximumFOp>(l, v, a[1]).getResult()
                      : nb.create<arith::AddFOp>(l, v, a[1]).getResult();
              nb.create<linalg::YieldOp>(l, y);
            })
        .getResult(0);
  }

  /// Broadcasts `hs` (NumPy rules; to at least `out` if it is not empty)
  /// into the shape `out`, with each operand's value and indexing map.
  void broadcast(Importer &self, ArrayRef<Handle> hs, StringRef name,
                 SmallVectorImpl<int64_t> &out, SmallVectorImpl<Value> &vals,
                 SmallVectorImpl<AffineMap> &maps);

  /// Zero (or `value`) padding of the spatial dims (2, 3) of an NCHW tensor:
  /// p is [h, w] (both sides) or [top, left, bottom, right].
  Value pad(Value x, ArrayRef<int64_t> p, double value, Location loc) {
    if (llvm::all_of(p, [](int64_t v) { return v == 0; }))
      return x;
    auto t = cast<RankedTensorType>(x.getType());
    const bool four = p.size() == 4;
    SmallVector<int64_t> lo{0, 0, p[0], p[1]},
        hi{0, 0, four ? p[2] : p[0], four ? p[3] : p[1]};
    SmallVector<int64_t> shape(t.getShape());
    shape[2] += lo[2] + hi[2];
    shape[3] += lo[3] + hi[3];
    auto padOp = b.create<tensor::PadOp>(loc, tensorType(shape), x, lo, hi,
                                         ValueRange{}, ValueRange{});
    Block *block = b.createBlock(&padOp.getRegion());
    for (int i = 0; i < 4; ++i)
      block->addArgument(b.getIndexType(), loc);
    b.setInsertionPointToStart(block);
    b.create<tensor::YieldOp>(loc, scalar(value, loc));
    b.setInsertionPointAfter(padOp);
    return padOp.getResult();
  }
};

imc::Importer::Importer(MLIRContext &ctx) : impl(new Impl(ctx)) {}
imc::Importer::~Importer() = default;

Handle imc::Importer::input(ArrayRef<int64_t> shape) {
  if (llvm::any_of(shape, [](int64_t d) { return d <= 0; }))
    impl->fail("imc importer: inputs need a static shape with positive "
               "dimensions");
  Block &entry = impl->func.getBody().front();
  return impl->add(
      entry.addArgument(impl->tensorType(shape), UnknownLoc::get(&impl->ctx)));
}

Handle imc::Importer::constant(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  if (impl->elements(shape, "constant") != int64_t(data.size()))
    impl->fail("imc importer: constant data does not match its shape");
  Handle h =
      impl->add(impl->constTensor(shape, data, UnknownLoc::get(&impl->ctx)));
  impl->constants.insert(h);
  return h;
}

std::vector<int64_t> imc::Importer::shape(Handle v) const {
  auto t = impl->type(v);
  return {t.getShape().begin(), t.getShape().end()};
}

Handle imc::Importer::linear(Handle x, Handle w, std::optional<Handle> bias,
                             StringRef name, bool inOut) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x), wt = I.type(w);
  const unsigned inDim = inOut ? 0 : 1, outDim = inOut ? 1 : 0;
  if (xt.getRank() < 1 || wt.getRank() != 2 ||
      xt.getShape().back() != wt.getDimSize(inDim))
    I.fail("imc importer: linear '" + name.str() + "' expects an input " +
           "[..., in] and a weight " + (inOut ? "[in, out]" : "[out, in]") +
           ", got " + I.str(x) + " and " + I.str(w));
  if (xt.getRank() != 2) { // the leading dimensions flattened
    SmallVector<int64_t> lead(xt.getShape().drop_back());
    int64_t rows = 1;
    for (int64_t d : lead)
      rows *= d;
    Handle y = linear(reshape(x, {rows, wt.getDimSize(inDim)}, name), w, bias,
                      name, inOut);
    lead.push_back(wt.getDimSize(outDim));
    return reshape(y, lead, name);
  }
  SmallVector<int64_t> out{xt.getDimSize(0), wt.getDimSize(outDim)};
  if (bias)
    I.vectorOf(*bias, out[1], "the bias of linear '" + name.str() + "'");
  Value y =
      inOut ? I.b.create<linalg::MatmulOp>(loc, TypeRange{I.tensorType(out)},
                                           ValueRange{I.get(x), I.get(w)},
                                           ValueRange{I.fill(out, 0.0, loc)})
                  .getResult(0)
            : I.b.create<linalg::MatmulTransposeBOp>(
                     loc, TypeRange{I.tensorType(out)},
                     ValueRange{I.get(x), I.get(w)},
                     ValueRange{I.fill(out, 0.0, loc)})
                  .getResult(0);
  if (bias)
    y = I.generic({y, I.get(*bias)}, {I.dims(2, {0, 1}), I.dims(2, {1})}, out,
                  loc, [](OpBuilder &nb, Location l, ValueRange a) {
                    return nb.create<arith::AddFOp>(l, a[0], a[1]);
                  });
  return I.add(y);
}

Handle imc::Importer::conv2d(Handle x, Handle w, std::optional<Handle> bias,
                             ArrayRef<int64_t> stride,
                             ArrayRef<int64_t> padding,
                             ArrayRef<int64_t> dilation, int64_t groups,
                             StringRef name) {
  Impl &I = *impl;
  OpBuilder &b = I.b;
  Location loc = NameLoc::get(b.getStringAttr(name));
  auto xt = I.type(x), wt = I.type(w);
  if (xt.getRank() != 4 || wt.getRank() != 4 || stride.size() != 2 ||
      padding.size() != 2 || dilation.size() != 2)
    I.fail("imc importer: conv2d '" + name.str() +
           "' expects NCHW input, FCHW weight, 2 strides/paddings/dilations");
  const int64_t n = xt.getDimSize(0), c = xt.getDimSize(1),
                h = xt.getDimSize(2), wd = xt.getDimSize(3);
  const int64_t f = wt.getDimSize(0), cg = wt.getDimSize(1),
                kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  const std::string what = "conv2d '" + name.str() + "'";
  int64_t channels;
  if (groups < 1 || !imc::checkedProduct({cg, groups}, channels) ||
      c != channels || f % groups)
    I.fail("imc importer: " + what + ": channels and groups do not match");
  const int64_t oh = I.window(h, padding[0], kh, stride[0], dilation[0], what);
  const int64_t ow = I.window(wd, padding[1], kw, stride[1], dilation[1], what);
  if (bias)
    I.vectorOf(*bias, f, "the bias of " + what);
  SmallVector<int64_t> out{n, f, oh, ow};
  Value in = I.pad(I.get(x), padding, 0.0, loc);
  auto strides = b.getI64VectorAttr(stride);
  auto dilations = b.getI64VectorAttr(dilation);
  const std::vector<float> wdata = I.data(w, "convolution weight");

  // The init: the bias broadcast along the filters (torch-mlir), or zeros.
  auto init = [&](ArrayRef<int64_t> shape) -> Value {
    if (!bias || shape.size() != 4)
      return I.fill(shape, 0.0, loc);
    return I.generic({I.get(*bias)}, {I.dims(4, {1})}, shape, loc,
                     [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  };
  Value y;
  if (groups == 1) {
    y = b.create<linalg::Conv2DNchwFchwOp>(
             loc, TypeRange{I.tensorType(out)}, ValueRange{in, I.get(w)},
             ValueRange{init(out)}, strides, dilations)
            .getResult(0);
  } else if (groups == c && f == c) {
    Value filter = I.constTensor({c, kh, kw}, wdata, loc);
    y = b.create<linalg::DepthwiseConv2DNchwChwOp>(
             loc, TypeRange{I.tensorType(out)}, ValueRange{in, filter},
             ValueRange{init(out)}, strides, dilations)
            .getResult(0);
  } else {
    // NGCHW x GFCHW, as torch-mlir writes grouped convolutions.
    auto inT = cast<RankedTensorType>(in.getType());
    SmallVector<int64_t> in5{n, groups, cg, inT.getDimSize(2),
                             inT.getDimSize(3)};
    Value x5 = b.create<tensor::ExpandShapeOp>(
        loc, I.tensorType(in5), in,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    Value filter = I.constTensor({groups, f / groups, cg, kh, kw}, wdata, loc);
    SmallVector<int64_t> out5{n, groups, f / groups, oh, ow};
    Value y5 = b.create<linalg::Conv2DNgchwGfchwOp>(
                    loc, TypeRange{I.tensorType(out5)}, ValueRange{x5, filter},
                    ValueRange{I.fill(out5, 0.0, loc)}, strides, dilations)
                   .getResult(0);
    y = b.create<tensor::CollapseShapeOp>(
        loc, I.tensorType(out), y5,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    if (bias)
      y = I.generic({y, I.get(*bias)},
                    {I.dims(4, {0, 1, 2, 3}), I.dims(4, {1})}, out, loc,
                    [](OpBuilder &nb, Location l, ValueRange a) {
                      return nb.create<arith::AddFOp>(l, a[0], a[1]);
                    });
  }
  return I.add(y);
}

Handle imc::Importer::batchNorm(Handle x, Handle mean, Handle var, Handle gamma,
                                Handle beta, double eps, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  const unsigned r = xt.getRank();
  if (r < 2)
    I.fail("imc importer: batch norm '" + name.str() + "' needs rank >= 2");
  for (Handle p : {mean, var, gamma, beta})
    I.vectorOf(p, xt.getDimSize(1),
               "the statistics and affine parameters of batch norm '" +
                   name.str() + "'");
  SmallVector<unsigned> all;
  for (unsigned i = 0; i < r; ++i)
    all.push_back(i);
  AffineMap id = I.dims(r, all), ch = I.dims(r, {1});
  return I.add(I.generic(
      {I.get(x), I.get(mean), I.get(var), I.get(gamma), I.get(beta)},
      {id, ch, ch, ch, ch}, xt.getShape(), loc,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value e = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(eps));
        Value d = nb.create<arith::SubFOp>(l, a[0], a[1]);
        Value s = nb.create<math::SqrtOp>(
            l, nb.create<arith::AddFOp>(l, a[2], e).getResult());
        Value nrm = nb.create<arith::DivFOp>(l, d, s);
        Value g = nb.create<arith::MulFOp>(l, nrm, a[3]);
        return nb.create<arith::AddFOp>(l, g, a[4]);
      }));
}

Handle imc::Importer::unary(Unary kind, Handle x, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  SmallVector<unsigned> all;
  for (unsigned i = 0; i < unsigned(xt.getRank()); ++i)
    all.push_back(i);
  return I.add(I.generic(
      {I.get(x)}, {I.dims(xt.getRank(), all)}, xt.getShape(), loc,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        auto c = [&](double v) -> Value {
          return nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(v));
        };
        Value v = a[0];
        auto sigmoid = [&](Value t) -> Value {
          Value e = nb.create<math::ExpOp>(
              l, nb.create<arith::NegFOp>(l, t).getResult());
          return nb.create<arith::DivFOp>(
              l, c(1.0), nb.create<arith::AddFOp>(l, e, c(1.0)).getResult());
        };
        switch (kind) {
        case Unary::Relu:
          return nb.create<arith::MaximumFOp>(l, v, c(0.0));
        case Unary::Relu6:
          return nb.create<arith::MinimumFOp>(
              l, nb.create<arith::MaximumFOp>(l, v, c(0.0)).getResult(),
              c(6.0));
        case Unary::Sigmoid:
          return sigmoid(v);
        case Unary::Tanh:
          return nb.create<math::TanhOp>(l, v);
        case Unary::Gelu: {
          Value t = nb.create<arith::MulFOp>(l, v, c(1.0 / std::sqrt(2.0)));
          Value er = nb.create<math::ErfOp>(l, t);
          Value p = nb.create<arith::AddFOp>(l, er, c(1.0));
          Value hx = nb.create<arith::MulFOp>(l, v, c(0.5));
          return nb.create<arith::MulFOp>(l, hx, p);
        }
        case Unary::Silu:
          return nb.create<arith::MulFOp>(l, v, sigmoid(v));
        case Unary::Erf:
          return nb.create<math::ErfOp>(l, v);
        case Unary::Sqrt:
          return nb.create<math::SqrtOp>(l, v);
        case Unary::Exp:
          return nb.create<math::ExpOp>(l, v);
        case Unary::Log:
          return nb.create<math::LogOp>(l, v);
        case Unary::Abs:
          return nb.create<math::AbsFOp>(l, v);
        case Unary::Neg:
          return nb.create<arith::NegFOp>(l, v);
        case Unary::Hardsigmoid: {
          Value q = nb.create<arith::DivFOp>(l, v, c(6.0));
          Value p = nb.create<arith::AddFOp>(l, q, c(0.5));
          return nb.create<arith::MinimumFOp>(
              l, nb.create<arith::MaximumFOp>(l, p, c(0.0)).getResult(),
              c(1.0));
        }
        case Unary::Hardswish: {
          Value p = nb.create<arith::AddFOp>(l, v, c(3.0));
          Value m = nb.create<arith::MinimumFOp>(
              l, nb.create<arith::MaximumFOp>(l, p, c(0.0)).getResult(),
              c(6.0));
          return nb.create<arith::DivFOp>(
              l, nb.create<arith::MulFOp>(l, v, m).getResult(), c(6.0));
        }
        }
        llvm_unreachable("unknown unary kind");
      }));
}

namespace {
/// One element of a binary op (comparisons give 1.0 or 0.0).
Value binaryOp(OpBuilder &nb, Location l, imc::Importer::Binary kind, Value a,
               Value b) {
  using Binary = imc::Importer::Binary;
  auto cmp = [&](arith::CmpFPredicate p) -> Value {
    Value c = nb.create<arith::CmpFOp>(l, p, a, b);
    return nb.create<arith::SelectOp>(
        l, c, nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(1.0f)),
        nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(0.0f)));
  };
  switch (kind) {
  case Binary::Add:
    return nb.create<arith::AddFOp>(l, a, b);
  case Binary::Sub:
    return nb.create<arith::SubFOp>(l, a, b);
  case Binary::Mul:
    return nb.create<arith::MulFOp>(l, a, b);
  case Binary::Div:
    return nb.create<arith::DivFOp>(l, a, b);
  case Binary::Max: // NaN-propagating, as torch.maximum
    return nb.create<arith::MaximumFOp>(l, a, b);
  case Binary::Min:
    return nb.create<arith::MinimumFOp>(l, a, b);
  case Binary::Eq:
    return cmp(arith::CmpFPredicate::OEQ);
  case Binary::Ne:
    return cmp(arith::CmpFPredicate::UNE);
  case Binary::Lt:
    return cmp(arith::CmpFPredicate::OLT);
  case Binary::Le:
    return cmp(arith::CmpFPredicate::OLE);
  case Binary::Gt:
    return cmp(arith::CmpFPredicate::OGT);
  case Binary::Ge:
    return cmp(arith::CmpFPredicate::OGE);
  }
  llvm_unreachable("unknown binary kind");
}
} // namespace

void imc::Importer::Impl::broadcast(Importer &self, ArrayRef<Handle> hs,
                                    StringRef name,
                                    SmallVectorImpl<int64_t> &out,
                                    SmallVectorImpl<Value> &vals,
                                    SmallVectorImpl<AffineMap> &maps) {
  Impl &I = *this;
  // NumPy broadcasting: align on the right; a dimension of 1 stretches.
  int64_t r = int64_t(out.size());
  for (Handle h : hs)
    r = std::max(r, I.type(h).getRank());
  SmallVector<int64_t> want(out.begin(), out.end());
  out.assign(r, 1);
  for (int64_t i = 0; i < int64_t(want.size()); ++i)
    out[i + r - int64_t(want.size())] = want[i];
  auto shapes = [&] {
    std::string s;
    for (Handle h : hs)
      s += (s.empty() ? "" : " and ") + I.str(h);
    return s + (want.empty() ? "" : " to " + Impl::str(want));
  };
  for (Handle h : hs) {
    auto t = I.type(h);
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t d = t.getDimSize(i), &o = out[i + r - t.getRank()];
      if (d != o && d != 1 && o != 1)
        I.fail("imc importer: '" + name.str() + "': shapes " + shapes() +
               " do not broadcast");
      if (want.empty() || o == 1)
        o = std::max(o, d);
    }
  }
  if (!want.empty())
    for (Handle h : hs) { // broadcasting to a given shape never shrinks it
      auto t = I.type(h);
      for (int64_t i = 0; i < t.getRank(); ++i)
        if (t.getDimSize(i) != out[i + r - t.getRank()] && t.getDimSize(i) != 1)
          I.fail("imc importer: '" + name.str() + "': shapes " + shapes() +
                 " do not broadcast");
    }
  // Each operand without its broadcast dimensions (a reshape), indexed by
  // the loops it keeps: a projected permutation, as dpu.generic needs.
  for (Handle h : hs) {
    auto t = I.type(h);
    SmallVector<unsigned> loops;
    SmallVector<int64_t> kept;
    const int64_t off = r - t.getRank();
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (t.getDimSize(i) == out[i + off]) {
        loops.push_back(unsigned(i + off));
        kept.push_back(t.getDimSize(i));
      }
    Value v = kept.size() == size_t(t.getRank())
                  ? I.get(h)
                  : I.get(self.reshape(h, kept, name));
    if (kept.empty()) // a single element: a rank-0 tensor
      v = I.get(self.reshape(h, {}, name));
    vals.push_back(v);
    maps.push_back(I.dims(r, loops));
  }
}

Handle imc::Importer::binary(Binary kind, Handle a, Handle bb, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  SmallVector<int64_t> out;
  SmallVector<Value> vals;
  SmallVector<AffineMap> maps;
  I.broadcast(*this, {a, bb}, name, out, vals, maps);
  return I.add(I.generic(vals, maps, out, loc,
                         [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                           return binaryOp(nb, l, kind, v[0], v[1]);
                         }));
}

Handle imc::Importer::select(Handle c, Handle a, Handle bb, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  SmallVector<int64_t> out;
  SmallVector<Value> vals;
  SmallVector<AffineMap> maps;
  I.broadcast(*this, {c, a, bb}, name, out, vals, maps);
  return I.add(I.generic(
      vals, maps, out, loc, [&](OpBuilder &nb, Location l, ValueRange v) {
        Value zero = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(0.0f));
        Value t =
            nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::UNE, v[0], zero);
        return nb.create<arith::SelectOp>(l, t, v[1], v[2]).getResult();
      }));
}

Handle imc::Importer::expand(Handle x, ArrayRef<int64_t> shape,
                             StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  I.elements(shape, "expand '" + name.str() + "'");
  if (shape.empty() || int64_t(shape.size()) < I.type(x).getRank())
    I.fail("imc importer: expand '" + name.str() +
           "': the shape has fewer dimensions than the input");
  if (I.type(x).getShape() == shape)
    return x;
  SmallVector<int64_t> out(shape.begin(), shape.end());
  SmallVector<Value> vals;
  SmallVector<AffineMap> maps;
  I.broadcast(*this, {x}, name, out, vals, maps);
  return I.add(I.generic(
      vals, maps, out, loc,
      [](OpBuilder &, Location, ValueRange v) -> Value { return v[0]; }));
}

Handle imc::Importer::slice(Handle x, ArrayRef<int64_t> offsets,
                            ArrayRef<int64_t> sizes, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  if (int64_t(offsets.size()) != xt.getRank() ||
      int64_t(sizes.size()) != xt.getRank())
    I.fail("imc importer: slice '" + name.str() +
           "' needs one offset and one size per dimension");
  for (int64_t i = 0; i < xt.getRank(); ++i)
    if (offsets[i] < 0 || sizes[i] < 1 ||
        offsets[i] > xt.getDimSize(i) - sizes[i])
      I.fail("imc importer: slice '" + name.str() + "': dimension " +
             std::to_string(i) + " of size " +
             std::to_string(xt.getDimSize(i)) + " has no elements [" +
             std::to_string(offsets[i]) + ", " +
             std::to_string(offsets[i] + sizes[i]) + ")");
  if (xt.getShape() == sizes)
    return x;
  SmallVector<int64_t> strides(xt.getRank(), 1);
  return I.add(I.b.create<tensor::ExtractSliceOp>(
      loc, I.tensorType(sizes), I.get(x), ValueRange{}, ValueRange{},
      ValueRange{}, offsets, sizes, strides));
}

Handle imc::Importer::pool2d(bool max, Handle x, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> stride,
                             ArrayRef<int64_t> padding, StringRef name) {
  Impl &I = *impl;
  OpBuilder &b = I.b;
  Location loc = NameLoc::get(b.getStringAttr(name));
  auto xt = I.type(x);
  if (xt.getRank() != 4 || kernel.size() != 2 || stride.size() != 2 ||
      (padding.size() != 2 && padding.size() != 4))
    I.fail("imc importer: pooling '" + name.str() +
           "' expects NCHW, 2 kernel sizes and strides, and 2 or 4 paddings");
  const std::string what = "pooling '" + name.str() + "'";
  const bool four = padding.size() == 4;
  for (int64_t p : padding)
    if (p < 0)
      I.fail("imc importer: " + what + ": negative padding");
  SmallVector<int64_t> out{
      xt.getDimSize(0), xt.getDimSize(1),
      I.window(xt.getDimSize(2), padding[0], kernel[0], stride[0], 1, what,
               four ? padding[2] : padding[0]),
      I.window(xt.getDimSize(3), padding[1], kernel[1], stride[1], 1, what,
               four ? padding[3] : padding[1])};
  const double lowest = -std::numeric_limits<double>::infinity();
  Value in = I.pad(I.get(x), padding, max ? lowest : 0.0, loc);
  Value window = I.empty(kernel, loc);
  auto strides = b.getI64VectorAttr(stride);
  auto dilations = b.getI64VectorAttr({1, 1});
  if (max)
    return I.add(b.create<linalg::PoolingNchwMaxOp>(
                      loc, TypeRange{I.tensorType(out)}, ValueRange{in, window},
                      ValueRange{I.fill(out, lowest, loc)}, strides, dilations)
                     .getResult(0));
  Value sum = b.create<linalg::PoolingNchwSumOp>(
                   loc, TypeRange{I.tensorType(out)}, ValueRange{in, window},
                   ValueRange{I.fill(out, 0.0, loc)}, strides, dilations)
                  .getResult(0);
  const double k = double(kernel[0] * kernel[1]);
  return I.add(I.generic({sum}, {I.dims(4, {0, 1, 2, 3})}, out, loc,
                         [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           Value kk = nb.create<arith::ConstantOp>(
                               l, nb.getF32FloatAttr(k));
                           return nb.create<arith::DivFOp>(l, a[0], kk);
                         }));
}

Handle imc::Importer::globalAvgPool(Handle x, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  if (xt.getRank() != 4)
    I.fail("imc importer: global average pooling '" + name.str() +
           "' expects NCHW");
  SmallVector<int64_t> nc{xt.getDimSize(0), xt.getDimSize(1)};
  using It = utils::IteratorType;
  auto reduce = I.b.create<linalg::GenericOp>(
      loc, TypeRange{I.tensorType(nc)}, ValueRange{I.get(x)},
      ValueRange{I.fill(nc, 0.0, loc)},
      ArrayRef<AffineMap>{I.dims(4, {0, 1, 2, 3}), I.dims(4, {0, 1})},
      ArrayRef<It>{It::parallel, It::parallel, It::reduction, It::reduction},
      [](OpBuilder &nb, Location l, ValueRange a) {
        nb.create<linalg::YieldOp>(
            l, nb.create<arith::AddFOp>(l, a[0], a[1]).getResult());
      });
  const double hw = double(xt.getDimSize(2) * xt.getDimSize(3));
  Value mean = I.generic({reduce.getResult(0)}, {I.dims(2, {0, 1})}, nc, loc,
                         [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           Value d = nb.create<arith::ConstantOp>(
                               l, nb.getF32FloatAttr(hw));
                           return nb.create<arith::DivFOp>(l, a[0], d);
                         });
  return I.add(I.b.create<tensor::ExpandShapeOp>(
      loc, I.tensorType({nc[0], nc[1], 1, 1}), mean,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}}));
}

Handle imc::Importer::reshape(Handle x, ArrayRef<int64_t> shape,
                              StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  const int64_t n = I.elements(shape, "reshape '" + name.str() + "'");
  if (n != xt.getNumElements())
    I.fail("imc importer: reshape '" + name.str() +
           "' changes the number of elements (" + I.str(x) + " to " +
           Impl::str(shape) + ")");
  if (xt.getShape() == shape)
    return x;
  if (shape.empty()) // a single element to a rank-0 tensor
    return I.add(I.b.create<tensor::CollapseShapeOp>(
        loc, I.tensorType({}), I.get(x), SmallVector<ReassociationIndices>{}));
  // Collapse to 1-D, then expand: both are plain dpu.reshapes later.
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  Value flat = I.get(x);
  if (xt.getRank() == 0) // one element: expand to [1]
    flat = I.b.create<tensor::ExpandShapeOp>(
        loc, I.tensorType({1}), flat, SmallVector<ReassociationIndices>{});
  else if (xt.getRank() != 1)
    flat = I.b.create<tensor::CollapseShapeOp>(loc, I.tensorType({n}), flat,
                                               all(xt.getRank()));
  if (shape.size() == 1)
    return I.add(flat);
  return I.add(I.b.create<tensor::ExpandShapeOp>(loc, I.tensorType(shape), flat,
                                                 all(shape.size())));
}

Handle imc::Importer::biasAdd(Handle x, Handle bias, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x), bt = I.type(bias);
  const unsigned r = xt.getRank();
  if (r == 0 || bt.getRank() != 1 || bt.getDimSize(0) != xt.getShape().back())
    I.fail("imc importer: bias add '" + name.str() +
           "' needs a 1-D bias of the last dimension's size");
  return I.add(I.generic(
      {I.get(x), I.get(bias)}, {I.dims(r, iota(r)), I.dims(r, {r - 1})},
      xt.getShape(), loc, [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return nb.create<arith::AddFOp>(l, a[0], a[1]);
      }));
}

Handle imc::Importer::scalar(Binary kind, Handle x, double value,
                             bool scalarFirst, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  return I.add(I.generic(
      {I.get(x)}, {I.dims(xt.getRank(), iota(xt.getRank()))}, xt.getShape(),
      loc, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value c = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(value));
        Value lhs = scalarFirst ? c : a[0], rhs = scalarFirst ? a[0] : c;
        return binaryOp(nb, l, kind, lhs, rhs);
      }));
}

Handle imc::Importer::softmax(Handle x, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  const unsigned r = xt.getRank();
  if (r == 0)
    I.fail("imc importer: softmax '" + name.str() + "' of a rank-0 tensor");
  AffineMap id = I.dims(r, iota(r)), row = I.dims(r, iota(r - 1));
  Value mx = I.reduceLast(I.get(x), /*max=*/true, loc);
  Value ex = I.generic({I.get(x), mx}, {id, row}, xt.getShape(), loc,
                       [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                         Value d = nb.create<arith::SubFOp>(l, a[0], a[1]);
                         return nb.create<math::ExpOp>(l, d);
                       });
  Value sum = I.reduceLast(ex, /*max=*/false, loc);
  return I.add(I.generic({ex, sum}, {id, row}, xt.getShape(), loc,
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return nb.create<arith::DivFOp>(l, a[0], a[1]);
                         }));
}

Handle imc::Importer::layerNorm(Handle x, std::optional<Handle> gamma,
                                std::optional<Handle> beta, double eps,
                                StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  const unsigned r = xt.getRank();
  if (r == 0)
    I.fail("imc importer: layer norm '" + name.str() + "' of a rank-0 tensor");
  const double d = double(xt.getShape().back());
  for (std::optional<Handle> p : {gamma, beta})
    if (p)
      I.vectorOf(*p, xt.getShape().back(),
                 "the weight and bias of layer norm '" + name.str() + "'");
  AffineMap id = I.dims(r, iota(r)), row = I.dims(r, iota(r - 1)),
            last = I.dims(r, {r - 1});
  Value sum = I.reduceLast(I.get(x), false, loc);
  Value xc = I.generic({I.get(x), sum}, {id, row}, xt.getShape(), loc,
                       [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                         Value n = nb.create<arith::ConstantOp>(
                             l, nb.getF32FloatAttr(d));
                         Value m = nb.create<arith::DivFOp>(l, a[1], n);
                         return nb.create<arith::SubFOp>(l, a[0], m);
                       });
  Value ss = I.reduceLast(xc, false, loc,
                          [](OpBuilder &nb, Location l, Value v) -> Value {
                            return nb.create<arith::MulFOp>(l, v, v);
                          });
  SmallVector<Value> ins{xc, ss};
  SmallVector<AffineMap> maps{id, row};
  if (gamma) {
    ins.push_back(I.get(*gamma));
    maps.push_back(last);
  }
  if (beta) {
    ins.push_back(I.get(*beta));
    maps.push_back(last);
  }
  return I.add(I.generic(
      ins, maps, xt.getShape(), loc,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        auto c = [&](double v) -> Value {
          return nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(v));
        };
        Value var = nb.create<arith::DivFOp>(l, a[1], c(d));
        Value rs = nb.create<math::RsqrtOp>(
            l, nb.create<arith::AddFOp>(l, var, c(eps)).getResult());
        Value y = nb.create<arith::MulFOp>(l, a[0], rs);
        unsigned k = 2;
        if (gamma)
          y = nb.create<arith::MulFOp>(l, y, a[k++]);
        if (beta)
          y = nb.create<arith::AddFOp>(l, y, a[k++]);
        return y;
      }));
}

Handle imc::Importer::permute(Handle x, ArrayRef<int64_t> perm,
                              StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  if (int64_t(perm.size()) != xt.getRank())
    I.fail("imc importer: permute '" + name.str() +
           "' needs one index per "
           "dimension");
  SmallVector<int64_t> shape;
  SmallVector<bool> seen(xt.getRank(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= xt.getRank() || seen[p])
      I.fail("imc importer: permute '" + name.str() +
             "': not a permutation of the dimensions");
    seen[p] = true;
    shape.push_back(xt.getDimSize(p));
  }
  return I.add(
      I.b.create<linalg::TransposeOp>(loc, I.get(x), I.empty(shape, loc), perm)
          .getResult()[0]);
}

Handle imc::Importer::concat(ArrayRef<Handle> xs, int64_t dim, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  SmallVector<Value> vals;
  for (Handle h : xs)
    vals.push_back(I.get(h));
  if (vals.empty())
    I.fail("imc importer: concat '" + name.str() + "' of nothing");
  auto first = cast<RankedTensorType>(vals[0].getType());
  if (dim < 0 || dim >= first.getRank())
    I.fail("imc importer: concat '" + name.str() + "': dimension out of range");
  for (Value v : vals) {
    auto t = cast<RankedTensorType>(v.getType());
    bool same = t.getRank() == first.getRank();
    for (int64_t i = 0; same && i < t.getRank(); ++i)
      same = i == dim || t.getDimSize(i) == first.getDimSize(i);
    if (!same)
      I.fail("imc importer: concat '" + name.str() +
             "': the tensors differ outside the concatenated dimension (" +
             Impl::str(first.getShape()) + " and " + Impl::str(t.getShape()) +
             ")");
  }
  return I.add(I.b.create<tensor::ConcatOp>(loc, dim, vals));
}

Handle imc::Importer::matmul(Handle a, Handle bb, StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto at = I.type(a), bt = I.type(bb);
  if (at.getRank() == 2 && bt.getRank() == 2 &&
      at.getDimSize(1) == bt.getDimSize(0)) {
    SmallVector<int64_t> out{at.getDimSize(0), bt.getDimSize(1)};
    return I.add(I.b.create<linalg::MatmulOp>(loc, TypeRange{I.tensorType(out)},
                                              ValueRange{I.get(a), I.get(bb)},
                                              ValueRange{I.fill(out, 0.0, loc)})
                     .getResult(0));
  }
  if (at.getRank() == 3 && bt.getRank() == 3 &&
      at.getDimSize(0) == bt.getDimSize(0) &&
      at.getDimSize(2) == bt.getDimSize(1)) {
    SmallVector<int64_t> out{at.getDimSize(0), at.getDimSize(1),
                             bt.getDimSize(2)};
    return I.add(
        I.b.create<linalg::BatchMatmulOp>(loc, TypeRange{I.tensorType(out)},
                                          ValueRange{I.get(a), I.get(bb)},
                                          ValueRange{I.fill(out, 0.0, loc)})
            .getResult(0));
  }
  // numpy.matmul: a 1-D operand gains (then loses) a unit dimension; batch
  // dimensions broadcast; a constant 2-D right operand stays one
  // weight-stationary product over all the left operand's rows.
  if (at.getRank() < 1 || bt.getRank() < 1)
    I.fail("imc importer: matmul '" + name.str() + "' of a rank-0 tensor");
  SmallVector<int64_t> sa(at.getShape()), sb(bt.getShape());
  const bool va = sa.size() == 1, vb = sb.size() == 1;
  if (va)
    sa.insert(sa.begin(), 1);
  if (vb)
    sb.push_back(1);
  if (sa.back() != sb[sb.size() - 2])
    I.fail("imc importer: matmul '" + name.str() + "': shapes " + I.str(a) +
           " and " + I.str(bb) + " do not multiply");
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  Handle ha = va ? reshape(a, sa, name) : a,
         hb = vb ? reshape(bb, sb, name) : bb;
  SmallVector<int64_t> out;
  Handle y;
  auto prod = [](ArrayRef<int64_t> v) {
    int64_t p = 1;
    for (int64_t d : v)
      p *= d;
    return p;
  };
  if (sb.size() == 2 && I.constants.count(bb)) {
    out.assign(sa.begin(), sa.end() - 1);
    y = matmul(reshape(ha, {prod(out), k}, name), hb, name);
    out.push_back(n);
  } else {
    SmallVector<int64_t> ba(sa.begin(), sa.end() - 2),
        bbt(sb.begin(), sb.end() - 2);
    SmallVector<int64_t> batch(std::max(ba.size(), bbt.size()), 1);
    for (size_t i = 0; i < batch.size(); ++i) {
      int64_t da =
          i + ba.size() >= batch.size() ? ba[i + ba.size() - batch.size()] : 1;
      int64_t db = i + bbt.size() >= batch.size()
                       ? bbt[i + bbt.size() - batch.size()]
                       : 1;
      if (da != db && da != 1 && db != 1)
        I.fail("imc importer: matmul '" + name.str() +
               "': batch dimensions of " + I.str(a) + " and " + I.str(bb) +
               " do not broadcast");
      batch[i] = std::max(da, db);
    }
    auto full = [&](SmallVector<int64_t> s, int64_t r, int64_t c) {
      s.assign(batch.begin(), batch.end());
      s.push_back(r);
      s.push_back(c);
      return s;
    };
    const int64_t nb = prod(batch);
    Handle ea = expand(ha, full({}, m, k), name);
    Handle eb = expand(hb, full({}, k, n), name);
    y = matmul(reshape(ea, {nb, m, k}, name), reshape(eb, {nb, k, n}, name),
               name);
    out = full({}, m, n);
  }
  if (va)
    out.erase(out.end() - 2);
  if (vb)
    out.pop_back();
  return reshape(y, out, name);
}

Handle imc::Importer::mean(Handle x, ArrayRef<int64_t> dims, bool keepDim,
                           StringRef name) {
  Impl &I = *impl;
  Location loc = NameLoc::get(I.b.getStringAttr(name));
  auto xt = I.type(x);
  const unsigned r = xt.getRank();
  // No dimensions: all of them, as torch.mean(x) and ONNX ReduceMean.
  SmallVector<int64_t> all;
  if (dims.empty()) {
    for (unsigned i = 0; i < r; ++i)
      all.push_back(i);
    dims = all;
  }
  SmallVector<bool> reduced(r, false);
  for (int64_t d : dims) {
    if (d < 0)
      d += r;
    if (d < 0 || d >= int64_t(r))
      I.fail("imc importer: mean '" + name.str() + "': bad dimension");
    reduced[d] = true;
  }
  SmallVector<unsigned> kept;
  SmallVector<int64_t> shape, keepShape;
  SmallVector<utils::IteratorType> its;
  double count = 1;
  for (unsigned i = 0; i < r; ++i) {
    its.push_back(reduced[i] ? utils::IteratorType::reduction
                             : utils::IteratorType::parallel);
    keepShape.push_back(reduced[i] ? 1 : xt.getDimSize(i));
    if (reduced[i]) {
      count *= double(xt.getDimSize(i));
    } else {
      kept.push_back(i);
      shape.push_back(xt.getDimSize(i));
    }
  }
  Value sum =
      I.b.create<linalg::GenericOp>(
             loc, TypeRange{I.tensorType(shape)}, ValueRange{I.get(x)},
             ValueRange{I.fill(shape, 0.0, loc)},
             ArrayRef<AffineMap>{I.dims(r, iota(r)), I.dims(r, kept)}, its,
             [](OpBuilder &nb, Location l, ValueRange a) {
               nb.create<linalg::YieldOp>(
                   l, nb.create<arith::AddFOp>(l, a[0], a[1]).getResult());
             })
          .getResult(0);
  Value m = I.generic(
      {sum}, {I.dims(shape.size(), iota(shape.size()))}, shape, loc,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value n = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(count));
        return nb.create<arith::DivFOp>(l, a[0], n);
      });
  Handle h = I.add(m);
  return keepDim ? reshape(h, keepShape, name) : h;
}

OwningOpRef<ModuleOp> imc::Importer::finish(ArrayRef<Handle> outputs) {
  Impl &I = *impl;
  SmallVector<Value> results;
  for (Handle h : outputs)
    results.push_back(I.get(h));
  I.b.create<func::ReturnOp>(UnknownLoc::get(&I.ctx), results);
  Block &entry = I.func.getBody().front();
  I.func.setFunctionType(I.b.getFunctionType(entry.getArgumentTypes(),
                                             ValueRange(results).getTypes()));
  return std::move(I.module);
}
