//===- XbarOps.h - analog crossbar operations --------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_XBAR_IR_XBAROPS_H
#define IMC_DIALECT_XBAR_IR_XBAROPS_H

#include "imc/Dialect/Xbar/IR/XbarDialect.h"
#include "imc/Hardware/Precision.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "imc/Dialect/Xbar/IR/XbarOps.h.inc"

#endif // IMC_DIALECT_XBAR_IR_XBAROPS_H
