// RUN: imc-opt %s --convert-imc-to-dpu -verify-diagnostics

func.func @unmapped(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<8x4xf32>
  // expected-error @+1 {{convert-imc-to-dpu: op has no engine; run imc-map first}}
  %y = imc.mvm %x, %w : tensor<1x8xf32>, tensor<8x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
