// RUN: imc-opt %s --convert-linalg-to-imc -split-input-file -verify-diagnostics

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @exp(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc: no rewrite to imc/dpu matches this form}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.exp %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @reduction(%x: tensor<2x4xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<2x4xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @relu_threshold(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  // max(x, 1) is not relu: no silent rewrite.
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %one : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @dynamic_matmul(%x: tensor<?x3xf32>, %acc: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{'linalg.matmul' is not supported by imc}}
  %y = linalg.matmul ins(%x, %w : tensor<?x3xf32>, tensor<3x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @conv_computed_filter(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %o: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'linalg.conv_2d_nchw_fchw' is not supported by imc}}
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) outs(%o : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

func.func @transpose_b_computed(%x: tensor<1x3xf32>, %w: tensor<2x3xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'linalg.matmul_transpose_b' is not supported by imc}}
  %y = linalg.matmul_transpose_b ins(%x, %w : tensor<1x3xf32>, tensor<2x3xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Neither affine in x nor one binary op (x * x + x): no silent rewrite.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @square(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    %t = arith.addf %s, %in : f32
    linalg.yield %t : f32
  } -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Division by x is not affine either.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @reciprocal(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  // expected-error @+1 {{'linalg.generic' is not supported by imc}}
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.divf %one, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
