func.func @main(%x: tensor<1x1x4x4x4xi32>) -> tensor<1x1x2x2x2xi32> {
  %w = arith.constant dense<1> : tensor<1x1x3x3x3xi32>
  %o = arith.constant dense<0> : tensor<1x1x2x2x2xi32>
  %y = linalg.conv_3d_ncdhw_fcdhw ins(%x, %w : tensor<1x1x4x4x4xi32>, tensor<1x1x3x3x3xi32>) outs(%o : tensor<1x1x2x2x2xi32>) -> tensor<1x1x2x2x2xi32>
  return %y : tensor<1x1x2x2x2xi32>
}
