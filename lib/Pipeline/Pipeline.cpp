//===- Pipeline.cpp - the imc compilation pipeline ------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Pipeline/Pipeline.h"
#include "imc/Conversion/Passes.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Support/PassOptions.h"

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
  map.overrides = options.overrides;
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
  // PassPipelineRegistration, except that an unknown option's error names
  // the valid ones and goes to the caller's handler (not to stderr).
  registerPassPipeline(
      "imc-pipeline",
      "Compile linalg-on-tensors for an IMC target: convert-linalg-to-imc, "
      "imc-fuse-batchnorm, imc-lower-conv, imc-map, imc-tile, "
      "convert-imc-to-xbar, convert-imc-to-dpu, canonicalize, cse",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        PipelineOptions options;
        std::string error;
        llvm::raw_string_ostream es(error);
        if (failed(options.parseFromString(text, es))) {
          std::string printed;
          llvm::raw_string_ostream ps(printed);
          PipelineOptions().print(ps);
          return errorHandler(
              withValidOptions(es.str(), "imc-pipeline", ps.str()));
        }
        buildImcPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(PipelineOptions());
      });
}
