// RUN: imc-opt %s --imc-map | FileCheck %s --check-prefix=ANALOG
// RUN: imc-opt %s --imc-map="policy=digital" | FileCheck %s --check-prefix=DIGITAL
// RUN: imc-opt %s --imc-map="emit-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: not imc-opt %s --imc-map="policy=fastest" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// ANALOG-LABEL: func.func @two_layers
// ANALOG: imc.mvm {{.*}} {engine = #imc.engine<xbar>} : tensor<2x3xf32>, tensor<3x4xf32>
// An engine chosen before (by hand or a pass) is kept.
// ANALOG: imc.mvm {{.*}} {engine = #imc.engine<dpu>} : tensor<2x4xf32>, tensor<4x5xf32>
// DIGITAL: imc.mvm {{.*}} {engine = #imc.engine<dpu>} : tensor<2x3xf32>, tensor<3x4xf32>
// DIGITAL: imc.mvm {{.*}} {engine = #imc.engine<dpu>} : tensor<2x4xf32>, tensor<4x5xf32>
// REMARK: remark: mapped to xbar (24 MACs)
// REMARK: remark: mapped to dpu (40 MACs)
// REMARK: remark: analog MAC ratio 24/64 = 0.3750
// BAD: error: imc-map: unknown policy 'fastest' (expected 'analog' or 'digital')
func.func @two_layers(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %w1 = arith.constant dense<1.0> : tensor<3x4xf32>
  %w2 = arith.constant dense<1.0> : tensor<4x5xf32>
  %h = imc.mvm %x, %w1 : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %y = imc.mvm %h, %w2 {engine = #imc.engine<dpu>} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
