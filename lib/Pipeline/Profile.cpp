//===- Profile.cpp - workload profiles of MLIR modules --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Pipeline/Profile.h"
#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Dialect/Xbar/IR/XbarOps.h"
#include "imc/Pipeline/Pipeline.h"
#include "imc/Target/SimBinary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/Transforms/Passes.h"

#include <set>

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {
/// A target for compiling a module all-digital when it names none: only its
/// DPU matters (nothing reaches a crossbar), and the profile evaluator
/// replaces it by the target it costs for.
imc::hw::Target placeholderTarget() {
  imc::hw::Target t;
  t.name = "imc-profile";
  t.rows = t.cols = 128;
  t.cellBits = 2;
  t.dacBits = 1;
  t.adcBits = 8;
  t.adcsPerArray = 8;
  t.parallelRows = 32;
  t.numTiles = 1;
  t.weightBits = t.activationBits = 8;
  t.dpuLanes = 1;
  t.dpuClockMHz = 1000;
  t.energy = {0, 0, 0, 0, 0, 0, 0};
  t.latency = {0, 0, 0};
  return t;
}
} // namespace

FailureOr<imc::cost::Profile> imc::buildProfile(ModuleOp module,
                                                StringRef name) {
  bool mapped = false;
  module.walk([&](Operation *op) {
    if (isa<xbar::ProgramOp, xbar::MvmOp, xbar::AccumulateOp>(op))
      mapped = true;
    if (auto mvm = dyn_cast<MvmOp>(op); mvm && mvm.getEngine())
      mapped = true;
  });
  if (mapped)
    return module.emitError(
        "imc-profile: the module is already mapped or lowered to crossbars; "
        "profile it before imc-map (linalg, or imc without engines)");
  int64_t functions = 0;
  for (Operation &op : module.getBody()->getOperations())
    functions += isa<func::FuncOp>(op);
  if (functions != 1)
    return module.emitError("imc-profile: the module has ")
           << functions << " functions; a profile is of a module with one";
  // Two products of one input by equal weights are one dpu.matmul once the
  // all-digital compile has run CSE, but two sets of tiles on crossbars:
  // the profile could not tell them apart. Count the products before any
  // CSE (below, compared with the all-digital program's).
  int64_t products = 0;
  std::optional<Location> twice;
  {
    OwningOpRef<ModuleOp> front = cast<ModuleOp>(module->clone());
    PassManager pm(module.getContext(), ModuleOp::getOperationName());
    pm.addPass(createConvertLinalgToImc());
    pm.addPass(createImcFuseBatchNorm());
    pm.addPass(createImcLowerConv());
    pm.addPass(createCanonicalizerPass());
    if (failed(pm.run(*front)))
      return failure();
    std::set<std::pair<void *, const void *>> seen;
    front->walk([&](MvmOp op) {
      ++products;
      DenseElementsAttr w;
      matchPattern(op.getWeight(), m_Constant(&w));
      if (!seen.insert(
                   {op.getInput().getAsOpaquePointer(), w.getAsOpaquePointer()})
               .second &&
          !twice)
        twice = op.getLoc();
    });
  }
  OwningOpRef<ModuleOp> clone = cast<ModuleOp>(module->clone());
  if (!(*clone)->hasAttr(ImcDialect::kTargetAttrName))
    (*clone)->setAttr(ImcDialect::kTargetAttrName,
                      targetToAttr(module.getContext(), placeholderTarget()));
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  PipelineOptions options;
  options.policy = "digital";
  buildImcPipeline(pm, options);
  if (failed(pm.run(*clone)))
    return failure();
  FailureOr<format::Program> program = buildSimProgram(*clone);
  if (failed(program))
    return failure();
  int64_t matmuls = 0; // products of the all-digital program
  {
    std::vector<char> constant(program->values.size(), 0);
    for (const format::Constant &c : program->constants)
      constant[c.value] = 1;
    for (const format::Instr &in : program->code)
      matmuls += in.op == format::Opcode::DpuMatmul && constant[in.operands[1]];
  }
  if (matmuls > products)
    return module.emitError(
        "imc-profile: a digital matrix product's weights become constant "
        "only after canonicalization; the profile cannot tell how the "
        "compiler maps it (compile for each target instead)");
  if (matmuls != products) {
    InFlightDiagnostic d = module.emitError("imc-profile: ");
    if (twice)
      d << "layer '" << layerName(*twice) << "' multiplies";
    else
      d << "two layers multiply";
    d << " the same input by the same weights as another layer; the "
         "profile cannot tell the two apart (compile for each target "
         "instead)";
    return failure();
  }
  // The weights' level tables, on the context's threads.
  return cost::profileOf(
      *program, name.str(),
      [&](size_t n, const std::function<void(size_t)> &body) {
        mlir::parallelFor(module.getContext(), 0, n, body);
      });
}

namespace {
struct ImcProfilePass : PassWrapper<ImcProfilePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ImcProfilePass)

  ImcProfilePass() = default;
  ImcProfilePass(const ImcProfilePass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "imc-profile"; }
  StringRef getDescription() const final {
    return "Write the module's workload profile (docs/cost-model.md, "
           "Profiles) to `output`; the module is not changed";
  }
  void getDependentDialects(DialectRegistry &registry) const override {}

  Option<std::string> output{*this, "output",
                             llvm::cl::desc("Profile JSON file to write")};
  Option<std::string> name{*this, "name",
                           llvm::cl::desc("Name of the workload (default: "
                                          "the output file's stem)")};

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (output.empty()) {
      module.emitError("imc-profile: give the file to write, "
                       "--imc-profile=\"output=FILE.json\"");
      return signalPassFailure();
    }
    std::string workload = name;
    if (workload.empty()) {
      StringRef stem = output;
      stem = stem.substr(stem.find_last_of('/') + 1);
      workload = stem.substr(0, stem.find('.')).str();
    }
    FailureOr<imc::cost::Profile> profile = imc::buildProfile(module, workload);
    if (failed(profile))
      return signalPassFailure();
    std::string error;
    auto file = openOutputFile(output, &error);
    if (!file) {
      module.emitError("imc-profile: ") << error;
      return signalPassFailure();
    }
    file->os() << imc::cost::profilesToJson({*profile}) << "\n";
    file->keep();
  }

  std::unique_ptr<llvm::ToolOutputFile> openOutputFile(StringRef path,
                                                       std::string *error) {
    std::error_code ec;
    auto f = std::make_unique<llvm::ToolOutputFile>(path, ec,
                                                    llvm::sys::fs::OF_Text);
    if (ec) {
      *error = path.str() + ": " + ec.message();
      return nullptr;
    }
    return f;
  }
};
} // namespace

void imc::registerImcProfilePass() { PassRegistration<ImcProfilePass>(); }
