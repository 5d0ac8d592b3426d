//===- ImcDialect.h - the imc dialect ----------------------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_IR_IMCDIALECT_H
#define IMC_DIALECT_IMC_IR_IMCDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "imc/Dialect/Imc/IR/ImcDialect.h.inc"
#include "imc/Dialect/Imc/IR/ImcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "imc/Dialect/Imc/IR/ImcAttrs.h.inc"

#include <string>

namespace imc {
/// The layer an op belongs to, from its location: a NameLoc's name
/// (`loc("fc1")`), else file:line:col, the first of a fused location, or a
/// call site's callee. Reports and mapping decisions use it.
std::string layerName(mlir::Location loc);
} // namespace imc

#endif // IMC_DIALECT_IMC_IR_IMCDIALECT_H
