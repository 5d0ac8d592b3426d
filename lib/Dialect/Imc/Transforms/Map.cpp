//===- Map.cpp - assign imc.mvm ops to crossbars or the DPU ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Placement.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Dialect/Imc/Transforms/TilePlan.h"
#include "imc/Support/MapPolicy.h"
#include "imc/Support/Overrides.h"
#include "imc/Support/PassOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <set>

namespace imc {
#define GEN_PASS_DEF_IMCMAP
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

struct Candidate {
  MvmOp op;
  std::string layer;
  int64_t macs = 0, tiles = 0;
  double utilization = 0;
  cost::ProductEnergy energy; ///< policy energy only
  std::string reason;
};

struct ImcMapPass : imc::impl::ImcMapBase<ImcMapPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  using ImcMapBase::ImcMapBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (policy != "analog" && policy != "digital" && policy != "budget" &&
        policy != "energy") {
      module.emitError() << "imc-map: unknown policy '" << policy
                         << "' (expected 'analog', 'digital', 'budget' or "
                            "'energy')";
      return signalPassFailure();
    }
    if (!(maxAnalogRatio >= 0.0 && maxAnalogRatio <= 1.0) ||
        !(minUtilization >= 0.0 && minUtilization <= 1.0)) {
      module.emitError("imc-map: max-analog-ratio and min-utilization must "
                       "be in [0, 1]");
      return signalPassFailure();
    }
    std::map<std::string, Engine> pinned;
    {
      std::map<std::string, bool> parsed;
      std::string error;
      if (!parseOverrides(overrides, parsed, error)) {
        module.emitError() << "imc-map: " << error;
        return signalPassFailure();
      }
      for (const auto &[layer, xbar] : parsed)
        pinned[layer] = xbar ? Engine::xbar : Engine::dpu;
    }

    // Utilization (and tile counts) need the array size.
    const bool needTarget = minUtilization > 0.0 || policy == "budget" ||
                            policy == "energy" ||
                            !targetPath.empty() ||
                            module->hasAttr(ImcDialect::kTargetAttrName);
    std::optional<hw::Target> target;
    if (needTarget) {
      FailureOr<hw::Target> t = resolveTarget(module, targetPath);
      if (failed(t))
        return signalPassFailure();
      target = *t;
    }

    std::vector<Candidate> all;
    int64_t blocks = 0;
    WalkResult walk = module.walk([&](MvmOp op) {
      Candidate c{op, layerName(op.getLoc()), op.getNumMacs()};
      if (target) {
        auto wt = op.getWeight().getType();
        const int64_t n = weightBlocks(wt.getDimSize(0), wt.getDimSize(1),
                                       target->rows,
                                       target->weightColsPerArray());
        if (n > kMaxWeightBlocks - blocks) {
          op.emitError() << "imc-map: the module needs more than "
                         << kMaxWeightBlocks
                         << " weight blocks of the target's array (this "
                            "product alone: "
                         << n << "), more than imc compiles";
          return WalkResult::interrupt();
        }
        blocks += n;
        DenseElementsAttr w;
        matchPattern(op.getWeight(), m_Constant(&w));
        TilePlan plan =
            planTiles(w, target->rows, target->weightColsPerArray());
        c.tiles = plan.numTiles();
        c.utilization =
            plan.utilization(target->rows, target->weightColsPerArray());
        if (policy == "energy") {
          std::vector<cost::WeightBlock> blocks;
          for (const TileBlock &b : plan.blocks)
            blocks.push_back({b.row0, b.rows, b.col0, b.cols, b.allZero});
          auto in = cast<ShapedType>(op.getInput().getType());
          c.energy = cost::productEnergy(
              cost::Model(*target), in.getDimSize(0), wt.getDimSize(0),
              wt.getDimSize(1), plan.nonZeroWeights, blocks);
        }
      }
      all.push_back(std::move(c));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    std::set<std::string> used;
    int64_t totalMacs = 0, analogMacs = 0;
    std::vector<Candidate *> open;
    for (Candidate &c : all) {
      totalMacs += c.macs;
      if (auto it = pinned.find(c.layer); it != pinned.end()) {
        used.insert(c.layer);
        c.op.setEngineAttr(EngineAttr::get(&getContext(), it->second));
        c.reason = "override";
      } else if (c.op.getEngine()) {
        c.reason = "already mapped";
      } else {
        open.push_back(&c);
        continue;
      }
      if (*c.op.getEngine() == Engine::xbar)
        analogMacs += c.macs;
    }
    for (const auto &[name, engine] : pinned)
      if (!used.count(name)) {
        module.emitError() << "imc-map: override names layer '" << name
                           << "', which has no weight-stationary product";
        return signalPassFailure();
      }

    auto assign = [&](Candidate *c, Engine e, std::string reason) {
      c->op.setEngineAttr(EngineAttr::get(&getContext(), e));
      c->reason = std::move(reason);
      if (e == Engine::xbar)
        analogMacs += c->macs;
    };
    if (policy == "digital") {
      for (Candidate *c : open)
        assign(c, Engine::dpu, "policy digital");
    } else if (policy == "analog") {
      for (Candidate *c : open) {
        if (target && c->utilization < minUtilization)
          assign(c, Engine::dpu,
                 llvm::formatv("utilization below {0:P1}",
                               double(minUtilization)));
        else
          assign(c, Engine::xbar, "policy analog");
      }
    } else if (policy == "energy") {
      for (Candidate *c : open) {
        const bool xbar = c->energy.crossbarsCostLess();
        assign(c, xbar ? Engine::xbar : Engine::dpu,
               llvm::formatv("policy energy: {0:e3} pJ on the crossbars, "
                             "{1:e3} pJ on the DPU",
                             c->energy.xbarPJ, c->energy.dpuPJ)
                   .str());
      }
    } else { // budget: best-utilized layers first while the ratio allows
      std::stable_sort(open.begin(), open.end(), budgetBefore<Candidate>);
      for (Candidate *c : open) {
        const bool fits = withinAnalogBudget(analogMacs, c->macs, totalMacs,
                                             maxAnalogRatio);
        assign(c, fits ? Engine::xbar : Engine::dpu,
               fits ? std::string("within the analog budget")
                    : llvm::formatv("over the analog budget of {0:P1}",
                                    double(maxAnalogRatio))
                          .str());
      }
    }

    if (!emitRemarks)
      return;
    for (Candidate &c : all) {
      InFlightDiagnostic d = c.op.emitRemark()
                             << c.layer << ": "
                             << stringifyEngine(*c.op.getEngine()) << " ("
                             << c.macs << " MACs";
      if (target)
        d << ", " << c.tiles << " tiles, utilization "
          << llvm::formatv("{0:P1}", c.utilization).str();
      d << "; " << c.reason << ")";
    }
    if (totalMacs)
      module.emitRemark() << "analog MAC ratio " << analogMacs << "/"
                          << totalMacs << " = "
                          << llvm::formatv("{0:F4}", double(analogMacs) /
                                                         double(totalMacs))
                                 .str();
  }
};

} // namespace
