// RUN: imc-opt %s --imc-pipeline="target=%S/../Inputs/small.json" | FileCheck %s
// RUN: imc-opt %s --imc-pipeline="target=%S/../Inputs/small.json policy=digital" | FileCheck %s --check-prefix=DIGITAL
// RUN: not imc-opt %s --imc-pipeline 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: imc-opt %s --imc-pipeline="target=%S/../Inputs/small.json" | FileCheck %s --check-prefix=LOWERED
// The LOWERED check can fail: a partly lowered module is caught.
// RUN: imc-opt %s --convert-linalg-to-imc | not FileCheck %s --check-prefix=LOWERED

// One torch-mlir-style linear + bias + relu layer with 10 inputs and 5
// outputs on the small target (8 rows x 4 weight columns per tile): 2 row
// blocks x 2 column blocks = 4 tiles, nothing left in linalg or imc.
// CHECK-LABEL: func.func @main
// CHECK: %[[X0:.*]] = tensor.extract_slice %arg0[0, 0] [2, 8]
// CHECK: %[[X1:.*]] = tensor.extract_slice %arg0[0, 8] [2, 2]
// CHECK: %[[T0:.*]] = xbar.program {{.*}}tile = 0 {{.*}} -> !xbar.tile<8x4, slices = 2>
// CHECK: %[[P0:.*]] = xbar.mvm %[[T0]], %[[X0]]
// CHECK: %[[T1:.*]] = xbar.program {{.*}}tile = 1 {{.*}} -> !xbar.tile<2x4, slices = 2>
// CHECK: %[[P1:.*]] = xbar.mvm %[[T1]], %[[X1]]
// CHECK: %[[S0:.*]] = xbar.accumulate %[[P0]], %[[P1]] : tensor<2x4xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[S0]] into %{{.*}}[0, 0] [2, 4]
// CHECK: xbar.program {{.*}}tile = 2 {{.*}} -> !xbar.tile<8x1, slices = 2>
// CHECK: xbar.program {{.*}}tile = 3 {{.*}} -> !xbar.tile<2x1, slices = 2>
// CHECK: %[[S1:.*]] = xbar.accumulate {{.*}} : tensor<2x1xf32>
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[S1]] into %[[I0]][0, 4] [2, 1]
// CHECK: %[[B:.*]] = dpu.bias_add %[[I1]], %{{.*}} : tensor<2x5xf32>, tensor<5xf32>
// CHECK: %[[R:.*]] = dpu.relu %[[B]]
// CHECK: return %[[R]]

// Nothing is left in linalg or imc anywhere in the function (the module's
// imc.target attribute is printed before it).
// LOWERED-LABEL: func.func @main
// LOWERED-NOT: linalg.
// LOWERED-NOT: imc.
// LOWERED: return

// DIGITAL-NOT: xbar.
// DIGITAL: dpu.matmul %arg0, %{{.*}} : tensor<2x10xf32>, tensor<10x5xf32> -> tensor<2x5xf32>
// DIGITAL: dpu.bias_add
// DIGITAL: dpu.relu

// NOTARGET: error: no hardware target: pass target=<file.json> to this pass

#id = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<2x10xf32>) -> tensor<2x5xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<5x10xf32>
  %b = arith.constant dense<0.25> : tensor<5xf32>
  %e0 = tensor.empty() : tensor<10x5xf32>
  %wt = linalg.transpose ins(%w : tensor<5x10xf32>) outs(%e0 : tensor<10x5xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<2x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<2x10xf32>, tensor<10x5xf32>) outs(%f : tensor<2x5xf32>) -> tensor<2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<2x5xf32>, tensor<5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}
