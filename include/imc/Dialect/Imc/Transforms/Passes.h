//===- Passes.h - imc transformation passes ----------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_TRANSFORMS_PASSES_H
#define IMC_DIALECT_IMC_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace imc {

#define GEN_PASS_DECL
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"

} // namespace imc

#endif // IMC_DIALECT_IMC_TRANSFORMS_PASSES_H
