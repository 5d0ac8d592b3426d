//===- InitAll.cpp - register imc's dialects and passes -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/InitAll.h"
#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Dpu/IR/DpuDialect.h"
#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Dialect/Xbar/IR/XbarDialect.h"
#include "imc/Pipeline/Pipeline.h"
#include "imc/Pipeline/Profile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void imc::registerAllDialects(DialectRegistry &registry) {
  registry.insert<ImcDialect, xbar::XbarDialect, dpu::DpuDialect,
                  func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect, linalg::LinalgDialect,
                  math::MathDialect>();
}

void imc::registerAllPasses() {
  registerImcTransformsPasses();
  registerImcConversionPasses();
  registerImcPipeline();
  registerImcProfilePass();
  registerImcCooptPass();
  // The upstream passes imc's pipeline and tests use.
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
}
