//===- Pipeline.h - the imc compilation pipeline -----------------*- C++
//-*-===//
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
      llvm::cl::desc("Mapping policy for imc-map: analog | digital | budget | energy"),
      llvm::cl::init("analog")};
  Option<double> maxAnalogRatio{
      *this, "max-analog-ratio",
      llvm::cl::desc("imc-map budget policy: largest analog MAC ratio"),
      llvm::cl::init(1.0)};
  Option<double> minUtilization{
      *this, "min-utilization",
      llvm::cl::desc("imc-map analog policy: layers below this crossbar "
                     "utilization go to the DPU"),
      llvm::cl::init(0.0)};
  Option<std::string> replicate{
      *this, "replicate",
      llvm::cl::desc("Weight replicas for throughput (imc-tile): a count "
                     "N >= 1, or 'auto' (spare arrays to the slowest ops)"),
      llvm::cl::init("1")};
  Option<std::string> overrides{
      *this, "overrides",
      llvm::cl::desc("imc-map per-layer engines, comma-separated: "
                     "layer=xbar or layer=dpu")};
};

/// linalg-on-tensors -> imc/dpu -> mapped -> tiled -> xbar/dpu.
void buildImcPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Registers `--imc-pipeline`.
void registerImcPipeline();

} // namespace imc

#endif // IMC_PIPELINE_PIPELINE_H
