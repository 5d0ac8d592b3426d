// RUN: imc-opt %s --imc-map="target=%S/../../Inputs/small.json emit-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ANALOG
// RUN: imc-opt %s --imc-map="target=%S/../../Inputs/small.json min-utilization=0.5 emit-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UTIL
// RUN: imc-opt %s --imc-map="target=%S/../../Inputs/small.json policy=budget max-analog-ratio=0.5 emit-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: imc-opt %s --imc-map="target=%S/../../Inputs/small.json policy=energy emit-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ENERGY
// RUN: imc-opt %s --imc-map="policy=digital" | FileCheck %s --check-prefix=DIGITAL
// RUN: imc-opt %s --imc-map="overrides=fc2=dpu,dw=xbar" | FileCheck %s --check-prefix=OVERRIDE

// Three layers on small.json (tiles of 8 rows x 4 weights = 32 weights),
// batch 2: fc1 8x4 dense (1 tile, 100%, 64 MACs), dw 8x4 with 4 non-zeros
// (1 tile, 12.5%, 64 MACs), fc2 16x4 dense (2 tiles, 100%, 128 MACs).

// ANALOG: remark: {{.*}}fc1: xbar (64 MACs, 1 tiles, utilization 100.0%; policy analog)
// ANALOG: remark: {{.*}}dw: xbar (64 MACs, 1 tiles, utilization 12.5%; policy analog)
// ANALOG: remark: {{.*}}fc2: xbar (128 MACs, 2 tiles, utilization 100.0%; policy analog)
// ANALOG: remark: analog MAC ratio 256/256 = 1.0000

// UTIL: remark: {{.*}}dw: dpu (64 MACs, 1 tiles, utilization 12.5%; utilization below 50.0%)
// UTIL: remark: analog MAC ratio 192/256 = 0.7500

// Budget 50%: fc2 (100%, the larger) first: 128 <= 128 fits; fc1 would make
// 192 > 128; dw likewise.
// BUDGET: remark: {{.*}}fc1: dpu (64 MACs, 1 tiles, utilization 100.0%; over the analog budget of 50.0%)
// BUDGET: remark: {{.*}}dw: dpu (64 MACs, 1 tiles, utilization 12.5%; over the analog budget of 50.0%)
// BUDGET: remark: {{.*}}fc2: xbar (128 MACs, 2 tiles, utilization 100.0%; within the analog budget)
// BUDGET: remark: analog MAC ratio 128/256 = 0.5000

// Energy per inference from cost::Model (small.json gives every constant):
// a dense 8x4 tile at batch 2 (4-bit weights on 2-bit cells: 2 slices, 4
// cells a weight; 4-bit inputs: 3 cycles; 2 row groups of 4):
//   DAC 2 x 3 x 8 rows x 0.5 driven x 0.5 pJ = 12, array 2 x 3 x 0.5 x 128
//   cells x 0.25 = 96, ADC 2 x 3 x 2 x 8 conversions x 2 = 192, shift-add
//   96 x 0.125 = 12: 312 pJ; on the DPU 64 MACs x (4 + 1) pJ = 320 pJ.
// dw: the same tile, but the DPU skips its zeros: 8 MACs = 40 pJ.
// fc2: two such tiles and 8 accumulating adds (1 pJ) = 625 pJ; DPU 640 pJ.
// ENERGY: remark: {{.*}}fc1: xbar ({{.*}}policy energy: 3.120e+02 pJ on the crossbars, 3.200e+02 pJ on the DPU)
// ENERGY: remark: {{.*}}dw: dpu ({{.*}}policy energy: 3.120e+02 pJ on the crossbars, 4.000e+01 pJ on the DPU)
// ENERGY: remark: {{.*}}fc2: xbar ({{.*}}policy energy: 6.250e+02 pJ on the crossbars, 6.400e+02 pJ on the DPU)
// ENERGY: remark: analog MAC ratio 192/256 = 0.7500

// DIGITAL-COUNT-3: {engine = #imc.engine<dpu>}

// OVERRIDE: imc.mvm {{.*}} {engine = #imc.engine<xbar>}
// OVERRIDE: imc.mvm {{.*}} {engine = #imc.engine<xbar>}
// OVERRIDE: imc.mvm {{.*}} {engine = #imc.engine<dpu>} : tensor<2x16xf32>

func.func @three_layers(%x: tensor<2x8xf32>, %z: tensor<2x16xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %w1 = arith.constant dense<1.0> : tensor<8x4xf32>
  %wd = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<8x4xf32>
  %w2 = arith.constant dense<1.0> : tensor<16x4xf32>
  %a = imc.mvm %x, %w1 : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32> loc("fc1")
  %b = imc.mvm %x, %wd : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32> loc("dw")
  %c = imc.mvm %z, %w2 : tensor<2x16xf32>, tensor<16x4xf32> -> tensor<2x4xf32> loc("fc2")
  return %a, %b, %c : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
