// RUN: imc-opt %s --convert-linalg-to-imc -split-input-file -verify-diagnostics

// A body op the DPU does not run.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @sin(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc: no rewrite to imc/dpu matches this form}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sin %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Bodies that read loop indices.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @index(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    %s = arith.addf %in, %f : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Indexing maps the DPU cannot execute (a division of a loop; sums of loops
// times constants are fine: generic.mlir).
func.func @window(%x: tensor<5xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ((d0 + d1) floordiv 2)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<5xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Integer tensors.
#id = affine_map<(d0) -> (d0)>
func.func @integers(%x: tensor<4xi32>) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4xi32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xi32>) outs(%e : tensor<4xi32>) {
  ^bb0(%in: i32, %out: i32):
    %s = arith.addi %in, %in : i32
    linalg.yield %s : i32
  } -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

func.func @dynamic_matmul(%x: tensor<?x3xf32>, %acc: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'linalg.matmul' is not supported by imc}}
  %y = linalg.matmul ins(%x, %w : tensor<?x3xf32>, tensor<3x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// A pad that is not a convolution's or pooling's padding.
func.func @lone_pad(%x: tensor<2x2xf32>) -> tensor<4x4xf32> {
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{'tensor.pad' is supported only as the zero (or -inf, for max pooling) padding of a convolution or pooling input}}
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %one : f32
  } : tensor<2x2xf32> to tensor<4x4xf32>
  return %p : tensor<4x4xf32>
}

