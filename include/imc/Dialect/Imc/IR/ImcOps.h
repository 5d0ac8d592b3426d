//===- ImcOps.h - imc dialect operations -------------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_IR_IMCOPS_H
#define IMC_DIALECT_IMC_IR_IMCOPS_H

#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "imc/Dialect/Imc/IR/ImcOps.h.inc"

#endif // IMC_DIALECT_IMC_IR_IMCOPS_H
