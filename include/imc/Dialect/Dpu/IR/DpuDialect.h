//===- DpuDialect.h - digital processing unit dialect ------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_DPU_IR_DPUDIALECT_H
#define IMC_DIALECT_DPU_IR_DPUDIALECT_H

#include "mlir/IR/Dialect.h"

#include "imc/Dialect/Dpu/IR/DpuDialect.h.inc"

#endif // IMC_DIALECT_DPU_IR_DPUDIALECT_H
