// Input of splat.mlir: a tensor of 2^32 + 1 elements.
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, energy_pj = {dac_per_row = 0.0, cell_read = 0.0, adc_per_conversion = 1.0, shift_add = 0.0, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 1.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
  func.func @main() -> tensor<4294967297xf32> {
    %big = arith.constant dense<0.0> : tensor<4294967297xf32>
    %small = arith.constant dense<0.5> : tensor<2x3xf32>
    %r = dpu.relu %big : tensor<4294967297xf32>
    return %r : tensor<4294967297xf32>
  }
}
