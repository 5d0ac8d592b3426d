//===- Passes.td - imc conversion passes -------------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_CONVERSION_PASSES_TD
#define IMC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLinalgToImc : Pass<"convert-linalg-to-imc", "::mlir::ModuleOp"> {
  let summary = "Convert linalg-on-tensors to the imc and dpu dialects";
  let description = [{
    Recognises the forms front ends emit (torch-mlir style) and rewrites them:
    `linalg.matmul` (and `matmul_transpose_b`) with constant weights, possibly
    through a `linalg.transpose` of a constant, becomes `imc.mvm` (a non-zero
    accumulator adds a `dpu.add`); with computed weights it becomes
    `dpu.matmul`. Element-wise `linalg.generic` bodies and the named
    `linalg.add`/`sub`/`mul`/`max` become `dpu.add`/`sub`/`mul`/`max`; a
    broadcast along the last dimension becomes `dpu.bias_add`; `max(x, 0)`
    (as `arith.maximumf`, `arith.maxnumf` or `cmpf`+`select`) becomes
    `dpu.relu`; convolutions become `imc.conv2d`, pooling `dpu.pool`,
    per-channel affine bodies (batch norm) `dpu.affine`. In a second phase any
    linalg op left whose loops and body the DPU can run (softmax, layer norm,
    GELU, reductions, activation x activation products) becomes
    `dpu.generic`. Whatever is still left is an error at that op.
  }];
  let dependentDialects = ["::imc::ImcDialect",
                           "::imc::dpu::DpuDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def ConvertImcToXbar : Pass<"convert-imc-to-xbar", "::mlir::ModuleOp"> {
  let summary = "Lower crossbar-mapped imc ops to xbar tiles";
  let description = [{
    Each crossbar-mapped `imc.mvm` (which must fit one tile: run `imc-tile`
    first) becomes an `xbar.program` of its weights into a fresh tile and an
    `xbar.mvm` with the target's input/DAC/ADC precision; `imc.accumulate`
    becomes `xbar.accumulate`.
  }];
  let options = [
    Option<"targetPath", "target", "std::string", /*default=*/"\"\"",
           "Hardware target JSON file (default: the module's imc.target)">,
  ];
  let dependentDialects = ["::imc::xbar::XbarDialect"];
}

def ConvertImcToDpu : Pass<"convert-imc-to-dpu", "::mlir::ModuleOp"> {
  let summary = "Lower DPU-mapped imc ops to the dpu dialect";
  let description = [{
    Each `imc.mvm` mapped to the DPU becomes a `dpu.matmul`.
  }];
  let dependentDialects = ["::imc::dpu::DpuDialect"];
}

#endif // IMC_CONVERSION_PASSES_TD
