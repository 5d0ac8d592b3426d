// RUN: imc-opt %s -split-input-file -verify-diagnostics
// RUN: imc-opt %s -split-input-file -verify-diagnostics 2>/dev/null | imc-opt -split-input-file | FileCheck %s

// A valid target round-trips through the module attribute: printed, parsed
// and printed again, every field keeps its value.
// CHECK: module attributes {imc.target = {crossbar = {adc_bits = 8 : i64, adcs_per_array = 1 : i64, cell_bits = 2 : i64, cols = 64 : i64, dac_bits = 1 : i64, num_tiles = 4 : i64, parallel_rows = 16 : i64, rows = 64 : i64}, dpu = {clock_mhz = 5.000000e+02 : f64, lanes = 8 : i64}, energy_pj = {adc_per_conversion = 1.000000e+00 : f64, cell_read = 0.000000e+00 : f64, cell_write = 1.000000e+00 : f64, dac_per_row = 0.000000e+00 : f64, dpu_add = 1.000000e+00 : f64, dpu_mul = 1.000000e+00 : f64, shift_add = 0.000000e+00 : f64}, latency_ns = {adc_conversion = 1.000000e+00 : f64, array_read = 1.000000e+01 : f64, row_write = 1.000000e+01 : f64}, name = "t", precision = {activation_bits = 8 : i64, weight_bits = 8 : i64}}} {
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, energy_pj = {dac_per_row = 0.0, cell_read = 0.0, adc_per_conversion = 1.0, shift_add = 0.0, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 1.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
}

// -----

// expected-error @+1 {{imc.target: field 'crossbar.rows' must be an integer in [1, 4096], got 0}}
module attributes {imc.target = {name = "t", crossbar = {rows = 0, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, energy_pj = {dac_per_row = 0.0, cell_read = 0.0, adc_per_conversion = 1.0, shift_add = 0.0, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 1.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
}

// -----

// expected-error @+1 {{imc.target: missing field 'precision'}}
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}}} {
}

// -----

// expected-error @+1 {{imc.target: expected a dictionary}}
module attributes {imc.target = "default.json"} {
}

// -----

// expected-error @+1 {{'imc.target' must be attached to a builtin.module}}
func.func @f() attributes {imc.target = {}} {
  return
}

// -----

// expected-error @+1 {{unknown imc attribute 'imc.bogus'}}
module attributes {imc.bogus = 1} {
}

// -----

// With a technology section, energy_pj and latency_ns may be left out (the
// cost model derives them); a technology target round-trips too.
// CHECK: // -----
// CHECK: module attributes {imc.target = {crossbar = {adc_bits = 8 : i64, adcs_per_array = 1 : i64, cell_bits = 2 : i64, cols = 64 : i64, dac_bits = 1 : i64, num_tiles = 4 : i64, parallel_rows = 16 : i64, rows = 64 : i64}, dpu = {clock_mhz = 5.000000e+02 : f64, lanes = 8 : i64, precision = "int8"}, name = "t", precision = {activation_bits = 8 : i64, weight_bits = 8 : i64}, technology = {adc_sar_clock_ghz = 9.000000e+00 : f64, buffer_kib = 2.560000e+02 : f64, cell = "rram", cell_area_f2 = 1.600000e+01 : f64, endurance = 1.000000e+06 : f64, g_off_us = 1.000000e-01 : f64, g_on_us = 1.000000e+01 : f64, node_nm = 2.200000e+01 : f64, read_pulse_ns = 1.000000e+01 : f64, read_voltage = 5.000000e-01 : f64, vdd = 8.000000e-01 : f64, write_energy_pj = 1.000000e+00 : f64, write_latency_ns = 1.000000e+02 : f64}}} {
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0, precision = "int8"}, technology = {node_nm = 22.0, vdd = 0.8, cell = "rram", cell_area_f2 = 16.0, g_on_us = 10.0, g_off_us = 0.1, read_voltage = 0.5, read_pulse_ns = 10.0, write_energy_pj = 1.0, write_latency_ns = 100.0, endurance = 1.0e+06, adc_sar_clock_ghz = 9.0, buffer_kib = 256.0}}} {
}

// -----

// expected-error @+1 {{imc.target: field 'technology.cell' must be one of sram, rram, pcm, got 'mram'}}
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, technology = {node_nm = 22.0, vdd = 0.8, cell = "mram", cell_area_f2 = 16.0, g_on_us = 10.0, g_off_us = 0.1, read_voltage = 0.5, read_pulse_ns = 10.0, write_energy_pj = 1.0, write_latency_ns = 100.0, endurance = 1.0e+06, adc_sar_clock_ghz = 9.0, buffer_kib = 256.0}}} {
}

// -----

// Without one, a missing energy section is an error.
// expected-error @+1 {{imc.target: missing field 'energy_pj'}}
module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
}
