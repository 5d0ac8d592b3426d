func.func @main(%x: tensor<1x65536xf32>) -> tensor<1x65536xf32> {
  %w = arith.constant dense<0.5> : tensor<65536x65536xf32>
  %e = tensor.empty() : tensor<1x65536xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x65536xf32>) -> tensor<1x65536xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x65536xf32>, tensor<65536x65536xf32>) outs(%f : tensor<1x65536xf32>) -> tensor<1x65536xf32>
  return %y : tensor<1x65536xf32>
}
