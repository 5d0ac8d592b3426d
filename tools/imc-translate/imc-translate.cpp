//===- imc-translate.cpp - imc translation driver -------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-translate --imc-to-sim IN.mlir -o OUT.imcb: a lowered module (MLIR
// text or bytecode) to an imc-sim program (docs/binary-format.md). Like
// mlir-translate, with -split-input-file and -verify-diagnostics for tests,
// and with imc's manners: one-line errors, no output file unless the whole
// translation succeeds, text nested too deeply for MLIR's parser refused
// before it is parsed (docs/upstream-mlir.md).
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Support/MlirTextGuard.h"
#include "imc/Support/Tool.h"
#include "imc/Target/SimBinary.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <vector>

using namespace llvm;
using namespace mlir;

static cl::OptionCategory category("imc-translate options");
static cl::opt<std::string> inputName(cl::Positional,
                                      cl::desc("<input .mlir or .mlirbc>"),
                                      cl::init("-"), cl::cat(category));
static cl::opt<std::string> outputName("o", cl::desc("Output file"),
                                       cl::value_desc("file.imcb"),
                                       cl::init("-"), cl::cat(category));
static cl::opt<bool> toSim(
    "imc-to-sim",
    cl::desc("Translate a module lowered by imc-opt --imc-pipeline to an "
             "imc-sim program (docs/binary-format.md); the only translation"),
    cl::cat(category));
static cl::opt<bool> splitInput(
    "split-input-file",
    cl::desc("Translate each chunk between '// -----' lines on its own"),
    cl::cat(category));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check the diagnostics against expected-* comments (tests)"),
    cl::cat(category));

/// Parses and translates one buffer.
static LogicalResult translate(std::unique_ptr<MemoryBuffer> buffer,
                               const DialectRegistry &registry,
                               raw_ostream &os) {
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  auto sourceMgr = std::make_shared<SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(buffer), SMLoc());
  auto run = [&] {
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&ctx));
    if (!module)
      return failure();
    return imc::translateToSimBinary(*module, os);
  };
  if (verifyDiagnostics) {
    SourceMgrDiagnosticVerifierHandler handler(*sourceMgr, &ctx);
    (void)run(); // the expected errors fail it
    return handler.verify();
  }
  SourceMgrDiagnosticHandler handler(*sourceMgr, &ctx);
  return run();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  imc::initTool("imc-translate", argv[0], &category);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // Errors name their op without printing it, unless asked for later on the
  // command line.
  std::vector<char *> args(argv, argv + argc);
  static char quiet[] = "--mlir-print-op-on-diagnostic=false";
  args.insert(args.begin() + 1, quiet);
  cl::ParseCommandLineOptions(int(args.size()), args.data(),
                              "imc translation driver\n");
  if (!toSim) {
    errs() << "imc-translate: error: give the translation, --imc-to-sim\n";
    return 1;
  }
  DialectRegistry registry;
  imc::registerAllDialects(registry);

  std::string error;
  std::unique_ptr<MemoryBuffer> input = openInputFile(inputName, &error);
  if (!input) {
    errs() << "imc-translate: error: " << error << "\n";
    return 1;
  }
  if (std::string why = imc::checkMlirText(input->getBuffer()); !why.empty()) {
    errs() << "imc-translate: error: " << inputName << ": " << why << "\n";
    return 1;
  }
  std::unique_ptr<ToolOutputFile> output = openOutputFile(outputName, &error);
  if (!output) {
    errs() << "imc-translate: error: " << error << "\n";
    return 1;
  }
  auto process = [&](std::unique_ptr<MemoryBuffer> chunk, raw_ostream &os) {
    return translate(std::move(chunk), registry, os);
  };
  LogicalResult result =
      splitInput
          ? splitAndProcessBuffer(std::move(input), process, output->os())
          : process(std::move(input), output->os());
  if (failed(result))
    return 1; // the output file is removed
  output->keep();
  return 0;
}
