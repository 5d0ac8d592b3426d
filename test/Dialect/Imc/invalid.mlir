// RUN: imc-opt %s -split-input-file -verify-diagnostics

func.func @weight_not_constant(%x: tensor<1x3xf32>, %w: tensor<3x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'imc.mvm' op weight must be a constant (weights are stationary in the arrays); use dpu.matmul for a product of two computed tensors}}
  %y = imc.mvm %x, %w : tensor<1x3xf32>, tensor<3x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @inner_dims(%x: tensor<1x5xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'imc.mvm' op input has 5 columns but the weight has 3 rows}}
  %y = imc.mvm %x, %w : tensor<1x5xf32>, tensor<3x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @result_shape(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'imc.mvm' op expected result of shape 2x4, got 2x5}}
  %y = imc.mvm %x, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

func.func @rank(%x: tensor<3xf32>) -> tensor<4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'imc.mvm' op expected 2-D input, weight and result, got ranks 1, 2, 1}}
  %y = imc.mvm %x, %w : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'imc.mvm' op operand #0 must be statically shaped tensor of 32-bit float values}}
  %y = imc.mvm %x, %w : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @not_f32(%x: tensor<1x3xf16>) -> tensor<1x4xf16> {
  %w = arith.constant dense<1.0> : tensor<3x4xf16>
  // expected-error @+1 {{'imc.mvm' op operand #0 must be statically shaped tensor of 32-bit float values}}
  %y = imc.mvm %x, %w : tensor<1x3xf16>, tensor<3x4xf16> -> tensor<1x4xf16>
  return %y : tensor<1x4xf16>
}

// -----

func.func @bad_engine(%x: tensor<1x3xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+2 {{expected ::imc::Engine to be one of: xbar, dpu}}
  // expected-error @+1 {{failed to parse Imc_EngineAttr parameter 'value' which is to be a `::imc::Engine`}}
  %y = imc.mvm %x, %w {engine = #imc.engine<gpu>} : tensor<1x3xf32>, tensor<3x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @accumulate_one(%a: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'imc.accumulate' op expected 2 or more operands, but found 1}}
  %s = imc.accumulate %a : tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

func.func @accumulate_types(%a: tensor<1x4xf32>, %b: tensor<1x5xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'imc.accumulate' op requires the same type for all operands and results}}
  %s = "imc.accumulate"(%a, %b) : (tensor<1x4xf32>, tensor<1x5xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

func.func @conv_shape(%x: tensor<1x4x8x8xf32>) -> tensor<1x6x8x8xf32> {
  %w = arith.constant dense<1.0> : tensor<6x4x3x3xf32>
  // expected-error @+1 {{'imc.conv2d' op expected result of shape 1x6x6x6}}
  %y = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

func.func @conv_groups(%x: tensor<1x4x8x8xf32>) -> tensor<1x6x6x6xf32> {
  %w = arith.constant dense<1.0> : tensor<6x4x3x3xf32>
  // expected-error @+1 {{'imc.conv2d' op weight of 4 channels per group x 2 groups does not match an input of 4 channels (or 6 filters are not divisible by the groups)}}
  %y = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 2 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_attrs(%x: tensor<1x4x8x8xf32>) -> tensor<1x6x6x6xf32> {
  %w = arith.constant dense<1.0> : tensor<6x4x3x3xf32>
  // expected-error @+1 {{'imc.conv2d' op expected 2 strides, 2 dilations and 4 paddings [top, left, bottom, right]}}
  %y = imc.conv2d %x, %w {strides = array<i64: 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_weight(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'imc.conv2d' op weight must be a constant}}
  %y = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x4x8x8xf32>) -> tensor<1x6x6x6xf32> {
  %w = arith.constant dense<1.0> : tensor<6x4x3x3xf32>
  %b = arith.constant dense<1.0> : tensor<5xf32>
  // expected-error @+1 {{'imc.conv2d' op expected a bias of 6 elements}}
  %y = imc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<5xf32> -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

// A dilation near 2^62 does not overflow the window arithmetic.
func.func @conv_dilation_overflow(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x1x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x3x1xf32>
  // expected-error @+1 {{'imc.conv2d' op window sizes overflow 64 bits}}
  %y = imc.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 4611686018427387904, 1>, groups = 1 : i64} : tensor<1x1x8x8xf32>, tensor<1x1x3x1xf32> -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}
