// RUN: imc-opt %s --convert-linalg-to-imc --split-input-file | FileCheck %s

// The forms imc's importer writes for the front ends' comparisons, where /
// masked_fill, broadcasts, slices and ceil-mode pooling (issue 12) become DPU
// work: dpu.generic with the same body, dpu.pool with one-sided padding, and
// tensor.extract_slice as it is (the program's ExtractSlice).

// CHECK-LABEL: func.func @compare_select_broadcast
// CHECK: dpu.generic ins(%arg0 : tensor<2x3xf32>)
// CHECK:   arith.cmpf ogt
// CHECK:   arith.select
// CHECK: dpu.generic ins(%arg1, %arg0, %{{.*}} : tensor<3xf32>, tensor<2x3xf32>, tensor<f32>)
// CHECK:   arith.cmpf une
// CHECK:   arith.select
// CHECK: dpu.generic ins(%arg1 : tensor<3xf32>) init(%{{.*}} : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   dpu.yield %[[IN]] : f32
// CHECK: tensor.extract_slice %arg0[1, 1] [1, 2] [1, 1]
// CHECK-NOT: linalg.
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#map2 = affine_map<(d0, d1) -> ()>
func.func @compare_select_broadcast(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x2xf32>) {
  %0 = tensor.empty() : tensor<2x3xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%0 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.000000e+00 : f32
    %c = arith.cmpf ogt, %in, %z : f32
    %one = arith.constant 1.000000e+00 : f32
    %s = arith.select %c, %one, %z : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %cst = arith.constant dense<0xFF800000> : tensor<f32>
  %2 = tensor.empty() : tensor<2x3xf32>
  %3 = linalg.generic {indexing_maps = [#map1, #map, #map2, #map], iterator_types = ["parallel", "parallel"]} ins(%arg1, %arg0, %cst : tensor<3xf32>, tensor<2x3xf32>, tensor<f32>) outs(%2 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %in_2: f32, %out: f32):
    %z = arith.constant 0.000000e+00 : f32
    %c = arith.cmpf une, %in, %z : f32
    %s = arith.select %c, %in_1, %in_2 : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %4 = tensor.empty() : tensor<2x3xf32>
  %5 = linalg.generic {indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel"]} ins(%arg1 : tensor<3xf32>) outs(%4 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x3xf32>
  %sl = tensor.extract_slice %arg0[1, 1] [1, 2] [1, 1] : tensor<2x3xf32> to tensor<1x2xf32>
  return %1, %3, %5, %sl : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x2xf32>
}

// -----

// A ceil-mode max pool: -inf padding on the bottom/right only, folded into
// the pool's four paddings (top, left, bottom, right).
// CHECK-LABEL: func.func @ceil_mode_max_pool
// CHECK: dpu.pool %{{.*}} {kernel = array<i64: 2, 2>, kind = "max", padding = array<i64: 0, 0, 0, 1>, strides = array<i64: 2, 2>}
// CHECK-NOT: tensor.pad
func.func @ceil_mode_max_pool(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x1x2xf32> {
  %padded = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 0, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    %ninf = arith.constant 0xFF800000 : f32
    tensor.yield %ninf : f32
  } : tensor<1x1x2x3xf32> to tensor<1x1x2x4xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x1x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %w : tensor<1x1x2x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  return %p : tensor<1x1x1x2xf32>
}
