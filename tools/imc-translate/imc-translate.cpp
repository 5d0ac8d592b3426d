//===- imc-translate.cpp - imc translation driver -------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  imc::registerAllTranslations();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "imc translation driver\n"))
             ? 1
             : 0;
}
