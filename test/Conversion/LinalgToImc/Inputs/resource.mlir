// Input of resource.test: a dense_resource constant that MLIR 19's folders
// crash on once tensor.extract is folded.
func.func @resource() -> f32 {
  %c = arith.constant dense_resource<blob1> : tensor<4xf32>
  %i = arith.constant 3 : index
  %x = tensor.extract %c[%i] : tensor<4xf32>
  return %x : f32
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
