//===- Pipeline.cpp - the imc compilation pipeline ------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Pipeline/Pipeline.h"
#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace imc;

void imc::buildImcPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createConvertLinalgToImc());
  pm.addPass(createImcFuseBatchNorm());
  pm.addPass(createImcLowerConv());
  // imc-map is the first target-aware pass: it records the target on the
  // module, and the later passes read it from there.
  ImcMapOptions map;
  map.policy = options.policy;
  map.maxAnalogRatio = options.maxAnalogRatio;
  map.minUtilization = options.minUtilization;
  // The options struct refers to the list; the pass copies it on creation.
  std::vector<std::string> overrides(options.overrides.begin(),
                                     options.overrides.end());
  map.overrides = overrides;
  map.targetPath = options.target;
  pm.addPass(createImcMap(map));
  ImcTileOptions tile;
  tile.replicate = options.replicate;
  pm.addPass(createImcTile(tile));
  pm.addPass(createConvertImcToXbar());
  pm.addPass(createConvertImcToDpu());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void imc::registerImcPipeline() {
  PassPipelineRegistration<PipelineOptions>(
      "imc-pipeline",
      "Compile linalg-on-tensors for an IMC target: convert-linalg-to-imc, "
      "imc-fuse-batchnorm, imc-lower-conv, imc-map, imc-tile, "
      "convert-imc-to-xbar, convert-imc-to-dpu, canonicalize, cse",
      buildImcPipeline);
}
