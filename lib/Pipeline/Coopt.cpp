//===- Coopt.cpp - tune a module's target for its functions ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// --imc-coopt="space=SPACE.json [output=CHOSEN.json] [result=R.json]
// [jobs=N] [search=bnb|nsga2 population=P generations=G seed=S]": every
// function
// of the module is a workload (profiled as a module of its own, named after
// the function); the co-optimizer's search over the space (docs/coopt.md:
// exhaustive by default, branch and bound, or NSGA-II) picks one chip for all
// of them, and the pass sets it as the module's imc.target, which
// --imc-pipeline then compiles for. The functions are not changed.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Pipeline/Profile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {
struct ImcCooptPass : PassWrapper<ImcCooptPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ImcCooptPass)

  ImcCooptPass() = default;
  ImcCooptPass(const ImcCooptPass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "imc-coopt"; }
  StringRef getDescription() const final {
    return "Choose one chip (a design of `space`) for every function of the "
           "module (docs/coopt.md) and set it as the module's imc.target";
  }
  void getDependentDialects(DialectRegistry &registry) const override {}

  Option<std::string> space{*this, "space",
                            llvm::cl::desc("Search space JSON file")};
  Option<std::string> output{
      *this, "output", llvm::cl::desc("Also write the chosen target here")};
  Option<std::string> result{
      *this, "result",
      llvm::cl::desc("Also write the search's result JSON here")};
  Option<unsigned> jobs{*this, "jobs",
                        llvm::cl::desc("Threads (default: all cores)"),
                        llvm::cl::init(0)};
  Option<std::string> search{
      *this, "search",
      llvm::cl::desc("exhaustive or bnb (the exact optimum) or nsga2"),
      llvm::cl::init("exhaustive")};
  Option<unsigned> population{*this, "population",
                              llvm::cl::desc("NSGA-II population (even)"),
                              llvm::cl::init(70)};
  Option<unsigned> generations{*this, "generations",
                               llvm::cl::desc("NSGA-II generations"),
                               llvm::cl::init(40)};
  Option<uint64_t> seed{*this, "seed", llvm::cl::desc("NSGA-II seed"),
                        llvm::cl::init(1)};

  bool write(ModuleOp module, StringRef path, const std::string &text) {
    std::error_code ec;
    llvm::ToolOutputFile f(path, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      module.emitError("imc-coopt: ") << path << ": " << ec.message();
      return false;
    }
    f.os() << text << "\n";
    f.keep();
    return true;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (space.empty()) {
      module.emitError("imc-coopt: give the search space, "
                       "--imc-coopt=\"space=SPACE.json\"");
      return signalPassFailure();
    }
    auto buf = llvm::MemoryBuffer::getFile(space);
    if (!buf) {
      module.emitError("imc-coopt: ")
          << space << ": " << buf.getError().message();
      return signalPassFailure();
    }
    if (search != "exhaustive" && search != "nsga2" && search != "bnb") {
      module.emitError("imc-coopt: search must be 'exhaustive', 'bnb' or "
                       "'nsga2', got '")
          << search << "'";
      return signalPassFailure();
    }
    if (search != "nsga2" &&
        (population.getNumOccurrences() || generations.getNumOccurrences() ||
         seed.getNumOccurrences())) {
      module.emitError("imc-coopt: population, generations and seed are "
                       "settings of search=nsga2");
      return signalPassFailure();
    }
    if (population < 4 || population > 100000 || population % 2 ||
        generations > 1000000) {
      module.emitError("imc-coopt: population must be an even number in "
                       "[4, 100000] and generations at most 1000000");
      return signalPassFailure();
    }
    std::string error;
    std::optional<imc::coopt::Space> s =
        imc::coopt::parseSpace((*buf)->getBuffer().str(), space, error);
    if (!s) {
      module.emitError("imc-coopt: ") << error;
      return signalPassFailure();
    }
    // Each function a workload: a copy of the module holding it alone.
    std::vector<imc::cost::Profile> profiles;
    std::vector<std::string> names;
    for (auto f : module.getOps<func::FuncOp>())
      names.push_back(f.getSymName().str());
    if (names.empty()) {
      module.emitError("imc-coopt: the module has no function to tune for");
      return signalPassFailure();
    }
    for (const std::string &name : names) {
      OwningOpRef<ModuleOp> one = cast<ModuleOp>(module->clone());
      for (auto f : llvm::make_early_inc_range(one->getOps<func::FuncOp>()))
        if (f.getSymName() != name)
          f.erase();
      FailureOr<imc::cost::Profile> p = imc::buildProfile(*one, name);
      if (failed(p))
        return signalPassFailure();
      profiles.push_back(std::move(*p));
    }
    imc::coopt::Options o;
    o.threads = jobs;
    imc::coopt::SearchMethod method;
    method.name = search;
    method.ga.population = population;
    method.ga.generations = generations;
    method.ga.seed = seed;
    std::optional<imc::coopt::Result> r =
        imc::coopt::search(*s, profiles, o, method, error);
    if (!r) {
      module.emitError("imc-coopt: ") << error;
      return signalPassFailure();
    }
    const std::string chosen =
        imc::coopt::designTarget(*s, r->feasible[r->chosen].index);
    std::optional<imc::hw::Target> t =
        imc::hw::parseTarget(chosen, "the chosen design", error);
    if (!t) { // every feasible design parsed once already
      module.emitError("imc-coopt: ") << error;
      return signalPassFailure();
    }
    if ((!output.empty() && !write(module, output, chosen)) ||
        (!result.empty() &&
         !write(module, result, imc::coopt::resultToJson(*s, profiles, *r))))
      return signalPassFailure();
    module->setAttr(imc::ImcDialect::kTargetAttrName,
                    imc::targetToAttr(module.getContext(), *t));
  }
};
} // namespace

void imc::registerImcCooptPass() { PassRegistration<ImcCooptPass>(); }
