// RUN: imc-opt %s --imc-map="target=%S/../../Inputs/small.json" -split-input-file -verify-diagnostics
// RUN: imc-opt %s --imc-tile="target=%S/../../Inputs/small.json" -split-input-file -verify-diagnostics

// A product needing more weight blocks than imc compiles (2^20) is refused
// by imc-map and imc-tile before any block is planned: a 65536 x 65536
// splat on the small target (8 rows x 4 weight columns) is 2^27 blocks,
// which took longer than any test allows to tile.

func.func @huge(%x: tensor<1x65536xf32>) -> tensor<1x65536xf32> {
  %w = arith.constant dense<0.5> : tensor<65536x65536xf32>
  // expected-error @+1 {{the module needs more than 1048576 weight blocks of the target's array (this product alone: 134217728), more than imc compiles}}
  %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x65536xf32>, tensor<65536x65536xf32> -> tensor<1x65536xf32>
  return %y : tensor<1x65536xf32>
}

// -----

// Products that fit one by one still count together.
// (fuzz: too slow as a corpus seed: 524,288 blocks on the fuzzers' 8x16 target.)
func.func @together(%x: tensor<1x8192xf32>) -> tensor<1x1024xf32> {
  %w = arith.constant dense<0.5> : tensor<8192x1024xf32>
  %a = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8192xf32>, tensor<8192x1024xf32> -> tensor<1x1024xf32>
  %b = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8192xf32>, tensor<8192x1024xf32> -> tensor<1x1024xf32>
  %c = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8192xf32>, tensor<8192x1024xf32> -> tensor<1x1024xf32>
  %d = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8192xf32>, tensor<8192x1024xf32> -> tensor<1x1024xf32>
  // expected-error @+1 {{the module needs more than 1048576 weight blocks of the target's array (this product alone: 262144), more than imc compiles}}
  %e = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x8192xf32>, tensor<8192x1024xf32> -> tensor<1x1024xf32>
  return %e : tensor<1x1024xf32>
}
