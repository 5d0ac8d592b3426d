// Two products with a ReLU between them: the second one's input is
// non-negative, the first one's (the argument) is not known to be.
func.func @main(%x: tensor<2x10xf32>) -> tensor<2x4xf32> {
  %w1 = arith.constant dense<0.5> : tensor<10x6xf32>
  %w2 = arith.constant dense<-0.25> : tensor<6x4xf32>
  %h = imc.mvm %x, %w1 : tensor<2x10xf32>, tensor<10x6xf32> -> tensor<2x6xf32>
  %r = dpu.relu %h : tensor<2x6xf32>
  %y = imc.mvm %r, %w2 : tensor<2x6xf32>, tensor<6x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
