// RUN: imc-opt %s --imc-tile="target=%S/../../Inputs/small.json" --split-input-file | FileCheck %s

// small.json: 8 rows; 16 cols / (2 x ceil((4-1)/2) = 2 slices) = 4 weight
// columns per tile.

// 20 x 10 weights: row blocks 8, 8, 4 and column blocks 4, 4, 2.
// The target given with target= is recorded on the module.
// CHECK: module attributes {imc.target = {{.*}}name = "small-test"
// CHECK-LABEL: func.func @rows_and_cols
// CHECK-DAG: %[[X0:.*]] = tensor.extract_slice %arg0[0, 0] [3, 8] [1, 1] : tensor<3x20xf32> to tensor<3x8xf32>
// CHECK-DAG: %[[X1:.*]] = tensor.extract_slice %arg0[0, 8] [3, 8] [1, 1] : tensor<3x20xf32> to tensor<3x8xf32>
// CHECK-DAG: %[[X2:.*]] = tensor.extract_slice %arg0[0, 16] [3, 4] [1, 1] : tensor<3x20xf32> to tensor<3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x10xf32>
// CHECK: %[[P00:.*]] = imc.mvm %[[X0]], %{{.*}} {engine = #imc.engine<xbar>} : tensor<3x8xf32>, tensor<8x4xf32> -> tensor<3x4xf32>
// CHECK: %[[P10:.*]] = imc.mvm %[[X1]], %{{.*}} {engine = #imc.engine<xbar>} : tensor<3x8xf32>, tensor<8x4xf32> -> tensor<3x4xf32>
// CHECK: %[[P20:.*]] = imc.mvm %[[X2]], %{{.*}} {engine = #imc.engine<xbar>} : tensor<3x4xf32>, tensor<4x4xf32> -> tensor<3x4xf32>
// CHECK: %[[A0:.*]] = imc.accumulate %[[P00]], %[[P10]], %[[P20]] : tensor<3x4xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A0]] into %[[E]][0, 0] [3, 4] [1, 1]
// CHECK-COUNT-3: imc.mvm {{.*}} -> tensor<3x4xf32>
// CHECK: %[[A1:.*]] = imc.accumulate
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[A1]] into %[[I0]][0, 4] [3, 4] [1, 1]
// CHECK: imc.mvm %[[X0]], %{{.*}} : tensor<3x8xf32>, tensor<8x2xf32> -> tensor<3x2xf32>
// CHECK: imc.mvm %[[X1]], %{{.*}} : tensor<3x8xf32>, tensor<8x2xf32> -> tensor<3x2xf32>
// CHECK: imc.mvm %[[X2]], %{{.*}} : tensor<3x4xf32>, tensor<4x2xf32> -> tensor<3x2xf32>
// CHECK: %[[A2:.*]] = imc.accumulate {{.*}} : tensor<3x2xf32>
// CHECK: %[[I2:.*]] = tensor.insert_slice %[[A2]] into %[[I1]][0, 8] [3, 2] [1, 1]
// CHECK: return %[[I2]]
func.func @rows_and_cols(%x: tensor<3x20xf32>) -> tensor<3x10xf32> {
  %w = arith.constant dense<1.0> : tensor<20x10xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<3x20xf32>, tensor<20x10xf32> -> tensor<3x10xf32>
  return %y : tensor<3x10xf32>
}

// -----

// The weight blocks hold the right values: a 9 x 1 ramp splits 8 + 1.
// CHECK-LABEL: func.func @block_values
// CHECK-DAG: arith.constant dense<{{\[\[}}0.000000e+00], [1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00], [5.000000e+00], [6.000000e+00], [7.000000e+00]]> : tensor<8x1xf32>
// CHECK-DAG: arith.constant dense<8.000000e+00> : tensor<1x1xf32>
func.func @block_values(%x: tensor<1x9xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0]]> : tensor<9x1xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x9xf32>, tensor<9x1xf32> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// Only columns exceed: no input slices, no accumulation.
// (The accumulation would follow the MVMs, so it is ruled out after them.)
// CHECK-LABEL: func.func @cols_only
// CHECK-NOT: tensor.extract_slice
// CHECK-COUNT-2: imc.mvm %arg0
// CHECK-NOT: {{tensor.extract_slice|imc.accumulate}}
// CHECK: return
func.func @cols_only(%x: tensor<1x8xf32>) -> tensor<1x5xf32> {
  %w = arith.constant dense<1.0> : tensor<8x5xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x5xf32> -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// -----

// Ops that fit, and DPU-mapped ops, are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: imc.mvm %arg0, %{{.*}} {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x4xf32>
// CHECK: imc.mvm %arg1, %{{.*}} {engine = #imc.engine<dpu>} : tensor<1x100xf32>, tensor<100x50xf32>
func.func @untouched(%x: tensor<1x8xf32>, %z: tensor<1x100xf32>) -> (tensor<1x4xf32>, tensor<1x50xf32>) {
  %w = arith.constant dense<1.0> : tensor<8x4xf32>
  %v = arith.constant dense<1.0> : tensor<100x50xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
  %u = imc.mvm %z, %v {engine = #imc.engine<dpu>} : tensor<1x100xf32>, tensor<100x50xf32> -> tensor<1x50xf32>
  return %y, %u : tensor<1x4xf32>, tensor<1x50xf32>
}

// -----

// A block-diagonal 16 x 8 matrix (two 8 x 4 blocks): the two all-zero blocks
// get no tile, so 2 tiles instead of 4 and no accumulation.
// CHECK-LABEL: func.func @block_diagonal
// CHECK: %[[X0:.*]] = tensor.extract_slice %arg0[0, 0] [1, 8]
// CHECK: %[[X1:.*]] = tensor.extract_slice %arg0[0, 8] [1, 8]
// CHECK: %[[P0:.*]] = imc.mvm %[[X0]], %{{.*}} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[P0]] into %{{.*}}[0, 0] [1, 4]
// CHECK: %[[P1:.*]] = imc.mvm %[[X1]], %{{.*}} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
// CHECK: tensor.insert_slice %[[P1]] into %[[I0]][0, 4] [1, 4]
// CHECK-NOT: imc.accumulate
func.func @block_diagonal(%x: tensor<1x16xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<16x8xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x16xf32>, tensor<16x8xf32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// A column block whose weights are all zero produces zeros without a tile:
// the result starts from a zero constant.
// CHECK-LABEL: func.func @zero_columns
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x8xf32>
// CHECK-COUNT-1: imc.mvm
// CHECK: tensor.insert_slice %{{.*}} into %[[Z]][0, 0] [1, 4]
// CHECK-NOT: imc.mvm
func.func @zero_columns(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x8xf32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// An all-zero matrix that fits one tile gets no tile either (imc-map counts
// it as 0 tiles): its product is a zero constant.
// CHECK-LABEL: func.func @all_zero
// CHECK-NOT: imc.mvm
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
// CHECK: return %[[Z]]
func.func @all_zero(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<0.0> : tensor<8x4xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
