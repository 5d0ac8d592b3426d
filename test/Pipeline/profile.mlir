// RUN: rm -rf %t && mkdir -p %t
// RUN: imc-opt %S/../Inputs/linear.mlir --imc-profile="output=%t/linear.json" | FileCheck %s --check-prefix=SAME
// RUN: FileCheck %s --input-file=%t/linear.json --check-prefix=JSON
// RUN: imc-cost-bench %t/linear.json %imc_src/targets/rram-22nm.json 0.05 | FileCheck %s --check-prefix=BENCH
// RUN: imc-opt %s -split-input-file -verify-diagnostics --imc-profile="output=%t/bad.json"
// RUN: not test -e %t/bad.json
// RUN: not imc-opt %S/../Inputs/linear.mlir --imc-profile 2>&1 | FileCheck %s --check-prefix=NOOUT

// The module is not changed; the profile is written beside it, named after
// the file, with the one weight matrix (10 x 5 after the transpose) and the
// all-digital program.
// SAME: linalg.matmul
// JSON: "format": "imc-profile"
// JSON: "name": "linear"
// JSON: "program": "
// JSON: "weights": [
// JSON: "cols": 5,
// JSON: "groups": 1,
// JSON: "non_zeros": 50,
// JSON: "rows": 10,
// JSON: "zeros_in_blocks": 0
// BENCH: profile evaluator: linear ({{[0-9]+}} instructions) on rram-22nm, 1 tiles:
// NOOUT: imc-profile: give the file to write, --imc-profile="output=FILE.json"

// A module already mapped to crossbars cannot be profiled.
// expected-error @+1 {{imc-profile: the module is already mapped or lowered to crossbars}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = arith.constant dense<0.5> : tensor<4x2xf32>
    %y = imc.mvm %x, %w {engine = #imc.engine<xbar>} : tensor<1x4xf32>, tensor<4x2xf32> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

// -----

// expected-error @+1 {{imc-profile: the module has 2 functions; a profile is of a module with one}}
module {
  func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
