//===- imc-opt.cpp - imc optimizer driver ---------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Support/Tool.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include <vector>

int main(int argc, char **argv) {
  imc::initTool("imc-opt", argv[0]);
  mlir::DialectRegistry registry;
  imc::registerAllDialects(registry);
  imc::registerAllPasses();
  // An error names its op and location in one line; the op (which may be the
  // whole module) is printed only on request, with
  // --mlir-print-op-on-diagnostic (given later, it wins).
  std::vector<char *> args(argv, argv + argc);
  static char quiet[] = "--mlir-print-op-on-diagnostic=false";
  args.insert(args.begin() + 1, quiet);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      int(args.size()), args.data(), "imc optimizer driver\n", registry));
}
