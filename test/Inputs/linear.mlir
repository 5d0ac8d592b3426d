// A linear + bias + relu layer (2x10 -> 2x5), torch-mlir style; input for tool tests.
#id = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<2x10xf32>) -> tensor<2x5xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<5x10xf32>
  %b = arith.constant dense<0.25> : tensor<5xf32>
  %e0 = tensor.empty() : tensor<10x5xf32>
  %wt = linalg.transpose ins(%w : tensor<5x10xf32>) outs(%e0 : tensor<10x5xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<2x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<2x10xf32>, tensor<10x5xf32>) outs(%f : tensor<2x5xf32>) -> tensor<2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<2x5xf32>, tensor<5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}
