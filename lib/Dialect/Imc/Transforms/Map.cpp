//===- Map.cpp - assign imc.mvm ops to crossbars or the DPU ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FormatVariadic.h"

namespace imc {
#define GEN_PASS_DEF_IMCMAP
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

struct ImcMapPass : imc::impl::ImcMapBase<ImcMapPass> {
  using ImcMapBase::ImcMapBase;

  void runOnOperation() override {
    Engine chosen;
    if (policy == "analog")
      chosen = Engine::xbar;
    else if (policy == "digital")
      chosen = Engine::dpu;
    else {
      getOperation().emitError()
          << "imc-map: unknown policy '" << policy
          << "' (expected 'analog' or 'digital')";
      return signalPassFailure();
    }

    int64_t analogMacs = 0, allMacs = 0;
    getOperation().walk([&](MvmOp op) {
      if (!op.getEngine())
        op.setEngineAttr(EngineAttr::get(op.getContext(), chosen));
      const int64_t macs = op.getNumMacs();
      allMacs += macs;
      if (*op.getEngine() == Engine::xbar)
        analogMacs += macs;
      if (emitRemarks)
        op.emitRemark() << "mapped to "
                        << stringifyEngine(*op.getEngine()) << " (" << macs
                        << " MACs)";
    });
    if (emitRemarks && allMacs)
      getOperation().emitRemark()
          << "analog MAC ratio " << analogMacs << "/" << allMacs << " = "
          << llvm::formatv("{0:F4}", double(analogMacs) / double(allMacs)).str();
  }
};

} // namespace
