//===- Passes.h - imc conversion passes --------------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_CONVERSION_PASSES_H
#define IMC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace imc {

#define GEN_PASS_DECL
#include "imc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "imc/Conversion/Passes.h.inc"

} // namespace imc

#endif // IMC_CONVERSION_PASSES_H
