//===- XbarDialect.h - analog crossbar dialect -------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_XBAR_IR_XBARDIALECT_H
#define IMC_DIALECT_XBAR_IR_XBARDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/Types.h"

#include "imc/Dialect/Xbar/IR/XbarDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "imc/Dialect/Xbar/IR/XbarTypes.h.inc"

#endif // IMC_DIALECT_XBAR_IR_XBARDIALECT_H
