//===- ImcTarget.h - the imc.target module attribute -------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A module compiled for a target carries it as `imc.target`, a dictionary
// that mirrors the target JSON field for field. These helpers are the only
// place that converts between the two, so passes, imc-translate and the
// dialect verifier all read a target the same way.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_IR_IMCTARGET_H
#define IMC_DIALECT_IMC_IR_IMCTARGET_H

#include "imc/Hardware/Target.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LogicalResult.h"

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace imc {

/// The dictionary form of a target.
mlir::DictionaryAttr targetToAttr(mlir::MLIRContext *ctx, const hw::Target &target);

/// Validates and converts the dictionary form; on failure returns the
/// validator's one-line message in `error`.
mlir::FailureOr<hw::Target> targetFromAttr(mlir::Attribute attr, std::string &error);

/// The JSON text of a recorded target (what imc-translate embeds).
mlir::FailureOr<std::string> targetJsonFromAttr(mlir::Attribute attr, std::string &error);

/// For passes with a `target=` option: loads `path` when it is non-empty and
/// records it on `module`; otherwise reads the target already recorded. Emits
/// an error on the module and fails if neither gives a valid target.
mlir::FailureOr<hw::Target> resolveTarget(mlir::ModuleOp module,
                                           llvm::StringRef path);

} // namespace imc

#endif // IMC_DIALECT_IMC_IR_IMCTARGET_H
