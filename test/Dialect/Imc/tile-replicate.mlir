// RUN: imc-opt %s --imc-tile="target=%S/../../Inputs/small.json replicate=2" --split-input-file | FileCheck %s --check-prefix=TWO
// RUN: imc-opt %s --imc-tile="target=%S/../../Inputs/small.json replicate=auto" --split-input-file | FileCheck %s --check-prefix=AUTO
// RUN: not imc-opt %s --imc-tile="target=%S/../../Inputs/small.json replicate=0" --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not imc-opt %s --imc-tile="target=%S/../../Inputs/small.json replicate=many" --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// small.json: 8 x 4-weight tiles, 4 parallel rows (2 row groups per full
// tile), 8 arrays.

// replicate=2 splits each op's 12 input rows into 2 chunks of 6 and the 2
// rows of the second op into 2 chunks of 1; each chunk gets its own copy of
// the weights (one tile each), results inserted into one tensor.
// TWO-LABEL: func.func @two_ops
// TWO: %[[E:.*]] = tensor.empty() : tensor<12x4xf32>
// TWO: %[[X0:.*]] = tensor.extract_slice %arg0[0, 0] [6, 8] [1, 1] : tensor<12x8xf32> to tensor<6x8xf32>
// TWO: %[[P0:.*]] = imc.mvm %[[X0]], %[[W:.*]] {engine = #imc.engine<xbar>} : tensor<6x8xf32>, tensor<8x4xf32> -> tensor<6x4xf32>
// TWO: %[[I0:.*]] = tensor.insert_slice %[[P0]] into %[[E]][0, 0] [6, 4] [1, 1]
// TWO: %[[X1:.*]] = tensor.extract_slice %arg0[6, 0] [6, 8] [1, 1]
// TWO: %[[P1:.*]] = imc.mvm %[[X1]], %[[W]] {engine = #imc.engine<xbar>} : tensor<6x8xf32>, tensor<8x4xf32> -> tensor<6x4xf32>
// TWO: %[[I1:.*]] = tensor.insert_slice %[[P1]] into %[[I0]][6, 0] [6, 4] [1, 1]
// TWO-COUNT-2: imc.mvm {{.*}} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
// TWO-NOT: imc.mvm

// replicate=auto: 8 arrays, 2 tiles, 6 spare. Work per replica = ceil(rows /
// replicas) x 2 row groups: the first op (24) grows to 2, 3, 4, then 6
// replicas (chunks 6, 4, 3, 2: work 12, 8, 6, 4), using 5 arrays; at work 4
// both tie and the first would need 12 replicas (6 more arrays), so the
// second op takes the last array: 2 replicas of 1 row.
// AUTO-LABEL: func.func @two_ops
// AUTO-COUNT-6: imc.mvm {{.*}} : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
// AUTO-COUNT-2: imc.mvm {{.*}} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
// AUTO-NOT: imc.mvm

// BAD: imc-tile: replicate must be a count >= 1 or 'auto', got
func.func @two_ops(%x: tensor<12x8xf32>, %z: tensor<2x8xf32>) -> (tensor<12x4xf32>, tensor<2x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<8x4xf32>
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<12x8xf32>, tensor<8x4xf32> -> tensor<12x4xf32>
  %v = arith.constant dense<2.0> : tensor<8x4xf32>
  %u = imc.mvm %z, %v {engine = #imc.engine<xbar>} : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
  return %y, %u : tensor<12x4xf32>, tensor<2x4xf32>
}
