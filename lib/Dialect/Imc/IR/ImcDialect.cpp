//===- ImcDialect.cpp - the imc dialect -----------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace imc;

#include "imc/Dialect/Imc/IR/ImcDialect.cpp.inc"
#include "imc/Dialect/Imc/IR/ImcEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "imc/Dialect/Imc/IR/ImcAttrs.cpp.inc"

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
    return op->emitError() << "unknown imc attribute '" << attr.getName().getValue()
                           << "'";
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
  return x.getDimSize(0) * x.getDimSize(1) * w.getDimSize(1);
}


#define GET_OP_CLASSES
#include "imc/Dialect/Imc/IR/ImcOps.cpp.inc"
