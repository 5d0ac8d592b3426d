//===- Passes.td - imc transformation passes ---------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD
#define IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ImcMap : Pass<"imc-map", "::mlir::ModuleOp"> {
  let summary = "Assign every imc.mvm to crossbar tiles or to the DPU";
  let description = [{
    Sets `engine` on each `imc.mvm` that has none. Policies:
    `analog` puts every weight-stationary product on crossbars (all analog
    where possible); `digital` puts all of them on the DPU (the all-digital
    baseline). An `engine` already set (by hand or an earlier pass) is kept.
    With `emit-remarks`, each decision is reported as a remark, and the
    module-level analog MAC ratio (analog MACs / all MACs) too.
  }];
  let options = [
    Option<"policy", "policy", "std::string", /*default=*/"\"analog\"",
           "Mapping policy: analog | digital">,
    Option<"emitRemarks", "emit-remarks", "bool", /*default=*/"false",
           "Report each decision and the analog MAC ratio as remarks">,
  ];
  let dependentDialects = ["::imc::ImcDialect"];
}

def ImcTile : Pass<"imc-tile", "::mlir::ModuleOp"> {
  let summary = "Tile crossbar-mapped imc.mvm ops to the target's array size";
  let description = [{
    Splits the `K x N` weights of every crossbar-mapped `imc.mvm` into blocks
    of at most `rows` x `cols / (2 S)` weights (S cell slices per weight, the
    pair being differential), one per crossbar tile. Row blocks read slices
    of the input (`tensor.extract_slice`) and their partial sums are added by
    `imc.accumulate`; column blocks are placed into the result with
    `tensor.insert_slice`. Ops that already fit are left alone.
  }];
  let options = [
    Option<"targetPath", "target", "std::string", /*default=*/"\"\"",
           "Hardware target JSON file (default: the module's imc.target)">,
  ];
  let dependentDialects = ["::imc::ImcDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD
