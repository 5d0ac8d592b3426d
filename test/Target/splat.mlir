// Splat constants stay one element in the program (format 1.1), whatever
// their size: dense<0.0> : tensor<4294967296xf32> is 16 GiB of floats but a
// few hundred bytes of program. imc-sim expands it only to run, within its
// memory bound.
// RUN: imc-translate --imc-to-sim %s -o %t.imcb
// RUN: test $(stat -c %%s %t.imcb) -lt 2000
// RUN: imc-sim %t.imcb --dump | FileCheck %s --check-prefix=DUMP
// DUMP: imc program v1.1: entry 'main', 3 values, 2 constants, 1 instructions
// DUMP: const %0:tensor[4294967296] splat 0
// DUMP: const %1:tensor[2, 3] splat 0.5
// RUN: not imc-sim %t.imcb --output-dir %t.out 2>&1 | FileCheck %s --check-prefix=MEMORY
// MEMORY: imc-sim: error: the program needs 32 GiB of memory at once, more than the limit of 16 GiB (raise it with --max-memory / max_memory=, or simulate a smaller batch)
// RUN: not test -e %t.out

// A tensor of more than 2^32 elements is not written at all.
// RUN: not imc-translate --imc-to-sim %S/Inputs/too-big.mlir -o %t.big 2>&1 | FileCheck %s --check-prefix=BIG
// BIG: error: imc-to-sim: the program would be invalid: VALUES: a tensor of shape [4294967297] has more than 2^32 elements
// RUN: not test -e %t.big

module attributes {imc.target = {name = "t", crossbar = {rows = 64, cols = 64, cell_bits = 2, dac_bits = 1, adc_bits = 8, adcs_per_array = 1, parallel_rows = 16, num_tiles = 4}, precision = {weight_bits = 8, activation_bits = 8}, dpu = {lanes = 8, clock_mhz = 500.0}, energy_pj = {dac_per_row = 0.0, cell_read = 0.0, adc_per_conversion = 1.0, shift_add = 0.0, cell_write = 1.0, dpu_add = 1.0, dpu_mul = 1.0}, latency_ns = {array_read = 10.0, adc_conversion = 1.0, row_write = 10.0}}} {
  func.func @main() -> tensor<4294967296xf32> {
    %big = arith.constant dense<0.0> : tensor<4294967296xf32>
    %small = arith.constant dense<0.5> : tensor<2x3xf32>
    %r = dpu.relu %big : tensor<4294967296xf32>
    return %r : tensor<4294967296xf32>
  }
}
