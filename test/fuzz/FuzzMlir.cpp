//===- FuzzMlir.cpp - libFuzzer target: MLIR text through the pipeline ----===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// MLIR text as imc-opt reads it: parsed (with imc's guard against deeply
// nested text, docs/upstream-mlir.md), verified, compiled with
// --imc-pipeline for a small target, translated to a program, and that
// program decoded, validated and costed as imc-sim would. Each input gets a
// fresh MLIRContext, so nothing accumulates over a long run.
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Pipeline/Pipeline.h"
#include "imc/Cost/Workload.h"
#include "imc/Sim/Simulator.h"
#include "imc/Support/MlirTextGuard.h"
#include "imc/Target/SimBinary.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  imc::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1 << 16))
    return 0; // large inputs only slow the search down
  const std::string text(reinterpret_cast<const char *>(data), size);
  if (!imc::checkMlirText(text).empty())
    return 0; // refused before the parser, as the tools do
  DialectRegistry registry;
  imc::registerAllDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&ctx), "fuzz.mlir");
  if (!module || failed(verify(*module)))
    return 0;
  PassManager pm(&ctx, ModuleOp::getOperationName());
  imc::PipelineOptions options;
  options.target = IMC_FUZZ_TARGET;
  imc::buildImcPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 0;
  if (failed(verify(*module)))
    std::abort(); // the pipeline left invalid IR behind
  FailureOr<imc::format::Program> p = imc::buildSimProgram(*module);
  if (failed(p))
    return 0;
  std::string error;
  std::optional<imc::sim::Simulator> s =
      imc::sim::Simulator::load(imc::format::serialize(*p), error);
  if (!s)
    std::abort(); // the translator checked it: imc-sim must load it
  if (!imc::cost::checkCostable(s->program(), s->target()).empty())
    return 0;
  imc::sim::Report report;
  imc::cost::estimate(s->program(), s->target(), report);
  (void)report.toJson();
  return 0;
}
