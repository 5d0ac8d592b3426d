// RUN: imc-opt %s | imc-opt | FileCheck %s
// RUN: imc-opt %s --mlir-print-op-generic | imc-opt | FileCheck %s

// CHECK-LABEL: func.func @mvm
func.func @mvm(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // CHECK: imc.mvm %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %y = imc.mvm %x, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @mvm_engines
func.func @mvm_engines(%x: tensor<1x3xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %w = arith.constant dense<2.0> : tensor<3x4xf32>
  // CHECK: imc.mvm {{.*}} {engine = #imc.engine<xbar>}
  %a = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x3xf32>, tensor<3x4xf32> -> tensor<1x4xf32>
  // CHECK: imc.mvm {{.*}} {engine = #imc.engine<dpu>}
  %b = imc.mvm %x, %w {engine = #imc.engine<dpu>} : tensor<1x3xf32>, tensor<3x4xf32> -> tensor<1x4xf32>
  return %a, %b : tensor<1x4xf32>, tensor<1x4xf32>
}

// CHECK-LABEL: func.func @accumulate
func.func @accumulate(%a: tensor<1x4xf32>, %b: tensor<1x4xf32>, %c: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // CHECK: imc.accumulate %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4xf32>
  %s = imc.accumulate %a, %b, %c : tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @conv2d
func.func @conv2d(%x: tensor<1x4x8x8xf32>) -> (tensor<1x6x4x4xf32>, tensor<1x4x8x8xf32>) {
  %w = arith.constant dense<1.0> : tensor<6x4x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<6xf32>
  %dw = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
  // CHECK: imc.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32> -> tensor<1x6x4x4xf32>
  %y = imc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32> -> tensor<1x6x4x4xf32>
  // Depthwise, no bias.
  // CHECK: imc.conv2d %{{.*}}, %{{.*}} {{{.*}}groups = 4 : i64{{.*}}} : tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x4x8x8xf32>
  %z = imc.conv2d %x, %dw {strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 4 : i64} : tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x4x8x8xf32>
  return %y, %z : tensor<1x6x4x4xf32>, tensor<1x4x8x8xf32>
}
