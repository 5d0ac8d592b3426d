//===- XbarDialect.td - analog crossbar dialect ------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_XBAR_IR_XBARDIALECT_TD
#define IMC_DIALECT_XBAR_IR_XBARDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Xbar_Dialect : Dialect {
  let name = "xbar";
  let cppNamespace = "::imc::xbar";
  let summary = "Analog crossbar arrays at the device level";
  let description = [{
    The `xbar` dialect models resistive crossbar tiles: programming a tile
    with a block of weights (`xbar.program`, which writes cells and is
    counted), a matrix-vector multiply through the tile's DAC/ADC periphery
    with explicit precisions (`xbar.mvm`), and the accumulation of partial
    sums (`xbar.accumulate`). A tile holds at most `rows` x `cols / (2 S)`
    weights, S being the number of cell slices per weight
    (docs/quantization.md).
  }];
  let useDefaultTypePrinterParser = 1;
}

class Xbar_Type<string name, string typeMnemonic>
    : TypeDef<Xbar_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def Xbar_TileType : Xbar_Type<"Tile", "tile"> {
  let summary = "a programmed crossbar tile";
  let description = [{
    A crossbar tile holding a `rows x cols` block of weights, each stored as
    `slices` cell slices of its magnitude, for each side of a differential
    pair, e.g. `!xbar.tile<128x16, slices = 4>`: 128 rows x (16 x 2 x 4 =
    128) cells.
  }];
  let parameters = (ins "int64_t":$rows, "int64_t":$cols, "int64_t":$slices);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // IMC_DIALECT_XBAR_IR_XBARDIALECT_TD
