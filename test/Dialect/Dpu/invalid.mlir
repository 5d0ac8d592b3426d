// RUN: imc-opt %s -split-input-file -verify-diagnostics

func.func @add_types(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dpu.add' op requires the same type for all operands and results}}
  %0 = "dpu.add"(%a, %b) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bias_length(%x: tensor<4x2xf32>, %b: tensor<3xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'dpu.bias_add' op expected a 1-D bias of length 2 (the input's last dimension), got 'tensor<3xf32>'}}
  %0 = dpu.bias_add %x, %b : tensor<4x2xf32>, tensor<3xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @matmul_inner(%a: tensor<4x8xf32>, %b: tensor<7x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'dpu.matmul' op lhs has 8 columns but rhs has 7 rows}}
  %0 = dpu.matmul %a, %b : tensor<4x8xf32>, tensor<7x2xf32> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @matmul_result(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'dpu.matmul' op expected result of shape 4x2, got 4x3}}
  %0 = dpu.matmul %a, %b : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @reduce_dim(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{'dpu.reduce_sum' op dim 2 is out of range for rank 2}}
  %0 = dpu.reduce_sum %x {dim = 2 : i64} : tensor<4x2xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reduce_shape(%x: tensor<4x2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dpu.reduce_sum' op expected result shape with dimension 1 reduced to 1}}
  %0 = dpu.reduce_sum %x {dim = 1 : i64} : tensor<4x2xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @requantize_bits(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'dpu.requantize' op attribute 'bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 2 whose maximum value is 16}}
  %0 = dpu.requantize %x {bits = 1 : i64} : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @relu_dynamic(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{'dpu.relu' op operand #0 must be statically shaped tensor of 32-bit float values}}
  %0 = dpu.relu %x : tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @affine_len(%x: tensor<1x2x4x4xf32>, %s: tensor<3xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'dpu.affine' op expected scale and shift of 2 elements (dimension 1), got 'tensor<3xf32>'}}
  %a = dpu.affine %x, %s, %s {dim = 1 : i64} : tensor<1x2x4x4xf32>, tensor<3xf32>, tensor<3xf32>
  return %a : tensor<1x2x4x4xf32>
}

// -----

func.func @im2col_shape(%x: tensor<1x2x4x4xf32>) -> tensor<16x9xf32> {
  // expected-error @+1 {{'dpu.im2col' op expected result of shape 16x18}}
  %c = dpu.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<16x9xf32>
  return %c : tensor<16x9xf32>
}

// -----

func.func @im2col_window(%x: tensor<1x2x2x2xf32>) -> tensor<1x18xf32> {
  // expected-error @+1 {{'dpu.im2col' op the window does not fit the padded input}}
  %c = dpu.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x2x2xf32> -> tensor<1x18xf32>
  return %c : tensor<1x18xf32>
}

// -----

func.func @pool_kind(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'dpu.pool' op kind must be 'max' or 'avg', got 'min'}}
  %p = dpu.pool %x {kind = "min", kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dpu.transpose' op permutation is not a permutation of [0, 2)}}
  %t = dpu.transpose %x {permutation = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %t : tensor<3x2xf32>
}

// -----

func.func @transpose_dims(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dpu.transpose' op result dimension 0 must be input dimension 1 (3)}}
  %t = dpu.transpose %x {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %t : tensor<2x3xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'dpu.reshape' op input and result have different element counts}}
  %r = dpu.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return %r : tensor<7xf32>
}

// -----

func.func @generic_maps(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dpu.generic' op expected 2 indexing maps, got 1}}
  %s = dpu.generic ins(%x : tensor<4x8xf32>) init(%init : tensor<4xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "reduction"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @generic_reduction_result(%x: tensor<4x8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'dpu.generic' op the result is indexed by reduction loop 1}}
  %s = dpu.generic ins(%x : tensor<4x8xf32>) init(%init : tensor<8xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["parallel", "reduction"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// -----

func.func @generic_sizes(%x: tensor<4x8xf32>, %init: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'dpu.generic' op loop 0 has size 4 in one operand and 5 in another}}
  %s = dpu.generic ins(%x : tensor<4x8xf32>) init(%init : tensor<5xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<5xf32>
  return %s : tensor<5xf32>
}

// -----

// A sliding window (d0 + d1) is fine while it stays inside the input: over
// [0, 2) x [0, 4) it reads 0 to 4, past a tensor of 4.
func.func @generic_window_out_of_bounds(%x: tensor<4xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dpu.generic' op indexing map #0 reads dimension 0 of 'tensor<4xf32>' at 0 to 4}}
  %s = dpu.generic ins(%x : tensor<4xf32>) init(%init : tensor<2x4xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0 + d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

func.func @generic_floordiv(%x: tensor<4xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'dpu.generic' op indexing map #0 must be sums of constants times of the 1 loops}}
  %s = dpu.generic ins(%x : tensor<4xf32>) init(%init : tensor<8xf32>) attributes {indexing_maps = [affine_map<(d0) -> (d0 floordiv 2)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// -----

func.func @generic_affine_result(%x: tensor<4xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'dpu.generic' op indexing map #1 must be a projected permutation of the 1 loops}}
  %s = dpu.generic ins(%x : tensor<4xf32>) init(%init : tensor<8xf32>) attributes {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0 * 2)>], iterator_types = ["parallel"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// -----

func.func @generic_iterator(%x: tensor<4xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dpu.generic' op iterator types must be 'parallel' or 'reduction', got 'window'}}
  %s = dpu.generic ins(%x : tensor<4xf32>) init(%init : tensor<4xf32>) attributes {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["window"]} {
  ^bb0(%in: f32, %acc: f32):
    dpu.yield %in : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @generic_args(%x: tensor<4xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dpu.generic' op the body must take 2 f32 arguments (inputs, then the result)}}
  %s = dpu.generic ins(%x : tensor<4xf32>) init(%init : tensor<4xf32>) attributes {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} {
  ^bb0(%in: f32):
    dpu.yield %in : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// Dimensions near 2^63 do not overflow the window arithmetic (UBSan found
// signed overflows here).
func.func @im2col_window_overflow(%x: tensor<1x1x9223372036854775806x1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'dpu.im2col' op window sizes overflow 64 bits}}
  %c = dpu.im2col %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, padding = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x9223372036854775806x1xf32> -> tensor<1x1xf32>
  return %c : tensor<1x1xf32>
}

// -----

func.func @im2col_rows_overflow(%x: tensor<4611686018427387904x1x2x1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'dpu.im2col' op result shape overflows 64 bits}}
  %c = dpu.im2col %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<4611686018427387904x1x2x1xf32> -> tensor<1x1xf32>
  return %c : tensor<1x1xf32>
}

// -----

func.func @pool_window_overflow(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{'dpu.pool' op window sizes overflow 64 bits}}
  %c = dpu.pool %x {kind = "max", kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 9223372036854775807, 0, 1, 0>} : tensor<1x1x8x8xf32> -> tensor<1x1x1x1xf32>
  return %c : tensor<1x1x1x1xf32>
}

// -----

// A body without a terminator (the verifier once read past the empty block).
func.func @generic_empty_body(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dpu.generic' op the body must end with dpu.yield}}
  %0 = dpu.generic ins(%a : tensor<2x3xf32>) init(%b : tensor<2x3xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} {
  ^bb0(%in: f32, %acc: f32):
  } -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
