// RUN: imc-opt %s --convert-linalg-to-imc --split-input-file | FileCheck %s

// A zero tensor.pad becomes the conv's padding; a broadcast of a constant
// along the filter dimension as init becomes its bias.
// CHECK-LABEL: func.func @conv_pad_bias
// CHECK: %[[B:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: imc.conv2d %arg0, %{{.*}}, %[[B]] {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 2, 1, 2>, strides = array<i64: 2, 2>} : tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32> -> tensor<1x2x4x5xf32>
// CHECK-NOT: linalg.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_pad_bias(%x: tensor<1x3x8x8xf32>) -> tensor<1x2x4x5xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<2x3x3x3xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %p = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 1, 2] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x12xf32>
  %e = tensor.empty() : tensor<1x2x4x5xf32>
  %init = linalg.generic {indexing_maps = [#ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<2xf32>) outs(%e : tensor<1x2x4x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x4x5xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x3x10x12xf32>, tensor<2x3x3x3xf32>) outs(%init : tensor<1x2x4x5xf32>) -> tensor<1x2x4x5xf32>
  return %y : tensor<1x2x4x5xf32>
}

// -----

// Depthwise: groups = C, filter reshaped to C x 1 x KH x KW; a zero fill is
// no bias; dilation is kept.
// CHECK-LABEL: func.func @depthwise
// CHECK: imc.conv2d %arg0, %{{.*}} {dilations = array<i64: 2, 2>, groups = 4 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<1x4x4x4xf32>
func.func @depthwise(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<4x3x3xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// NHWC with an HWCF filter: transposed to NCHW and back; the filter is
// rearranged to FCHW at compile time (f0 = 1.0 everywhere, f1 = 2.0).
// CHECK-LABEL: func.func @nhwc
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[T:.*]] = dpu.transpose %arg0 {permutation = array<i64: 0, 3, 1, 2>} : tensor<1x4x4x1xf32> -> tensor<1x1x4x4xf32>
// CHECK: %[[C:.*]] = imc.conv2d %[[T]], %[[W]]
// CHECK: dpu.transpose %[[C]] {permutation = array<i64: 0, 2, 3, 1>} : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
func.func @nhwc(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>
  %o = arith.constant dense<0.0> : tensor<1x4x4x2xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x1xf32>, tensor<1x1x1x2xf32>) outs(%o : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Max pooling over a -inf fill, with a -inf pad folded in; sum pooling + a
// division by the window size becomes an average pool (the x4 and /4 affines
// compose away under canonicalization, see Dpu/canonicalize.mlir).
// CHECK-LABEL: func.func @pools
// CHECK: %[[M:.*]] = dpu.pool %arg0 {kernel = array<i64: 3, 3>, kind = "max", padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
// CHECK: %[[A:.*]] = dpu.pool %[[M]] {kernel = array<i64: 2, 2>, kind = "avg", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
// CHECK: %[[X4:.*]] = dpu.affine %[[A]], %{{.*}}, %{{.*}} {dim = 1 : i64}
// CHECK: dpu.affine %[[X4]], %{{.*}}, %{{.*}} {dim = 3 : i64}
// CHECK: dpu.reshape %{{.*}} : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @pools(%x: tensor<1x2x8x8xf32>) -> tensor<1x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x8x8xf32> to tensor<1x2x10x10xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%p, %w3 : tensor<1x2x10x10xf32>, tensor<3x3xf32>) outs(%f : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %e2 = tensor.empty() : tensor<1x2x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %w2 = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%m, %w2 : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %a = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x2x2x2xf32>) outs(%e2 : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %four = arith.constant 4.0 : f32
    %r = arith.divf %in, %four : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %fl = tensor.collapse_shape %a [[0], [1, 2, 3]] : tensor<1x2x2x2xf32> into tensor<1x8xf32>
  return %fl : tensor<1x8xf32>
}

// -----

// Grouped, torch-mlir style: NCHW expanded to NGCHW (zero pad folded through
// the expansion) and an F/G x G x C/G x KH x KW filter. The filter becomes
// F x C/G x KH x KW with group 0's filters first: w[f][g] = 10 f + g gives
// [w00, w10, w01, w11] = [0, 10, 1, 11].
// CHECK-LABEL: func.func @grouped_fgchw
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00]]], {{\[\[\[}}1.000000e+01]]], {{\[\[\[}}1.000000e+00]]], {{\[\[\[}}1.100000e+01]]]]> : tensor<4x1x1x1xf32>
// CHECK: %[[C:.*]] = imc.conv2d %arg0, %[[W]] {dilations = array<i64: 1, 1>, groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x2x3x3xf32>, tensor<4x1x1x1xf32> -> tensor<1x4x5x5xf32>
// CHECK: dpu.reshape %[[C]] : tensor<1x4x5x5xf32> -> tensor<1x2x2x5x5xf32>
func.func @grouped_fgchw(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x5x5xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x3x3xf32> to tensor<1x2x5x5xf32>
  %x5 = tensor.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 5, 5] : tensor<1x2x5x5xf32> into tensor<1x2x1x5x5xf32>
  %w = arith.constant dense<[[[[[0.0]]], [[[1.0]]]], [[[[10.0]]], [[[11.0]]]]]> : tensor<2x2x1x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x5x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x5x5xf32>) -> tensor<1x2x2x5x5xf32>
  %y = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w : tensor<1x2x1x5x5xf32>, tensor<2x2x1x1x1xf32>) outs(%f : tensor<1x2x2x5x5xf32>) -> tensor<1x2x2x5x5xf32>
  return %y : tensor<1x2x2x5x5xf32>
}
