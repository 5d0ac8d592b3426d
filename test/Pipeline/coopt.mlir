// RUN: rm -rf %t && mkdir -p %t
// RUN: %imc_python -c "import json; json.dump({'base': 'rram-22nm', 'crossbar.rows': [64, 128], 'crossbar.adc_bits': [6, 8]}, open('%t/space.json', 'w'))"
// RUN: imc-opt %s --imc-coopt="space=%t/space.json output=%t/chosen.json result=%t/result.json jobs=1" | FileCheck %s
// RUN: FileCheck %s --input-file=%t/result.json --check-prefix=RESULT
// RUN: %imc_python -c "import json; c = json.load(open('%t/chosen.json')); r = json.load(open('%t/result.json')); assert c == r['chosen_target']; print('rows', c['crossbar']['rows'])" | FileCheck %s --check-prefix=CHOSEN
// RUN: imc-opt %S/../Inputs/linear.mlir --imc-coopt="space=%t/space.json result=%t/linear.json" --imc-pipeline | imc-translate --imc-to-sim -o %t/linear.imcb
// RUN: imc-sim %t/linear.imcb --cost-only --report %t/linear.report.json > /dev/null
// RUN: %imc_python -c "import json, math; r = json.load(open('%t/linear.report.json'))['totals']; c = json.load(open('%t/linear.json'))['chosen']['workloads'][0]; assert math.isclose(r['inference_energy_pj'], c['energy_pj'], rel_tol=1e-9), (r, c); assert math.isclose(r['inference_latency_ns'], c['latency_ns'], rel_tol=1e-9); print('compiled as predicted')" | FileCheck %s --check-prefix=COMPILED
// RUN: imc-opt %s --imc-coopt="space=%t/space.json result=%t/ga.json search=nsga2 population=4 generations=3 seed=2" -o /dev/null
// RUN: FileCheck %s --input-file=%t/ga.json --check-prefix=GA
// RUN: imc-opt %s --imc-coopt="space=%t/space.json result=%t/bnb.json search=bnb" -o /dev/null
// RUN: %imc_python -c "import json; a = json.load(open('%t/bnb.json')); e = json.load(open('%t/result.json')); assert a['chosen'] == e['chosen']; print(a['method'], a['certificate']['relaxed_knobs'], a['designs'] + a['certificate']['pruned_designs'])" | FileCheck %s --check-prefix=BNB
// RUN: not imc-opt %s --imc-coopt="space=%t/space.json search=tabu" 2>&1 | FileCheck %s --check-prefix=BADSEARCH
// RUN: not imc-opt %s --imc-coopt="space=%t/space.json seed=3" 2>&1 | FileCheck %s --check-prefix=GAEX
// RUN: not imc-opt %s --imc-coopt 2>&1 | FileCheck %s --check-prefix=NOSPACE
// RUN: not imc-opt %s --imc-coopt="space=%t/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %imc_python -c "import json; json.dump({'base': 'rram-22nm', 'crossbar.rows': [64], 'constraints': {'max_area_mm2': 1e-6}}, open('%t/tight.json', 'w'))"
// RUN: not imc-opt %s --imc-coopt="space=%t/tight.json" 2>&1 | FileCheck %s --check-prefix=TIGHT

// Every function is a workload (named after it); the chosen chip becomes
// the module's target, the functions are unchanged, and the result and the
// target file say the same.
// CHECK: module attributes {imc.target = {
// CHECK-SAME: name = "rram-22nm"
// CHECK: func.func @small
// CHECK: linalg.matmul
// CHECK: func.func @wide
// RESULT: "format": "imc-coopt"
// RESULT: "workloads": [
// RESULT-NEXT: "small",
// RESULT-NEXT: "wide"
// CHOSEN: rows {{64|128}}
// A module tuned and compiled in one imc-opt run costs what the search
// predicted for its chip.
// COMPILED: compiled as predicted
// Branch and bound relaxes the ADC bits, branches on the rows: the
// exhaustive choice, every design accounted for.
// BNB: bnb ['crossbar.adc_bits'] 4
// GA: "method": "nsga2"
// GA: "objective_calls": 16
// BADSEARCH: error: imc-coopt: search must be 'exhaustive', 'bnb' or 'nsga2', got 'tabu'
// GAEX: error: imc-coopt: population, generations and seed are settings of search=nsga2
// NOSPACE: error: imc-coopt: give the search space, --imc-coopt="space=SPACE.json"
// MISSING: error: imc-coopt: {{.*}}missing.json: No such file or directory
// TIGHT: error: imc-coopt: no feasible design among 1 (most often: over the area budget, 1 designs)

func.func @small(%x: tensor<2x10xf32>) -> tensor<2x5xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<10x5xf32>
  %e = tensor.empty() : tensor<2x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x10xf32>, tensor<10x5xf32>) outs(%f : tensor<2x5xf32>) -> tensor<2x5xf32>
  return %mm : tensor<2x5xf32>
}

func.func @wide(%x: tensor<4x96xf32>) -> tensor<4x80xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.25> : tensor<96x80xf32>
  %e = tensor.empty() : tensor<4x80xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x80xf32>) -> tensor<4x80xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x96xf32>, tensor<96x80xf32>) outs(%f : tensor<4x80xf32>) -> tensor<4x80xf32>
  return %mm : tensor<4x80xf32>
}
