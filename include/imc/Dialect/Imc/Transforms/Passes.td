//===- Passes.td - imc transformation passes ---------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD
#define IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ImcFuseBatchNorm : Pass<"imc-fuse-batchnorm", "::mlir::ModuleOp"> {
  let summary = "Fold per-channel scale/shift (inference batch norm) into the "
                "weights and bias of the convolution or matmul before it";
  let description = [{
    A `dpu.affine` along the channel dimension of an `imc.conv2d` (dim 1), or
    along the output dimension of an `imc.mvm` (optionally through its
    `dpu.bias_add`), is folded: `W'[.., f] = W[.., f] * scale[f]`,
    `b'[f] = b[f] * scale[f] + shift[f]`. Exact up to f32 rounding of the
    new constants. Only producers with no other user are rewritten; a
    `dpu.affine` with nothing to fold into stays on the DPU.
  }];
  let dependentDialects = ["::imc::ImcDialect", "::imc::dpu::DpuDialect"];
}

def ImcLowerConv : Pass<"imc-lower-conv", "::mlir::ModuleOp"> {
  let summary = "Unroll imc.conv2d into im2col and a weight-stationary MVM";
  let description = [{
    `imc.conv2d` becomes `dpu.im2col` (rows = output pixels, columns =
    C KH KW window elements), an `imc.mvm` with the `(C KH KW) x F` weight
    matrix (NeuroSim's conventional mapping: each filter is one crossbar
    column), `dpu.bias_add`, and a reshape + transpose back to NCHW. Grouped
    and depthwise convolutions use a block-diagonal weight matrix; `imc-tile`
    does not place its all-zero blocks on tiles.
  }];
  let dependentDialects = ["::imc::ImcDialect", "::imc::dpu::DpuDialect",
                           "::mlir::arith::ArithDialect"];
}

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
