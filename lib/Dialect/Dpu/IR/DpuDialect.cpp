//===- DpuDialect.cpp - digital processing unit dialect -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Dpu/IR/DpuDialect.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

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
           << x.getShape().back() << " (the input's last dimension), got "
           << b;
  return success();
}

LogicalResult MatmulOp::verify() {
  auto a = getLhs().getType(), b = getRhs().getType(),
       c = getResult().getType();
  if (a.getRank() != 2 || b.getRank() != 2 || c.getRank() != 2)
    return emitOpError("expected 2-D operands and result");
  if (a.getDimSize(1) != b.getDimSize(0))
    return emitOpError("lhs has ")
           << a.getDimSize(1) << " columns but rhs has " << b.getDimSize(0)
           << " rows";
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
    return emitOpError("dim ") << dim << " is out of range for rank "
                               << x.getRank();
  SmallVector<int64_t> expected(x.getShape());
  expected[dim] = 1;
  if (y.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("expected result shape with dimension ")
           << dim << " reduced to 1";
  return success();
}

#define GET_OP_CLASSES
#include "imc/Dialect/Dpu/IR/DpuOps.cpp.inc"
