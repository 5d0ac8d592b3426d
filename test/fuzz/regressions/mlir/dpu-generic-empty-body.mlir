func.func @generic_empty_body(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dpu.generic ins(%a : tensor<2x3xf32>) init(%b : tensor<2x3xf32>) attributes {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} {
  ^bb0(%in: f32, %acc: f32):
  } -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
