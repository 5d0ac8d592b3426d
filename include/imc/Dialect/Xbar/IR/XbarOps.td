//===- XbarOps.td - analog crossbar operations -------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_XBAR_IR_XBAROPS_TD
#define IMC_DIALECT_XBAR_IR_XBAROPS_TD

include "imc/Dialect/Xbar/IR/XbarDialect.td"
include "imc/Dialect/CommonTraits.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Xbar_Op<string mnemonic, list<Trait> traits = []>
    : Op<Xbar_Dialect, mnemonic, traits>;

def Xbar_ProgramOp : Xbar_Op<"program", [Pure]> {
  let summary = "program a crossbar tile with a block of weights";
  let description = [{
    Writes a `K x N` block of weights into tile number `tile`. Each weight is
    quantized to `weight_bits` (signed) and stored in `cell_bits`-bit cells
    as `weight_mapping` says (docs/quantization.md, "Weight mappings"):
    `"differential"` (the default when absent) as a pair of magnitudes, each
    split into `ceil((weight_bits - 1) / cell_bits)` slices, `"offset"` as
    `q + 2^(weight_bits-1)` in `ceil(weight_bits / cell_bits)` slices plus
    one reference column for the tile, `"twos_complement"` as the low
    `weight_bits - 1` bits in `ceil((weight_bits - 1) / cell_bits)` slices
    and a sign column.

    Example:

    ```mlir
    %t = xbar.program %w {tile = 0 : i64, weight_bits = 8 : i64,
                          cell_bits = 2 : i64}
        : tensor<64x16xf32> -> !xbar.tile<64x16, slices = 4>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32]>:$weights,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$tile,
                       I64Attr:$weight_bits, I64Attr:$cell_bits,
                       OptionalAttr<StrAttr>:$weight_mapping);
  let results = (outs Xbar_TileType:$result);
  let assemblyFormat = "$weights attr-dict `:` type($weights) `->` qualified(type($result))";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Cell slices per weight (hw::XbarPrecision::slices).
    int64_t getNumSlices();
    /// The weight mapping (differential when the attribute is absent).
    ::imc::hw::WeightMapping getMapping();
    /// Cells this op writes.
    int64_t getNumCellWrites();
  }];
}

def Xbar_MvmOp : Xbar_Op<"mvm", [Pure]> {
  let summary = "matrix-vector multiply on a crossbar tile";
  let description = [{
    Multiplies each row of `input` (`M x K`, K = the tile's rows) by the
    tile's weights. Inputs are quantized to `input_bits` and applied through
    `dac_bits`-bit DACs over `cycles = ceil((input_bits - 1) / dac_bits)`
    cycles (signed codes), or `ceil(input_bits / dac_bits)` with
    `unsigned_input` (the compiler sets it where it proves the input
    non-negative and the target has `precision.unsigned_activations`); `parallel_rows` rows are summed per conversion of an
    `adc_bits`-bit ADC, per cycle and per weight slice of the tile; the
    cycles x slices partial sums are shifted and added in the tile's
    accumulator (docs/quantization.md).

    Example:

    ```mlir
    %y = xbar.mvm %t, %x {input_bits = 8 : i64, dac_bits = 1 : i64,
                          cycles = 7 : i64, adc_bits = 8 : i64,
                          parallel_rows = 32 : i64}
        : !xbar.tile<64x16, slices = 4>, tensor<1x64xf32> -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Xbar_TileType:$tile, StaticShapeTensorOf<[F32]>:$input,
                       I64Attr:$input_bits, I64Attr:$dac_bits,
                       I64Attr:$cycles, I64Attr:$adc_bits,
                       I64Attr:$parallel_rows, UnitAttr:$unsigned_input);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $tile `,` $input attr-dict `:` qualified(type($tile)) `,` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Xbar_AccumulateOp : Xbar_Op<"accumulate",
    [Pure, SameOperandsAndResultType, AtLeastNOperands<2>]> {
  let summary = "accumulate partial sums of tiles";
  let description = [{
    Adds the outputs of tiles that hold different row blocks of one weight
    matrix, in the tile accumulator.

    Example:

    ```mlir
    %s = xbar.accumulate %p0, %p1 : tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Variadic<StaticShapeTensorOf<[F32]>>:$partials);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = "$partials attr-dict `:` type($result)";
}

#endif // IMC_DIALECT_XBAR_IR_XBAROPS_TD
