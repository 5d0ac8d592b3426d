// RUN: imc-opt %s --convert-imc-to-xbar="target=%S/../../Inputs/small.json" -split-input-file -verify-diagnostics

func.func @too_big(%x: tensor<1x9xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<9x4xf32>
  // expected-error @+1 {{convert-imc-to-xbar: weights of 9x4 do not fit one crossbar tile of 8x4 weights; run imc-tile first}}
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x9xf32>, tensor<9x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @unmapped(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<8x4xf32>
  // expected-error @+1 {{convert-imc-to-xbar: op has no engine; run imc-map first}}
  %y = imc.mvm %x, %w : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
