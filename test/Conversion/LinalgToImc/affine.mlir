// RUN: imc-opt %s --convert-linalg-to-imc --split-input-file | FileCheck %s

// Inference batch norm, torch-mlir style, evaluated symbolically:
// scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
// gamma [2, 3], var [4, 9], eps 0 -> scale [1, 1]; mean [1, 2], beta
// [0.5, 0.25] -> shift [-0.5, -1.75].
// CHECK-LABEL: func.func @batchnorm
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[-5.000000e-01, -1.750000e+00]> : tensor<2xf32>
// CHECK: dpu.affine %arg0, %[[S]], %[[T]] {dim = 1 : i64} : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @batchnorm(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %gamma = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #ch, #ch, #ch, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mean, %var, %gamma, %beta : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %m: f32, %v: f32, %g: f32, %b: f32, %out: f32):
    %eps = arith.constant 0.0 : f32
    %0 = arith.subf %in, %m : f32
    %1 = arith.addf %v, %eps : f32
    %2 = math.sqrt %1 : f32
    %3 = arith.divf %0, %2 : f32
    %4 = arith.mulf %3, %g : f32
    %5 = arith.addf %4, %b : f32
    linalg.yield %5 : f32
  } -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The same with rsqrt and the multiplication first; and a scalar scaling
// (no per-channel constant: the channel is the last dimension).
// CHECK-LABEL: func.func @rsqrt_and_scalar
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[H:.*]] = arith.constant dense<-5.000000e-01> : tensor<3xf32>
// CHECK-DAG: %[[O:.*]] = arith.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK: %[[A:.*]] = dpu.affine %arg0, %[[S]], %[[T]] {dim = 1 : i64}
// CHECK: dpu.affine %[[A]], %[[H]], %[[O]] {dim = 3 : i64}
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @rsqrt_and_scalar(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %var = arith.constant dense<[4.0, 16.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %a = linalg.generic {indexing_maps = [#ch, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%var, %x : tensor<2xf32>, tensor<1x2x3x3xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%v: f32, %in: f32, %out: f32):
    %r = math.rsqrt %v : f32
    %y = arith.mulf %r, %in : f32
    linalg.yield %y : f32
  } -> tensor<1x2x3x3xf32>
  %half = arith.constant -0.5 : f32
  %one = arith.constant 1.0 : f32
  %b = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x2x3x3xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %half : f32
    %s = arith.addf %one, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x2x3x3xf32>
  return %b : tensor<1x2x3x3xf32>
}
