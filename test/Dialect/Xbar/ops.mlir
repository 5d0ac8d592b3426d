// RUN: imc-opt %s | imc-opt | FileCheck %s
// RUN: imc-opt %s --mlir-print-op-generic | imc-opt | FileCheck %s

// CHECK-LABEL: func.func @tile_mvm
func.func @tile_mvm(%x: tensor<2x64xf32>) -> tensor<2x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  // CHECK: %[[T:.*]] = xbar.program %{{.*}} {cell_bits = 2 : i64, tile = 3 : i64, weight_bits = 8 : i64} : tensor<64x16xf32> -> !xbar.tile<64x16, slices = 4>
  %t = xbar.program %w {tile = 3 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64} : tensor<64x16xf32> -> !xbar.tile<64x16, slices = 4>
  // CHECK: xbar.mvm %[[T]], %{{.*}} {adc_bits = 8 : i64, cycles = 7 : i64, dac_bits = 1 : i64, input_bits = 8 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<2x64xf32> -> tensor<2x16xf32>
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<2x64xf32> -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// CHECK-LABEL: func.func @accumulate
func.func @accumulate(%a: tensor<2x16xf32>, %b: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // CHECK: xbar.accumulate %{{.*}}, %{{.*}} : tensor<2x16xf32>
  %s = xbar.accumulate %a, %b : tensor<2x16xf32>
  return %s : tensor<2x16xf32>
}

// CHECK: func.func private @tile_type(!xbar.tile<128x1, slices = 1>)
func.func private @tile_type(!xbar.tile<128x1, slices = 1>)

// A weight mapping and unsigned inputs (docs/quantization.md): offset 8-bit
// weights on 2-bit cells are 4 slices; unsigned 8-bit inputs 8 cycles.
// CHECK-LABEL: func.func @mapped
func.func @mapped(%x: tensor<2x64xf32>) -> tensor<2x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  // CHECK: xbar.program %{{.*}} {cell_bits = 2 : i64, tile = 0 : i64, weight_bits = 8 : i64, weight_mapping = "offset"} : tensor<64x16xf32> -> !xbar.tile<64x16, slices = 4>
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64, weight_mapping = "offset"} : tensor<64x16xf32> -> !xbar.tile<64x16, slices = 4>
  // CHECK: xbar.mvm %{{.*}} {adc_bits = 8 : i64, cycles = 8 : i64, dac_bits = 1 : i64, input_bits = 8 : i64, parallel_rows = 32 : i64, unsigned_input}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 8 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64, unsigned_input} : !xbar.tile<64x16, slices = 4>, tensor<2x64xf32> -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}
