//===- ImcToXbar.cpp - lower crossbar-mapped imc ops to xbar --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Xbar/IR/XbarOps.h"
#include "imc/Support/PassOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace imc {
#define GEN_PASS_DEF_CONVERTIMCTOXBAR
#include "imc/Conversion/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

struct MvmToXbar : OpConversionPattern<imc::MvmOp> {
  MvmToXbar(MLIRContext *ctx, const hw::Target &target, int64_t &nextTile)
      : OpConversionPattern(ctx), target(target), nextTile(nextTile) {}

  LogicalResult
  matchAndRewrite(imc::MvmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getEngine() != imc::Engine::xbar)
      return failure();
    auto w = op.getWeight().getType();
    auto tileType = xbar::TileType::get(op.getContext(), w.getDimSize(0),
                                        w.getDimSize(1), target.weightSlices());
    Location loc = op.getLoc();
    Value tile = rewriter.create<xbar::ProgramOp>(
        loc, tileType, adaptor.getWeight(), nextTile++, target.weightBits,
        target.cellBits);
    rewriter.replaceOpWithNewOp<xbar::MvmOp>(
        op, op.getType(), tile, adaptor.getInput(), target.activationBits,
        target.dacBits, target.inputCycles(), target.adcBits,
        target.parallelRows);
    return success();
  }

  const hw::Target &target;
  int64_t &nextTile;
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
    RewritePatternSet patterns(&getContext());
    patterns.add<MvmToXbar>(&getContext(), *target, nextTile);
    patterns.add<AccumulateToXbar>(&getContext());
    if (failed(applyPartialConversion(module, legality, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
