// RUN: imc-opt %s --convert-imc-to-dpu | FileCheck %s

// CHECK-LABEL: func.func @lower
// CHECK: %[[W:.*]] = arith.constant dense<3.000000e+00> : tensor<4x3xf32>
// CHECK: %[[Y:.*]] = dpu.matmul %arg0, %[[W]] : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
// Crossbar-mapped ops are left for convert-imc-to-xbar.
// CHECK: imc.mvm %[[Y]], %{{.*}} {engine = #imc.engine<xbar>}
func.func @lower(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<3.0> : tensor<4x3xf32>
  %v = arith.constant dense<1.0> : tensor<3x2xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<dpu>} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  %z = imc.mvm %y, %v {engine = #imc.engine<xbar>} : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %z : tensor<2x2xf32>
}
