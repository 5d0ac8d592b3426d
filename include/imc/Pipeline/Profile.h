//===- Profile.h - workload profiles of MLIR modules -------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The profile of a module (imc/Cost/Profile.h): the module compiled once
// all-digital by --imc-pipeline, translated, and reduced to what costing it
// on any target needs. `imc-opt --imc-profile="output=FILE"` and
// `imc.profile(module)` call it.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_PIPELINE_PROFILE_H
#define IMC_PIPELINE_PROFILE_H

#include "imc/Cost/Profile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

namespace imc {

/// The profile of `module` (linalg-on-tensors, or imc before imc-map; the
/// module itself is not changed). Emits an error on the module and fails
/// when it cannot be profiled.
mlir::FailureOr<cost::Profile> buildProfile(mlir::ModuleOp module,
                                            llvm::StringRef name);

/// Registers the `imc-profile` pass.
void registerImcProfilePass();

/// Registers the `imc-coopt` pass (lib/Pipeline/Coopt.cpp): one chip for
/// every function of a module, set as its imc.target.
void registerImcCooptPass();

} // namespace imc

#endif // IMC_PIPELINE_PROFILE_H
