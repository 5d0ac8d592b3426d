// RUN: imc-translate --imc-to-sim %s -split-input-file -verify-diagnostics -o /dev/null
// A failing translation leaves no output file behind.
// RUN: rm -f %t.imcb
// RUN: not imc-translate --imc-to-sim %s -split-input-file -o %t.imcb 2>/dev/null
// RUN: not test -e %t.imcb

// expected-error @+1 {{imc-to-sim: the module has no 'imc.target'; compile it with imc-opt --imc-pipeline="target=FILE.json" first}}
module {
  func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    return %x : tensor<2x2xf32>
  }
}

// -----

module attributes {imc.target = {name = "small-test", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  func.func @main(%x: tensor<2x3xf32>, %o: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %w = arith.constant dense<1.0> : tensor<3x4xf32>
    // expected-error @+1 {{imc-to-sim: 'linalg.matmul' has no simulator form; lower the module with imc-opt --imc-pipeline first}}
    %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}

// -----

// expected-error @+1 {{imc-to-sim: no entry function: expected @main or exactly one public function with a body}}
module attributes {imc.target = {name = "small-test", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  func.func @a(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    return %x : tensor<2x2xf32>
  }
  func.func @b(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    return %x : tensor<2x2xf32>
  }
}

// -----

module attributes {imc.target = {name = "small-test", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  // expected-error @+1 {{imc-to-sim: value of type 'tensor<?x2xf32>' is not supported (only static f32 tensors and tiles)}}
  func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
    return %x : tensor<?x2xf32>
  }
}

// -----

// A tile larger than the target's (8 rows x 4 weight columns) is refused
// before anything is written, by the same validator imc-sim uses.
// expected-error @+1 {{imc-to-sim: the program would be invalid: CODE: instruction 0 (xbar.program): weight block 16x4 exceeds the target's tile of 8x4 weights}}
module attributes {imc.target = {name = "small-test", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  func.func @main(%x: tensor<1x16xf32>) -> tensor<1x4xf32> {
    %w = arith.constant dense<0.5> : tensor<16x4xf32>
    %t = xbar.program %w {tile = 0 : i64, weight_bits = 4 : i64, cell_bits = 2 : i64} : tensor<16x4xf32> -> !xbar.tile<16x4, slices = 2>
    %y = xbar.mvm %t, %x {input_bits = 4 : i64, dac_bits = 1 : i64, cycles = 3 : i64, adc_bits = 6 : i64, parallel_rows = 4 : i64} : !xbar.tile<16x4, slices = 2>, tensor<1x16xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
