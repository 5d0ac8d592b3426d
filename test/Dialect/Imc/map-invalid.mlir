// RUN: not imc-opt %s --imc-map="policy=fastest" 2>&1 | FileCheck %s --check-prefix=POLICY
// RUN: not imc-opt %s --imc-map="policy=budget max-analog-ratio=1.5 target=%S/../../Inputs/small.json" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not imc-opt %s --imc-map="overrides=fc1" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not imc-opt %s --imc-map="overrides=fc9=dpu" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not imc-opt %s --imc-map="min-utilization=0.5" 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not imc-opt %s --imc-map="policy=energy" 2>&1 | FileCheck %s --check-prefix=NOTARGET

// POLICY: error: imc-map: unknown policy 'fastest' (expected 'analog', 'digital', 'budget' or 'energy')
// RANGE: error: imc-map: max-analog-ratio and min-utilization must be in [0, 1]
// FORMAT: error: imc-map: override 'fc1' is not layer=xbar or layer=dpu
// UNKNOWN: error: imc-map: override names layer 'fc9', which has no weight-stationary product
// NOTARGET: error: no hardware target: pass target=<file.json> to this pass

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1.0> : tensor<8x4xf32>
  %a = imc.mvm %x, %w : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32> loc("fc1")
  return %a : tensor<2x4xf32>
}
