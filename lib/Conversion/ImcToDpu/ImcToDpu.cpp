//===- ImcToDpu.cpp - lower DPU-mapped imc ops to dpu ---------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Support/PassOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace imc {
#define GEN_PASS_DEF_CONVERTIMCTODPU
#include "imc/Conversion/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

struct MvmToDpu : OpConversionPattern<imc::MvmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(imc::MvmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getEngine() != imc::Engine::dpu)
      return failure();
    rewriter.replaceOpWithNewOp<dpu::MatmulOp>(
        op, op.getType(), adaptor.getInput(), adaptor.getWeight());
    return success();
  }
};

struct ConvertImcToDpuPass
    : imc::impl::ConvertImcToDpuBase<ConvertImcToDpuPass> {
  IMC_PASS_OPTIONS_LIST_VALID

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult check = module.walk([&](imc::MvmOp op) {
      if (op.getEngine())
        return WalkResult::advance();
      op.emitError("convert-imc-to-dpu: op has no engine; run imc-map first");
      return WalkResult::interrupt();
    });
    if (check.wasInterrupted())
      return signalPassFailure();

    ConversionTarget legality(getContext());
    legality.addLegalDialect<dpu::DpuDialect>();
    legality.addDynamicallyLegalOp<imc::MvmOp>(
        [](imc::MvmOp op) { return op.getEngine() != imc::Engine::dpu; });
    legality.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<MvmToDpu>(&getContext());
    if (failed(applyPartialConversion(module, legality, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
