// RUN: imc-opt %s --canonicalize | FileCheck %s

// x * 4 then x / 4 (uniform) composes to the identity and disappears.
// CHECK-LABEL: func.func @compose_to_identity
// CHECK-NEXT: return %arg0
func.func @compose_to_identity(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %four = arith.constant dense<4.0> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %quarter = arith.constant dense<0.25> : tensor<2xf32>
  %a = dpu.affine %x, %four, %zero {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  %b = dpu.affine %a, %quarter, %zero {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %b : tensor<1x2x2x2xf32>
}

// Uniform scale/shift pairs compose: (x * 2 + 1) * 3 + 1 = x * 6 + 4.
// CHECK-LABEL: func.func @compose
// CHECK-DAG: %[[S:.*]] = arith.constant dense<6.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<4.000000e+00> : tensor<2xf32>
// CHECK: %[[Y:.*]] = dpu.affine %arg0, %[[S]], %[[T]] {dim = 1 : i64}
// CHECK-NEXT: return %[[Y]]
func.func @compose(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %two = arith.constant dense<2.0> : tensor<2xf32>
  %three = arith.constant dense<3.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %a = dpu.affine %x, %two, %one {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  %b = dpu.affine %a, %three, %one {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %b : tensor<1x2x2x2xf32>
}

// Per-channel (non-uniform) affines are not composed.
// CHECK-LABEL: func.func @per_channel_kept
// CHECK-COUNT-2: dpu.affine
func.func @per_channel_kept(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %a = dpu.affine %x, %s, %zero {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  %b = dpu.affine %a, %s, %zero {dim = 1 : i64} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %b : tensor<1x2x2x2xf32>
}
