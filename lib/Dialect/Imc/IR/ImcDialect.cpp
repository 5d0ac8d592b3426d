//===- ImcDialect.cpp - the imc dialect -----------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Support/Conv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace imc;

#include "imc/Dialect/Imc/IR/ImcDialect.cpp.inc"
#include "imc/Dialect/Imc/IR/ImcEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "imc/Dialect/Imc/IR/ImcAttrs.cpp.inc"

std::string imc::layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (llvm::sys::path::filename(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()) + ":" + Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return layerName(fused.getLocations().front());
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return layerName(call.getCallee());
  return "unknown";
}

void ImcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "imc/Dialect/Imc/IR/ImcOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "imc/Dialect/Imc/IR/ImcAttrs.cpp.inc"
      >();
}

LogicalResult ImcDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() != kTargetAttrName)
    return op->emitError() << "unknown imc attribute '"
                           << attr.getName().getValue() << "'";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << kTargetAttrName
                           << "' must be attached to a builtin.module";
  std::string error;
  if (failed(targetFromAttr(attr.getValue(), error)))
    return op->emitError() << error; // "imc.target: field '...' ..."

  return success();
}

//===----------------------------------------------------------------------===//
// MvmOp
//===----------------------------------------------------------------------===//

LogicalResult MvmOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(),
       y = getResult().getType();
  if (x.getRank() != 2 || w.getRank() != 2 || y.getRank() != 2)
    return emitOpError("expected 2-D input, weight and result, got ranks ")
           << x.getRank() << ", " << w.getRank() << ", " << y.getRank();
  if (x.getDimSize(1) != w.getDimSize(0))
    return emitOpError("input has ")
           << x.getDimSize(1) << " columns but the weight has "
           << w.getDimSize(0) << " rows";
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(1))
    return emitOpError("expected result of shape ")
           << x.getDimSize(0) << "x" << w.getDimSize(1) << ", got "
           << y.getDimSize(0) << "x" << y.getDimSize(1);
  if (!matchPattern(getWeight(), m_Constant()))
    return emitOpError("weight must be a constant (weights are stationary in "
                       "the arrays); use dpu.matmul for a product of two "
                       "computed tensors");
  return success();
}

int64_t MvmOp::getNumMacs() {
  auto x = getInput().getType(), w = getWeight().getType();
  int64_t macs; // saturating, as Conv2dOp's
  if (!checkedProduct({x.getDimSize(0), x.getDimSize(1), w.getDimSize(1)},
                      macs))
    return INT64_MAX;
  return macs;
}

//===----------------------------------------------------------------------===//
// Conv2dOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2dOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(),
       y = getResult().getType();
  if (x.getRank() != 4 || w.getRank() != 4 || y.getRank() != 4)
    return emitOpError("expected 4-D input, weight and result (NCHW, FCHW)");
  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPadding().size() != 4)
    return emitOpError("expected 2 strides, 2 dilations and 4 paddings "
                       "[top, left, bottom, right]");
  if (llvm::any_of(getStrides(), [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(getDilations(), [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(getPadding(), [](int64_t v) { return v < 0; }))
    return emitOpError("strides and dilations must be positive and padding "
                       "non-negative");
  const int64_t g = getGroups(), c = x.getDimSize(1), f = w.getDimSize(0);
  int64_t channels; // g > 0: ODS checks it first
  if (c % g || f % g || !checkedProduct({w.getDimSize(1), g}, channels) ||
      channels != c)
    return emitOpError("weight of ")
           << w.getDimSize(1) << " channels per group x " << g
           << " groups does not match an input of " << c << " channels (or "
           << f << " filters are not divisible by the groups)";
  if (!matchPattern(getWeight(), m_Constant()))
    return emitOpError("weight must be a constant");
  if (getBias()) {
    auto b = getBias().getType();
    if (b.getRank() != 1 || b.getDimSize(0) != f)
      return emitOpError("expected a bias of ") << f << " elements";
    if (!matchPattern(getBias(), m_Constant()))
      return emitOpError("bias must be a constant");
  }
  ArrayRef<int64_t> s = getStrides(), p = getPadding(), d = getDilations();
  const int64_t oh = windowOutputSize(x.getDimSize(2), p[0], p[2],
                                      w.getDimSize(2), s[0], d[0]);
  const int64_t ow = windowOutputSize(x.getDimSize(3), p[1], p[3],
                                      w.getDimSize(3), s[1], d[1]);
  if (oh == kWindowOverflow || ow == kWindowOverflow)
    return emitOpError("window sizes overflow 64 bits");
  if (y.getShape() != ArrayRef<int64_t>{x.getDimSize(0), f, oh, ow})
    return emitOpError("expected result of shape ")
           << x.getDimSize(0) << "x" << f << "x" << oh << "x" << ow;
  return success();
}

int64_t Conv2dOp::getNumMacs() {
  auto w = getWeight().getType(), y = getResult().getType();
  int64_t macs; // saturating: a verified op's MACs fit unless absurd
  if (!checkedProduct({y.getNumElements(), w.getDimSize(1), w.getDimSize(2),
                       w.getDimSize(3)},
                      macs))
    return INT64_MAX;
  return macs;
}

#define GET_OP_CLASSES
#include "imc/Dialect/Imc/IR/ImcOps.cpp.inc"
