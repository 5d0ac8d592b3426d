// RUN: imc-translate --imc-to-sim %s -o %t.imcb
// RUN: head -c 4 %t.imcb | FileCheck %s --check-prefix=MAGIC
// RUN: imc-sim %t.imcb --dump | FileCheck %s

// MAGIC: IMCB

// The listing shows what was encoded: arguments, constants, instructions
// with their attributes and layer names (from the op locations), results.
// CHECK: imc program v1.1: entry 'main', 11 values, 3 constants, 7 instructions
// CHECK-NEXT: arg %0:tensor[2, 8]
// CHECK-NEXT: const %1:tensor[8, 4]
// CHECK-NEXT: const %2:tensor[8, 4]
// CHECK-NEXT: const %3:tensor[4]
// CHECK-NEXT: %4:tile[8, 4] = xbar.program %1 [tile=0, weight_bits=4, cell_bits=2]  @ fc1
// CHECK-NEXT: %5:tensor[2, 4] = xbar.mvm %4, %0 [input_bits=4, dac_bits=1, adc_bits=6, parallel_rows=4]  @ fc1
// CHECK-NEXT: %6:tile[8, 4] = xbar.program %2 [tile=1, weight_bits=4, cell_bits=2]  @ fc1
// CHECK-NEXT: %7:tensor[2, 4] = xbar.mvm %6, %0 [input_bits=4, dac_bits=1, adc_bits=6, parallel_rows=4]  @ fc1
// CHECK-NEXT: %8:tensor[2, 4] = xbar.accumulate %5, %7  @ fc1
// CHECK-NEXT: %9:tensor[2, 4] = dpu.bias_add %8, %3  @ bias
// CHECK-NEXT: %10:tensor[2, 4] = dpu.relu %9  @ relu
// CHECK-NEXT: result %10

module attributes {imc.target = {name = "small-test", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  func.func @main(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
    %w0 = arith.constant dense<0.5> : tensor<8x4xf32>
    %w1 = arith.constant dense<-0.5> : tensor<8x4xf32>
    %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %t0 = xbar.program %w0 {tile = 0 : i64, weight_bits = 4 : i64, cell_bits = 2 : i64} : tensor<8x4xf32> -> !xbar.tile<8x4, slices = 2> loc("fc1")
    %p0 = xbar.mvm %t0, %x {input_bits = 4 : i64, dac_bits = 1 : i64, cycles = 3 : i64, adc_bits = 6 : i64, parallel_rows = 4 : i64} : !xbar.tile<8x4, slices = 2>, tensor<2x8xf32> -> tensor<2x4xf32> loc("fc1")
    %t1 = xbar.program %w1 {tile = 1 : i64, weight_bits = 4 : i64, cell_bits = 2 : i64} : tensor<8x4xf32> -> !xbar.tile<8x4, slices = 2> loc("fc1")
    %p1 = xbar.mvm %t1, %x {input_bits = 4 : i64, dac_bits = 1 : i64, cycles = 3 : i64, adc_bits = 6 : i64, parallel_rows = 4 : i64} : !xbar.tile<8x4, slices = 2>, tensor<2x8xf32> -> tensor<2x4xf32> loc("fc1")
    %s = xbar.accumulate %p0, %p1 : tensor<2x4xf32> loc("fc1")
    %y = dpu.bias_add %s, %b : tensor<2x4xf32>, tensor<4xf32> loc("bias")
    %r = dpu.relu %y : tensor<2x4xf32> loc("relu")
    return %r : tensor<2x4xf32>
  }
}
