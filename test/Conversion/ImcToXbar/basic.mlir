// RUN: imc-opt %s --convert-imc-to-xbar="target=%S/../../Inputs/small.json" | FileCheck %s

// Precisions come from the target: 4-bit weights on 2-bit cells (3
// magnitude bits -> 2 slices), 4-bit inputs through a 1-bit DAC (3 cycles), a
// 6-bit ADC summing 4 rows per conversion.
// CHECK-LABEL: func.func @lower
// CHECK: %[[W0:.*]] = arith.constant dense<1.000000e+00> : tensor<8x4xf32>
// CHECK: %[[T0:.*]] = xbar.program %[[W0]] {cell_bits = 2 : i64, tile = 0 : i64, weight_bits = 4 : i64} : tensor<8x4xf32> -> !xbar.tile<8x4, slices = 2>
// CHECK: %[[P0:.*]] = xbar.mvm %[[T0]], %arg0 {adc_bits = 6 : i64, cycles = 3 : i64, dac_bits = 1 : i64, input_bits = 4 : i64, parallel_rows = 4 : i64} : !xbar.tile<8x4, slices = 2>, tensor<2x8xf32> -> tensor<2x4xf32>
// CHECK: %[[T1:.*]] = xbar.program %{{.*}} {cell_bits = 2 : i64, tile = 1 : i64, weight_bits = 4 : i64} : tensor<8x4xf32> -> !xbar.tile<8x4, slices = 2>
// CHECK: %[[P1:.*]] = xbar.mvm %[[T1]], %arg1
// CHECK: %[[S:.*]] = xbar.accumulate %[[P0]], %[[P1]] : tensor<2x4xf32>
// DPU-mapped ops are not this pass's business.
// CHECK: imc.mvm %[[S]], %{{.*}} {engine = #imc.engine<dpu>}
// CHECK-NOT: imc.accumulate
func.func @lower(%x0: tensor<2x8xf32>, %x1: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %w0 = arith.constant dense<1.0> : tensor<8x4xf32>
  %w1 = arith.constant dense<2.0> : tensor<8x4xf32>
  %w2 = arith.constant dense<3.0> : tensor<4x3xf32>
  %p0 = imc.mvm %x0, %w0 {engine = #imc.engine<xbar>} : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
  %p1 = imc.mvm %x1, %w1 {engine = #imc.engine<xbar>} : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
  %s = imc.accumulate %p0, %p1 : tensor<2x4xf32>
  %y = imc.mvm %s, %w2 {engine = #imc.engine<dpu>} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
