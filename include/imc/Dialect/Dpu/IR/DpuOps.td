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

#endif // IMC_DIALECT_DPU_IR_DPUOPS_TD
