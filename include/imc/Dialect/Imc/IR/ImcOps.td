//===- ImcOps.td - imc dialect operations ------------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_IR_IMCOPS_TD
#define IMC_DIALECT_IMC_IR_IMCOPS_TD

include "imc/Dialect/Imc/IR/ImcDialect.td"
include "imc/Dialect/CommonTraits.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Imc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Imc_Dialect, mnemonic, traits>;

def Imc_F32Matrix : 2DTensorOf<[F32]>;

def Imc_MvmOp : Imc_Op<"mvm", [Pure]> {
  let summary = "weight-stationary matrix multiply";
  let description = [{
    `imc.mvm` multiplies a batch of input vectors (`M x K`) by a constant
    weight matrix (`K x N`), the operation crossbar arrays compute in place.
    The weights must be a constant (`arith.constant`): they are programmed
    into the arrays once and stay there. Products of two computed tensors are
    `dpu.matmul`.

    The optional `engine` attribute records the mapping decision; the tiling
    and lowering passes require it.

    Example:

    ```mlir
    %y = imc.mvm %x, %w {engine = #imc.engine<xbar>}
        : tensor<1x64xf32>, tensor<64x128xf32> -> tensor<1x128xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32]>:$input,
                       StaticShapeTensorOf<[F32]>:$weight,
                       OptionalAttr<Imc_EngineAttr>:$engine);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Multiply-accumulates this op performs: M * K * N.
    int64_t getNumMacs();
  }];
}

def Imc_Conv2dOp : Imc_Op<"conv2d", [Pure]> {
  let summary = "weight-stationary 2-D convolution (NCHW)";
  let description = [{
    A convolution whose weights (`F x C/groups x KH x KW`) and optional bias
    (`F`) are constants, on an `N x C x H x W` input, producing
    `N x F x OH x OW` with
    `OH = (H + pad_top + pad_bottom - dilation_h (KH - 1) - 1) / stride_h + 1`
    (likewise OW). Zero padding is `[top, left, bottom, right]`. This is the
    level at which batch-norm folding rewrites weights; `imc-lower-conv` then
    unrolls it into `dpu.im2col` and an `imc.mvm` (groups as a block-diagonal
    weight matrix).

    Example:

    ```mlir
    %y = imc.conv2d %x, %w, %b {strides = array<i64: 1, 1>,
        padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
        groups = 1 : i64}
        : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>
        -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32]>:$input,
                       StaticShapeTensorOf<[F32]>:$weight,
                       Optional<StaticShapeTensorOf<[F32]>>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilations,
                       ConfinedAttr<I64Attr, [IntPositive]>:$groups);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Multiply-accumulates: N * F * OH * OW * (C / groups) * KH * KW.
    int64_t getNumMacs();
  }];
}

def Imc_AccumulateOp : Imc_Op<"accumulate",
    [Pure, SameOperandsAndResultType, AtLeastNOperands<2>]> {
  let summary = "sum of partial results";
  let description = [{
    Adds the partial sums that tiling a weight matrix along its rows produces
    (one per row block). Element-wise; all operands have the result's type.

    Example:

    ```mlir
    %s = imc.accumulate %p0, %p1 : tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Variadic<StaticShapeTensorOf<[F32]>>:$partials);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = "$partials attr-dict `:` type($result)";
}

#endif // IMC_DIALECT_IMC_IR_IMCOPS_TD
