// RUN: imc-opt %s --imc-pipeline="target=%S/../Inputs/small.json" --split-input-file | FileCheck %s

// A 3x3 conv with 2 input channels (K = 18 > 8 rows) and 5 filters (N = 5 >
// 4 weight columns) on small.json: row blocks 8, 8, 2 and column blocks 4, 1
// -> 6 tiles, two accumulations of three partial sums.
// CHECK-LABEL: func.func @k_and_n_exceed
// CHECK: dpu.im2col %arg0 {{.*}} : tensor<1x2x5x5xf32> -> tensor<9x18xf32>
// CHECK-COUNT-3: xbar.program {{.*}} -> !xbar.tile<{{[0-9]+}}x4, slices = 2>
// CHECK: xbar.accumulate %{{.*}}, %{{.*}}, %{{.*}} : tensor<9x4xf32>
// CHECK-COUNT-3: xbar.program {{.*}} -> !xbar.tile<{{[0-9]+}}x1, slices = 2>
// CHECK: xbar.accumulate %{{.*}}, %{{.*}}, %{{.*}} : tensor<9x1xf32>
// CHECK: dpu.reshape {{.*}} : tensor<9x5xf32> -> tensor<1x3x3x5xf32>
// CHECK: dpu.transpose {{.*}} {permutation = array<i64: 0, 3, 1, 2>} : tensor<1x3x3x5xf32> -> tensor<1x5x3x3xf32>
// CHECK-NOT: xbar.program
func.func @k_and_n_exceed(%x: tensor<1x2x5x5xf32>) -> tensor<1x5x3x3xf32> {
  %w = arith.constant dense<0.25> : tensor<5x2x3x3xf32>
  %o = arith.constant dense<0.0> : tensor<1x5x3x3xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x5x5xf32>, tensor<5x2x3x3xf32>) outs(%o : tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
  return %y : tensor<1x5x3x3xf32>
}

// -----

// Depthwise 1x1 with 8 channels: a block-diagonal 8x8 matrix; column blocks
// of 4 filters touch only their own 4 rows, so the 8-row tile splits into
// two 8x4 tiles whose off-diagonal halves are zero but share row blocks -
// 2 tiles, no accumulation.
// CHECK-LABEL: func.func @depthwise_groups
// CHECK-COUNT-2: xbar.program {{.*}} -> !xbar.tile<8x4, slices = 2>
// CHECK-NOT: xbar.accumulate
// CHECK-NOT: xbar.program
func.func @depthwise_groups(%x: tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32> {
  %w = arith.constant dense<2.0> : tensor<8x1x1xf32>
  %o = arith.constant dense<0.0> : tensor<1x8x2x2xf32>
  %y = linalg.depthwise_conv_2d_nchw_chw ins(%x, %w : tensor<1x8x2x2xf32>, tensor<8x1x1xf32>) outs(%o : tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  return %y : tensor<1x8x2x2xf32>
}
