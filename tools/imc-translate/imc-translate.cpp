//===- imc-translate.cpp - imc translation driver -------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Support/Tool.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

#include <vector>

int main(int argc, char **argv) {
  imc::initTool("imc-translate", argv[0]);
  imc::registerAllTranslations();
  // As imc-opt: errors without the op printed, unless asked for.
  std::vector<char *> args(argv, argv + argc);
  static char quiet[] = "--mlir-print-op-on-diagnostic=false";
  args.insert(args.begin() + 1, quiet);
  return mlir::failed(mlir::mlirTranslateMain(int(args.size()), args.data(),
                                              "imc translation driver\n"))
             ? 1
             : 0;
}
