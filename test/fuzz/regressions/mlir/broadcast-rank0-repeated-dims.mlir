func.func @f(%a: tensor<f32>, %b: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = linalg.broadcast ins(%a : tensor<f32>) outs(%b : tensor<2x2xf32>) dimensions = [0, 0]
  return %0 : tensor<2x2xf32>
}
