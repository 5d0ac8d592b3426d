//===- Pipeline.h - the imc compilation pipeline -----------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_PIPELINE_PIPELINE_H
#define IMC_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace imc {

struct PipelineOptions : public mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Hardware target JSON file")};
  Option<std::string> policy{
      *this, "policy",
      llvm::cl::desc("Mapping policy for imc-map: analog | digital"),
      llvm::cl::init("analog")};
};

/// linalg-on-tensors -> imc/dpu -> mapped -> tiled -> xbar/dpu.
void buildImcPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Registers `--imc-pipeline`.
void registerImcPipeline();

} // namespace imc

#endif // IMC_PIPELINE_PIPELINE_H
