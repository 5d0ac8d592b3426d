// RUN: imc-opt %s --convert-linalg-to-imc --split-input-file | FileCheck %s

// torch-mlir's nn.Linear: the [out, in] weight is transposed by
// linalg.transpose; the constant is transposed at compile time.
// CHECK-LABEL: func.func @linear_torch_style
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: %[[Y:.*]] = imc.mvm %arg0, %[[W]] : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
// CHECK-NOT: linalg.
// CHECK: return %[[Y]]
func.func @linear_torch_style(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %e0 = tensor.empty() : tensor<3x2xf32>
  %wt = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e0 : tensor<3x2xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// matmul_transpose_b reads its constant as [N, K]: it is transposed once.
// CHECK-LABEL: func.func @transpose_b
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: imc.mvm %arg0, %[[W]] : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
func.func @transpose_b(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %zero = arith.constant dense<0.0> : tensor<4x2xf32>
  %y = linalg.matmul_transpose_b ins(%x, %w : tensor<4x3xf32>, tensor<2x3xf32>) outs(%zero : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// matmul_transpose_b of a transposed constant: the two transposes cancel.
// CHECK-LABEL: func.func @transpose_b_of_transpose
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: imc.mvm %arg0, %[[W]] : tensor<1x2xf32>, tensor<2x3xf32> -> tensor<1x3xf32>
func.func @transpose_b_of_transpose(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %wt = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %zero = arith.constant dense<0.0> : tensor<1x3xf32>
  %y = linalg.matmul_transpose_b ins(%x, %wt : tensor<1x2xf32>, tensor<3x2xf32>) outs(%zero : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A non-zero accumulator is added on the DPU.
// CHECK-LABEL: func.func @accumulate_into
// CHECK: %[[P:.*]] = imc.mvm %arg0, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
// CHECK: %[[S:.*]] = dpu.add %[[P]], %arg1 : tensor<2x4xf32>
// CHECK: return %[[S]]
func.func @accumulate_into(%x: tensor<2x3xf32>, %acc: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.25> : tensor<3x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%acc : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Computed weights cannot be stationary: the product goes to the DPU.
// CHECK-LABEL: func.func @activation_product
// CHECK: %[[P:.*]] = dpu.matmul %arg0, %arg1 : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
// CHECK-NOT: imc.mvm
// CHECK: return %[[P]]
func.func @activation_product(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
