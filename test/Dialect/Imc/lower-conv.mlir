// RUN: imc-opt %s --imc-lower-conv --split-input-file | FileCheck %s

// A 2-filter 1x1 conv with bias, stride 2 on 1x2x4x4: im2col gives
// (1*2*2) x (2*1*1) rows; the weight matrix is (C KH KW) x F = W^T.
// CHECK-LABEL: func.func @pointwise
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[C:.*]] = dpu.im2col %arg0 {dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<4x2xf32>
// CHECK: %[[M:.*]] = imc.mvm %[[C]], %[[W]] : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
// CHECK: %[[B:.*]] = dpu.bias_add %[[M]], %{{.*}} : tensor<4x2xf32>, tensor<2xf32>
// CHECK: %[[R:.*]] = dpu.reshape %[[B]] : tensor<4x2xf32> -> tensor<1x2x2x2xf32>
// CHECK: %[[T:.*]] = dpu.transpose %[[R]] {permutation = array<i64: 0, 3, 1, 2>} : tensor<1x2x2x2xf32> -> tensor<1x2x2x2xf32>
// CHECK: return %[[T]]
func.func @pointwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %y = imc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Depthwise (groups = C = 2) 1x1: a block-diagonal 2x2 weight matrix.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}5.000000e+00, 0.000000e+00], [0.000000e+00, 7.000000e+00]]> : tensor<2x2xf32>
// CHECK: imc.mvm %{{.*}}, %[[W]]
// CHECK-NOT: dpu.bias_add
func.func @depthwise(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<[[[[5.0]]], [[[7.0]]]]> : tensor<2x1x1x1xf32>
  %y = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 2 : i64} : tensor<1x2x3x3xf32>, tensor<2x1x1x1xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
