//===- imc-opt.cpp - imc optimizer driver ---------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with imc's dialects and passes, and imc's manners (Tool.h): an
// error names its op without printing it (--mlir-print-op-on-diagnostic on
// request), and text nested too deeply for MLIR's recursive parser is
// refused before it is parsed (MlirTextGuard.h, docs/upstream-mlir.md).
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Support/MlirTextGuard.h"
#include "imc/Support/Tool.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  imc::initTool("imc-opt", argv[0]);
  mlir::DialectRegistry registry;
  imc::registerAllDialects(registry);
  imc::registerAllPasses();
  // Given later on the command line, the user's choice wins.
  std::vector<char *> args(argv, argv + argc);
  static char quiet[] = "--mlir-print-op-on-diagnostic=false";
  args.insert(args.begin() + 1, quiet);
  auto [inputName, outputName] = mlir::registerAndParseCLIOptions(
      int(args.size()), args.data(), "imc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects()) {
    for (llvm::StringRef name : registry.getDialectNames())
      llvm::outs() << name << "\n";
    return 0;
  }

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputName, &error);
  if (!input) {
    llvm::errs() << "imc-opt: error: " << error << "\n";
    return 1;
  }
  if (std::string why = imc::checkMlirText(input->getBuffer()); !why.empty()) {
    llvm::errs() << "imc-opt: error: " << inputName << ": " << why << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputName, &error);
  if (!output) {
    llvm::errs() << "imc-opt: error: " << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
