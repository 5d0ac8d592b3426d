//===- ImcToXbar.cpp - lower crossbar-mapped imc ops to xbar --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Xbar/IR/XbarOps.h"
#include "imc/Support/PassOptions.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

namespace imc {
#define GEN_PASS_DEF_CONVERTIMCTOXBAR
#include "imc/Conversion/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

/// The values that are non-negative whatever the function's arguments and
/// constants: the rules of format::nonNegativeValues, on the ops that
/// imc-translate turns into those instructions (a DPU-mapped imc.mvm
/// becomes a dpu.matmul). Two copies of one rule, kept equal by the
/// evaluate == estimate tests (the profile evaluator decides on the
/// program, this pass on the IR).
llvm::DenseSet<Value> nonNegativeValues(ModuleOp module) {
  llvm::DenseSet<Value> nn;
  auto is = [&](Value v) { return nn.contains(v); };
  auto all = [&](Operation *op) {
    return llvm::all_of(op->getOperands(), is);
  };
  module.walk([&](Operation *op) {
    if (op->getNumResults() != 1)
      return;
    const bool v =
        llvm::TypeSwitch<Operation *, bool>(op)
            .Case<tensor::EmptyOp, dpu::ReluOp>([](auto) { return true; })
            .Case<dpu::MaxOp>([&](dpu::MaxOp m) {
              return is(m->getOperand(0)) || is(m->getOperand(1));
            })
            .Case<tensor::ExtractSliceOp, tensor::InsertSliceOp,
                  dpu::ReshapeOp, dpu::TransposeOp, dpu::Im2colOp,
                  dpu::RequantizeOp, dpu::ReduceSumOp, dpu::AddOp,
                  dpu::MulOp, dpu::BiasAddOp, dpu::AffineOp, dpu::MatmulOp>(
                [&](Operation *o) { return all(o); })
            .Case<imc::MvmOp>([&](imc::MvmOp m) {
              return m.getEngine() == imc::Engine::dpu && all(m);
            })
            .Case<dpu::PoolOp>([&](dpu::PoolOp p) {
              // As the program's rule: a max pool's paddings below its
              // kernel (padding order top, left, bottom, right).
              ArrayRef<int64_t> k = p.getKernel(), pad = p.getPadding();
              return all(p) &&
                     (p.getKind() != "max" ||
                      (k.size() == 2 && pad.size() == 4 && pad[0] < k[0] &&
                       pad[2] < k[0] && pad[1] < k[1] && pad[3] < k[1]));
            })
            .Default([](Operation *) { return false; });
    if (v)
      nn.insert(op->getResult(0));
  });
  return nn;
}

struct MvmToXbar : OpConversionPattern<imc::MvmOp> {
  MvmToXbar(MLIRContext *ctx, const hw::Target &target, int64_t &nextTile,
            const llvm::DenseSet<Value> &nonNegative)
      : OpConversionPattern(ctx), target(target), nextTile(nextTile),
        nonNegative(nonNegative) {}

  LogicalResult
  matchAndRewrite(imc::MvmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getEngine() != imc::Engine::xbar)
      return failure();
    auto w = op.getWeight().getType();
    auto tileType = xbar::TileType::get(op.getContext(), w.getDimSize(0),
                                        w.getDimSize(1), target.weightSlices());
    Location loc = op.getLoc();
    StringAttr mapping;
    if (target.weightMapping != hw::WeightMapping::Differential)
      mapping = rewriter.getStringAttr(
          hw::weightMappingName(target.weightMapping));
    Value tile = rewriter.create<xbar::ProgramOp>(
        loc, tileType, adaptor.getWeight(), nextTile++, target.weightBits,
        target.cellBits, mapping);
    hw::XbarPrecision p = target.precision();
    p.unsignedInput =
        target.unsignedActivations && nonNegative.contains(op.getInput());
    rewriter.replaceOpWithNewOp<xbar::MvmOp>(
        op, op.getType(), tile, adaptor.getInput(), target.activationBits,
        target.dacBits, p.cycles(), target.adcBits, target.parallelRows,
        p.unsignedInput);
    return success();
  }

  const hw::Target &target;
  int64_t &nextTile;
  const llvm::DenseSet<Value> &nonNegative;
};

struct AccumulateToXbar : OpConversionPattern<imc::AccumulateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(imc::AccumulateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<xbar::AccumulateOp>(op, op.getType(),
                                                    adaptor.getPartials());
    return success();
  }
};

struct ConvertImcToXbarPass
    : imc::impl::ConvertImcToXbarBase<ConvertImcToXbarPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  using ConvertImcToXbarBase::ConvertImcToXbarBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<hw::Target> target = imc::resolveTarget(module, targetPath);
    if (failed(target))
      return signalPassFailure();

    // Say precisely why an op cannot be lowered, rather than leaving it to
    // the conversion driver's generic "failed to legalize".
    const int64_t rows = target->rows, cols = target->weightColsPerArray();
    WalkResult check = module.walk([&](imc::MvmOp op) {
      if (!op.getEngine()) {
        op.emitError("convert-imc-to-xbar: op has no engine; run imc-map "
                     "first");
        return WalkResult::interrupt();
      }
      auto w = op.getWeight().getType();
      if (*op.getEngine() == imc::Engine::xbar &&
          (w.getDimSize(0) > rows || w.getDimSize(1) > cols)) {
        op.emitError() << "convert-imc-to-xbar: weights of " << w.getDimSize(0)
                       << "x" << w.getDimSize(1)
                       << " do not fit one crossbar tile of " << rows << "x"
                       << cols << " weights; run imc-tile first";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (check.wasInterrupted())
      return signalPassFailure();

    ConversionTarget legality(getContext());
    legality.addLegalDialect<xbar::XbarDialect>();
    legality.addIllegalOp<imc::AccumulateOp>();
    legality.addDynamicallyLegalOp<imc::MvmOp>(
        [](imc::MvmOp op) { return op.getEngine() != imc::Engine::xbar; });
    legality.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    int64_t nextTile = 0;
    llvm::DenseSet<Value> nonNegative;
    if (target->unsignedActivations)
      nonNegative = nonNegativeValues(module);
    RewritePatternSet patterns(&getContext());
    patterns.add<MvmToXbar>(&getContext(), *target, nextTile, nonNegative);
    patterns.add<AccumulateToXbar>(&getContext());
    if (failed(applyPartialConversion(module, legality, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
