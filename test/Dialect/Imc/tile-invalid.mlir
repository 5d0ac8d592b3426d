// RUN: imc-opt %s --imc-tile -split-input-file -verify-diagnostics
// RUN: not imc-opt %s --imc-tile="target=%S/does-not-exist.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not imc-opt %s --imc-tile="target=%S/../../Inputs/bad-rows.json" 2>&1 | FileCheck %s --check-prefix=BADFIELD

// MISSING: error: no target file {{.*}}does-not-exist.json{{.*}} (and no bundled target of that name; bundled: default, pcm-22nm, rram-22nm, sram-22nm)
// BADFIELD: error: {{.*}}bad-rows.json: field 'crossbar.rows' must be an integer in [1, 4096], got 0

// expected-error @+1 {{no hardware target: pass target=<file.json> to this pass or run it after one that records 'imc.target' on the module}}
module {
  func.func @f(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
    %w = arith.constant dense<1.0> : tensor<8x4xf32>
    %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}

// -----

module attributes {imc.target = {name = "t", crossbar = {rows = 8, cols = 16, cell_bits = 2, dac_bits = 1, adc_bits = 6, adcs_per_array = 2, parallel_rows = 4, num_tiles = 8}, precision = {weight_bits = 4, activation_bits = 4}, dpu = {lanes = 4, clock_mhz = 100}, energy_pj = {dac_per_row = 0.5, cell_read = 0.25, adc_per_conversion = 2.0, shift_add = 0.125, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 4.0}, latency_ns = {array_read = 10, adc_conversion = 3, row_write = 20}}} {
  func.func @unmapped(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
    %w = arith.constant dense<1.0> : tensor<8x4xf32>
    // expected-error @+1 {{imc-tile: op has no engine; run imc-map first}}
    %y = imc.mvm %x, %w : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
