// RUN: imc-opt %s | imc-opt | FileCheck %s
// RUN: imc-opt %s --mlir-print-op-generic | imc-opt | FileCheck %s

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: dpu.add %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %0 = dpu.add %a, %b : tensor<2x3xf32>
  // CHECK: dpu.sub
  %1 = dpu.sub %0, %b : tensor<2x3xf32>
  // CHECK: dpu.mul
  %2 = dpu.mul %1, %a : tensor<2x3xf32>
  // CHECK: dpu.max
  %3 = dpu.max %2, %a : tensor<2x3xf32>
  // CHECK: dpu.relu %{{.*}} : tensor<2x3xf32>
  %4 = dpu.relu %3 : tensor<2x3xf32>
  // CHECK: dpu.requantize %{{.*}} {bits = 4 : i64} : tensor<2x3xf32>
  %5 = dpu.requantize %4 {bits = 4 : i64} : tensor<2x3xf32>
  return %5 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @bias_matmul_reduce
func.func @bias_matmul_reduce(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>, %b: tensor<2xf32>) -> tensor<4x1xf32> {
  // CHECK: dpu.matmul %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
  %0 = dpu.matmul %x, %w : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
  // CHECK: dpu.bias_add %{{.*}}, %{{.*}} : tensor<4x2xf32>, tensor<2xf32>
  %1 = dpu.bias_add %0, %b : tensor<4x2xf32>, tensor<2xf32>
  // CHECK: dpu.reduce_sum %{{.*}} {dim = 1 : i64} : tensor<4x2xf32> -> tensor<4x1xf32>
  %2 = dpu.reduce_sum %1 {dim = 1 : i64} : tensor<4x2xf32> -> tensor<4x1xf32>
  return %2 : tensor<4x1xf32>
}

// CHECK-LABEL: func.func @cnn_ops
func.func @cnn_ops(%x: tensor<1x2x4x4xf32>, %s: tensor<2xf32>, %t: tensor<2xf32>) -> tensor<1x8xf32> {
  // CHECK: dpu.affine %arg0, %arg1, %arg2 {dim = 1 : i64} : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>
  %a = dpu.affine %x, %s, %t {dim = 1 : i64} : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>
  // CHECK: dpu.im2col %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<16x18xf32>
  %c = dpu.im2col %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<16x18xf32>
  // CHECK: dpu.pool %{{.*}} {kernel = array<i64: 2, 2>, kind = "max", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %p = dpu.pool %a {kind = "max", kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  // CHECK: dpu.transpose %{{.*}} {permutation = array<i64: 0, 2, 3, 1>} : tensor<1x2x2x2xf32> -> tensor<1x2x2x2xf32>
  %q = dpu.transpose %p {permutation = array<i64: 0, 2, 3, 1>} : tensor<1x2x2x2xf32> -> tensor<1x2x2x2xf32>
  // CHECK: dpu.reshape %{{.*}} : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %r = dpu.reshape %q : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @generic_row_sum
// CHECK: dpu.generic ins(%arg0 : tensor<4x8xf32>) init(%arg1 : tensor<4xf32>) attributes {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"]} {
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32):
// CHECK:   dpu.yield %{{.*}} : f32
// CHECK: } -> tensor<4xf32>
func.func @generic_row_sum(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %s = dpu.generic ins(%x : tensor<4x8xf32>) init(%init : tensor<4xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    dpu.yield %0 : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}
