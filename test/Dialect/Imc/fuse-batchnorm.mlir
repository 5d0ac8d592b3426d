// RUN: imc-opt %s --imc-fuse-batchnorm --split-input-file | FileCheck %s

// Conv with bias: W[f] *= s[f]; b[f] = b[f] s[f] + t[f].
// w = 1 (f0), 2 (f1); s = [2, 3]; b = [1, 1]; t = [0.5, -1]
// -> w = 2, 6; b = [2.5, 2].
// CHECK-LABEL: func.func @conv_with_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[2.500000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = imc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: dpu.affine
// CHECK: return %[[Y]]
func.func @conv_with_bias(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %s = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %t = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %c = imc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32> -> tensor<1x2x2x2xf32>
  %y = dpu.affine %c, %s, %t {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Conv without bias: the shift becomes the bias.
// CHECK-LABEL: func.func @conv_no_bias
// CHECK: %[[B:.*]] = arith.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK: imc.conv2d %arg0, %{{.*}}, %[[B]]
func.func @conv_no_bias(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %t = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %c = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32> -> tensor<1x2x2x2xf32>
  %y = dpu.affine %c, %s, %t {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Matmul + bias + affine on the output dimension: columns of W scaled.
// W = [[1, 1]]; s = [2, 4]; b = [1, 1]; t = [0, 1] -> W = [[2, 4]], b = [2, 5].
// CHECK-LABEL: func.func @mvm_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[2.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK: %[[M:.*]] = imc.mvm %arg0, %[[W]] {engine = #imc.engine<xbar>}
// CHECK: %[[Y:.*]] = dpu.bias_add %[[M]], %[[B]]
// CHECK: return %[[Y]]
func.func @mvm_bias(%x: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x2xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %s = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %t = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<3x1xf32>, tensor<1x2xf32> -> tensor<3x2xf32>
  %a = dpu.bias_add %m, %b : tensor<3x2xf32>, tensor<2xf32>
  %y = dpu.affine %a, %s, %t {dim = 1 : i64} : tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Nothing to fold into: the affine stays on the DPU. A conv used twice is
// not rewritten either (the other user needs the unscaled result), nor an
// affine along a spatial dimension.
// CHECK-LABEL: func.func @no_fold
// CHECK: dpu.affine %arg0
// CHECK: %[[C:.*]] = imc.conv2d
// CHECK: dpu.affine %[[C]], {{.*}} {dim = 1 : i64}
// CHECK: dpu.affine %[[C]], {{.*}} {dim = 3 : i64}
func.func @no_fold(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<2.0> : tensor<1xf32>
  %s2 = arith.constant dense<2.0> : tensor<2xf32>
  %a = dpu.affine %x, %s, %s {dim = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>
  %c = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x2x2xf32>
  %y = dpu.affine %c, %s, %s {dim = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>
  %z = dpu.affine %c, %s2, %s2 {dim = 3 : i64} : tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %a, %y, %z : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}
