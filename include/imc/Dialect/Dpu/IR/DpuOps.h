//===- DpuOps.h - digital processing unit operations -------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_DPU_IR_DPUOPS_H
#define IMC_DIALECT_DPU_IR_DPUOPS_H

#include "imc/Dialect/Dpu/IR/DpuDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "imc/Dialect/Dpu/IR/DpuOps.h.inc"

#endif // IMC_DIALECT_DPU_IR_DPUOPS_H
