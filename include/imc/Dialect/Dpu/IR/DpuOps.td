//===- DpuOps.td - digital processing unit operations ------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_DPU_IR_DPUOPS_TD
#define IMC_DIALECT_DPU_IR_DPUOPS_TD

include "imc/Dialect/Dpu/IR/DpuDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Dpu_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dpu_Dialect, mnemonic, traits>;

def Dpu_Tensor : StaticShapeTensorOf<[F32]>;

class Dpu_BinaryOp<string mnemonic, string what, list<Trait> traits = []>
    : Dpu_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let summary = "element-wise " # what;
  let description = [{
    Element-wise }] # what # [{ of two tensors of the same type.

    Example:

    ```mlir
    %z = dpu.}] # mnemonic # [{ %x, %y : tensor<1x128xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$lhs, Dpu_Tensor:$rhs);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Dpu_AddOp : Dpu_BinaryOp<"add", "addition", [Commutative]>;
def Dpu_SubOp : Dpu_BinaryOp<"sub", "subtraction">;
def Dpu_MulOp : Dpu_BinaryOp<"mul", "multiplication", [Commutative]>;
def Dpu_MaxOp : Dpu_BinaryOp<"max", "maximum", [Commutative]>;

def Dpu_ReluOp : Dpu_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "rectified linear unit";
  let description = [{
    `max(x, 0)` element-wise.

    Example:

    ```mlir
    %y = dpu.relu %x : tensor<1x128xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Dpu_BiasAddOp : Dpu_Op<"bias_add", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "add a bias along the last dimension";
  let description = [{
    Adds a 1-D bias of length N to every row of a `... x N` tensor.

    Example:

    ```mlir
    %y = dpu.bias_add %x, %b : tensor<1x128xf32>, tensor<128xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input, Dpu_Tensor:$bias);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input `,` $bias attr-dict `:` type($input) `,` type($bias)";
  let hasVerifier = 1;
}

def Dpu_MatmulOp : Dpu_Op<"matmul", [Pure]> {
  let summary = "digital matrix multiply";
  let description = [{
    `(M x K) * (K x N) -> (M x N)` on the DPU, for products whose operands
    are both computed, or weight-stationary products the mapper kept digital.

    Example:

    ```mlir
    %c = dpu.matmul %a, %b : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$lhs, Dpu_Tensor:$rhs);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Dpu_ReduceSumOp : Dpu_Op<"reduce_sum", [Pure]> {
  let summary = "sum along one dimension";
  let description = [{
    Sums over dimension `dim`; the result keeps that dimension with size 1.

    Example:

    ```mlir
    %s = dpu.reduce_sum %x {dim = 1 : i64} : tensor<4x8xf32> -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Dpu_RequantizeOp : Dpu_Op<"requantize", [Pure, SameOperandsAndResultType]> {
  let summary = "symmetric per-tensor requantization";
  let description = [{
    Rounds a tensor to `bits`-bit signed symmetric codes with a per-tensor
    abs-max scale and returns the dequantized values (round half to even):
    `s = max|x| / (2^(bits-1) - 1)`, `y = s * clamp(rne(x / s))`.

    Example:

    ```mlir
    %q = dpu.requantize %x {bits = 8 : i64} : tensor<1x128xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>, IntMaxValue<16>]>:$bits);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Dpu_AffineOp : Dpu_Op<"affine", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "per-channel scale and shift";
  let description = [{
    `y = x * scale[c] + shift[c]`, c being the index along dimension `dim`;
    `scale` and `shift` are 1-D of that dimension's size. Inference batch
    norm, and element-wise scalar scaling, arrive here; `imc-fuse-batchnorm`
    folds it into a preceding convolution or matmul when it can.

    Example:

    ```mlir
    %y = dpu.affine %x, %s, %t {dim = 1 : i64}
        : tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input, Dpu_Tensor:$scale, Dpu_Tensor:$shift,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $shift attr-dict `:` type($input) `,` type($scale)
    `,` type($shift)
  }];
  let hasVerifier = 1;
  // scale 1, shift 0 is the identity; two uniform affines compose.
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Dpu_Im2colOp : Dpu_Op<"im2col", [Pure]> {
  let summary = "unroll convolution windows into rows (NCHW)";
  let description = [{
    For an `N x C x H x W` input, returns `(N OH OW) x (C KH KW)`: row
    `(n, oh, ow)` holds the window of output pixel `(oh, ow)`, column
    `c KH KW + kh KW + kw` the input at
    `(n, c, oh stride_h - pad_top + kh dilation_h, ...)`, zero outside the
    input. Multiplying by the `(C KH KW) x F` weight matrix computes the
    convolution (NeuroSim's conventional mapping).

    Example:

    ```mlir
    %c = dpu.im2col %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
        padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
        : tensor<1x3x8x8xf32> -> tensor<64x27xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Dpu_ReshapeOp : Dpu_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tensor with another shape";
  let description = [{
    Same elements in the same (row-major) order, another shape.

    Example:

    ```mlir
    %y = dpu.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Dpu_TransposeOp : Dpu_Op<"transpose", [Pure]> {
  let summary = "permute dimensions";
  let description = [{
    `result[i_perm[0], ..., i_perm[r-1]] = input[i_0, ..., i_(r-1)]`, i.e.
    result dimension d is input dimension `permutation[d]`.

    Example:

    ```mlir
    %y = dpu.transpose %x {permutation = array<i64: 0, 3, 1, 2>}
        : tensor<1x8x8x4xf32> -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Dpu_PoolOp : Dpu_Op<"pool", [Pure]> {
  let summary = "2-D max or average pooling (NCHW)";
  let description = [{
    Pools `KH x KW` windows of an `N x C x H x W` tensor. `kind` is `max`
    (padding counts as -infinity) or `avg` (the window sum divided by
    `KH KW`, padding counting as zeros: PyTorch's `count_include_pad`).

    Example:

    ```mlir
    %y = dpu.pool %x {kind = "max", kernel = array<i64: 2, 2>,
        strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>}
        : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
    ```
  }];
  let arguments = (ins Dpu_Tensor:$input, StrAttr:$kind,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding);
  let results = (outs Dpu_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Dpu_YieldOp : Dpu_Op<"yield", [Pure, Terminator, HasParent<"GenericOp">]> {
  let summary = "yields the value of a dpu.generic body";
  let arguments = (ins F32:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def Dpu_GenericOp : Dpu_Op<"generic", [Pure]> {
  let summary = "a loop nest with a scalar body, run by the DPU";
  let description = [{
    The DPU's general operation: a perfectly nested loop over the iteration
    space, with the semantics of `linalg.generic` restricted to what the DPU
    runs: static f32 tensors, one result, indexing maps that are projected
    permutations (each operand dimension is one loop), `parallel` and
    `reduction` loops, and a body of `arith`/`math` scalar operations
    (add, sub, mul, div, max, min, neg, abs, compare, select, exp, log,
    sqrt, rsqrt, tanh, erf, constants). The result starts as `init`; at every
    point of the iteration space the body receives the inputs' elements and
    the result's current element and yields its new value. Softmax, layer
    norm, GELU, SiLU, reductions and activation x activation products all
    arrive here, in whatever spelling the front end used.

    Example (a row sum):

    ```mlir
    %s = dpu.generic ins(%x : tensor<4x8xf32>) init(%zero : tensor<4xf32>)
        {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                          affine_map<(d0, d1) -> (d0)>],
         iterator_types = ["parallel", "reduction"]} {
    ^bb0(%in: f32, %acc: f32):
      %0 = arith.addf %in, %acc : f32
      dpu.yield %0 : f32
    } -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<Dpu_Tensor>:$inputs, Dpu_Tensor:$init,
                       AffineMapArrayAttr:$indexing_maps,
                       StrArrayAttr:$iterator_types);
  let results = (outs Dpu_Tensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`ins` `(` $inputs^ `:` type($inputs) `)`)? `init` `(` $init `:`
    type($init) `)` attr-dict-with-keyword $body `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Size of each loop, from the operand shapes.
    ::llvm::SmallVector<int64_t> getLoopBounds();
  }];
}

#endif // IMC_DIALECT_DPU_IR_DPUOPS_TD
