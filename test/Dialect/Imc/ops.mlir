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
