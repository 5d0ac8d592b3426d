// RUN: imc-opt %s -split-input-file -verify-diagnostics

func.func @program_shape(%w: tensor<64x16xf32>) -> !xbar.tile<64x8, slices = 4> {
  // expected-error @+1 {{'xbar.program' op weights of shape 64x16 do not match the tile 64x8}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64} : tensor<64x16xf32> -> !xbar.tile<64x8, slices = 4>
  return %t : !xbar.tile<64x8, slices = 4>
}

// -----

func.func @program_bits(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 4> {
  // expected-error @+1 {{'xbar.program' op weight_bits must be in [2, 16], got 1}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 1 : i64, cell_bits = 2 : i64} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 4>
  return %t : !xbar.tile<4x4, slices = 4>
}

// -----

func.func @program_cell_bits(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 4> {
  // expected-error @+1 {{'xbar.program' op cell_bits must be in [1, 8], got 9}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 9 : i64} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 4>
  return %t : !xbar.tile<4x4, slices = 4>
}

// -----

func.func @program_negative_tile(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 4> {
  // expected-error @+1 {{'xbar.program' op attribute 'tile' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  %t = xbar.program %w {tile = -1 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 4>
  return %t : !xbar.tile<4x4, slices = 4>
}

// -----

func.func @mvm_rows(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x32xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'xbar.mvm' op input has 32 columns but the tile has 64 rows}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<1x32xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

func.func @mvm_result(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x64xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'xbar.mvm' op expected result of shape 1x16, got 1x8}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @mvm_adc(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x64xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'xbar.mvm' op adc_bits must be in [2, 24], got 1}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 1 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

func.func @mvm_missing_attr(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x64xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'xbar.mvm' op requires attribute 'parallel_rows'}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 8 : i64} : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

// expected-error @+1 {{tile dimensions must be positive, got 0x16}}
func.func private @zero_tile(!xbar.tile<0x16, slices = 4>)

// -----

// expected-error @+1 {{expected a tile shape 'ROWSxCOLS', got 3 dimension(s)}}
func.func private @rank3_tile(!xbar.tile<2x3x4, slices = 1>)

// -----

func.func @accumulate_one(%a: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'xbar.accumulate' op expected 2 or more operands, but found 1}}
  %s = xbar.accumulate %a : tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// The slice count follows from the weight and cell bits: 8-bit weights
// (7 magnitude bits) on 2-bit cells need 4 slices.
func.func @slices(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 3> {
  // expected-error @+1 {{'xbar.program' op expected 4 slices for 8-bit weights on 2-bit cells (differential), the tile type has 3}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 3>
  return %t : !xbar.tile<4x4, slices = 3>
}

// -----

func.func @cycles(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x64xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'xbar.mvm' op expected 4 input cycles for 8-bit signed inputs through a 2-bit DAC, got 7}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 2 : i64, cycles = 7 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64} : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

// expected-error @+1 {{tile slices must be in [1, 15], got 0}}
func.func private @no_slices(!xbar.tile<4x4, slices = 0>)

// -----

func.func @mapping_name(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 4> {
  // expected-error @+1 {{'xbar.program' op weight_mapping must be one of differential, offset, twos_complement, got 'ones_complement'}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64, weight_mapping = "ones_complement"} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 4>
  return %t : !xbar.tile<4x4, slices = 4>
}

// -----

// Two's complement: the 7 low bits in 4 slices of 2-bit cells, and the sign.
func.func @twos_slices(%w: tensor<4x4xf32>) -> !xbar.tile<4x4, slices = 4> {
  // expected-error @+1 {{'xbar.program' op expected 5 slices for 8-bit weights on 2-bit cells (twos_complement), the tile type has 4}}
  %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64, cell_bits = 2 : i64, weight_mapping = "twos_complement"} : tensor<4x4xf32> -> !xbar.tile<4x4, slices = 4>
  return %t : !xbar.tile<4x4, slices = 4>
}

// -----

// Unsigned inputs: all 8 bits are magnitude, 8 cycles of a 1-bit DAC.
func.func @unsigned_cycles(%t: !xbar.tile<64x16, slices = 4>, %x: tensor<1x64xf32>) -> tensor<1x16xf32> {
  // expected-error @+1 {{'xbar.mvm' op expected 8 input cycles for 8-bit unsigned inputs through a 1-bit DAC, got 7}}
  %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64, cycles = 7 : i64, adc_bits = 8 : i64, parallel_rows = 32 : i64, unsigned_input} : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}
