// A module whose imc.target name is not UTF-8 (MLIR's \FF escape): an
// attribute may hold any bytes, JSON may not.
module attributes {imc.target = {name = "bad\FFname", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, energy_pj = {dac_per_row = 0.0, cell_read = 0.0, adc_per_conversion = 1.0, shift_add = 0.0, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 1.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
  func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
    %r = dpu.relu %x : tensor<2xf32>
    return %r : tensor<2xf32>
  }
}
