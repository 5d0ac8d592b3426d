// RUN: imc-opt %s --convert-linalg-to-imc | FileCheck %s

// tensor.concat along channels (a DenseNet / Inception join): an empty
// tensor and one insert_slice per operand at the running offset.
// CHECK-LABEL: func.func @join
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x5x4x4xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[B:.*]] = tensor.insert_slice %arg1 into %[[A]][0, 2, 0, 0] [1, 3, 4, 4] [1, 1, 1, 1]
// CHECK: return %[[B]]
func.func @join(%a: tensor<1x2x4x4xf32>, %b: tensor<1x3x4x4xf32>) -> tensor<1x5x4x4xf32> {
  %c = tensor.concat dim(1) %a, %b : (tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x5x4x4xf32>
  return %c : tensor<1x5x4x4xf32>
}
