//===- DpuOps.h - digital processing unit operations -------------*- C++
//-*-===//
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

namespace imc::dpu {
/// Whether `e` is constant + sum of coef * loop (no symbols, mod or
/// division): then coef[l] += its coefficient of loop l and coef.back() +=
/// its constant (coef has one entry per loop, then the constant's). What a
/// dpu.generic operand dimension may be indexed by.
bool linearForm(mlir::AffineExpr e, llvm::SmallVectorImpl<int64_t> &coef,
                int64_t scale = 1);
} // namespace imc::dpu

#endif // IMC_DIALECT_DPU_IR_DPUOPS_H
