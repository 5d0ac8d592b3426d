// RUN: imc-opt %s --convert-linalg-to-imc --split-input-file | FileCheck %s

// What no specific pattern takes, but the DPU can run, becomes dpu.generic
// with the same loops and body.

// CHECK-LABEL: func.func @row_sum_of_exp
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[E:.*]] = dpu.generic ins(%arg0 : tensor<2x4xf32>) init(%{{.*}} : tensor<2x4xf32>) attributes {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} {
// CHECK:   math.exp
// CHECK: %[[F:.*]] = dpu.generic ins(%[[Z]] : tensor<f32>) init(%{{.*}} : tensor<2xf32>)
// CHECK:   dpu.yield %{{.*}} : f32
// CHECK: dpu.generic ins(%[[E]] : tensor<2x4xf32>) init(%[[F]] : tensor<2xf32>) attributes {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"]} {
// CHECK:   arith.addf
// CHECK-NOT: linalg.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @row_sum_of_exp(%x: tensor<2x4xf32>) -> tensor<2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %ex = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2xf32>) -> tensor<2xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%ex : tensor<2x4xf32>) outs(%z : tensor<2xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

// Attention's activation x activation products (no constant operand):
// named batch_matmul and matmul_transpose_b keep their bodies.
// CHECK-LABEL: func.func @attention_products
// CHECK: dpu.generic ins(%arg0, %arg1 : tensor<2x3x4xf32>, tensor<2x4x5xf32>) init({{.*}}) attributes {indexing_maps = {{.*}}, iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: dpu.generic ins(%arg2, %arg3 : tensor<3x4xf32>, tensor<5x4xf32>)
// CHECK-NOT: linalg.
func.func @attention_products(%q: tensor<2x3x4xf32>, %k: tensor<2x4x5xf32>, %a: tensor<3x4xf32>, %b: tensor<5x4xf32>) -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%f : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %e2 = tensor.empty() : tensor<3x5xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<3x5xf32>) -> tensor<3x5xf32>
  %t = linalg.matmul_transpose_b ins(%a, %b : tensor<3x4xf32>, tensor<5x4xf32>) outs(%f2 : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %s, %t : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// -----

// max(x, 1) is not relu, and x * x + x is not affine: both are plain DPU
// loop nests.
// CHECK-LABEL: func.func @not_special
// CHECK: dpu.generic
// CHECK:   arith.maximumf
// CHECK: dpu.generic
// CHECK:   arith.mulf
// CHECK:   arith.addf
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @not_special(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.maximumf %in, %one : f32
    linalg.yield %r : f32
  } -> tensor<2x2xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.mulf %in, %in : f32
    %t = arith.addf %s, %in : f32
    linalg.yield %t : f32
  } -> tensor<2x2xf32>
  return %b : tensor<2x2xf32>
}

// -----

// Indexing maps that are sums of loops times constants (a sliding window, a
// stride, a shift) become dpu.generic too, maps unchanged.
// CHECK-LABEL: func.func @correlate
// CHECK: dpu.generic ins(%arg0, %arg1 : tensor<10xf32>, tensor<3xf32>) init(%{{.*}} : tensor<4xf32>) attributes {indexing_maps = [#[[W:.*]], #{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"]}
// CHECK-NOT: linalg.
func.func @correlate(%x: tensor<10xf32>, %w: tensor<3xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 * 2 + d1 + 1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%x, %w : tensor<10xf32>, tensor<3xf32>) outs(%z : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A convolution whose filter is computed cannot be weight-stationary: its
// loop nest (windows: sums of loops) runs on the DPU.
// CHECK-LABEL: func.func @conv_computed_filter
// CHECK: dpu.generic ins(%arg0, %arg1 : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) init(%arg2 : tensor<1x1x2x2xf32>)
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-NOT: linalg.
func.func @conv_computed_filter(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %o: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) outs(%o : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
