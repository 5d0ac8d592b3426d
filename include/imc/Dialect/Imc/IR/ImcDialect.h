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

#endif // IMC_DIALECT_IMC_IR_IMCDIALECT_H
