//===- SimBinary.h - emit imc-sim programs -----------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_TARGET_SIMBINARY_H
#define IMC_TARGET_SIMBINARY_H

#include "imc/Format/Program.h"
#include "mlir/Support/LogicalResult.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace imc {

/// Builds the simulator program of a module lowered by --imc-pipeline (entry
/// function `@main`, or the only public function). Emits an error at the first
/// op that has no simulator form.
mlir::FailureOr<format::Program> buildSimProgram(mlir::ModuleOp module);

/// buildSimProgram, checked by the same validator as imc-sim, then encoded.
mlir::LogicalResult translateToSimBinary(mlir::ModuleOp module,
                                         llvm::raw_ostream &os);

} // namespace imc

#endif // IMC_TARGET_SIMBINARY_H
