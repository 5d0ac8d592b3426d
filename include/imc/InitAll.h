//===- InitAll.h - register imc's dialects and passes --------- -*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one place that says what imc-opt, imc-translate and the Python module
// register, so they cannot drift apart. Only the upstream dialects and passes
// imc uses are registered (never mlir/InitAllDialects.h).
//
//===----------------------------------------------------------------------===//

#ifndef IMC_INITALL_H
#define IMC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace imc {

void registerAllDialects(mlir::DialectRegistry &registry);
void registerAllPasses();

} // namespace imc

#endif // IMC_INITALL_H
