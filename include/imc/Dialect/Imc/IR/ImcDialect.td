//===- ImcDialect.td - the imc dialect ---------------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_IR_IMCDIALECT_TD
#define IMC_DIALECT_IMC_IR_IMCDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Imc_Dialect : Dialect {
  let name = "imc";
  let cppNamespace = "::imc";
  let summary = "Device-agnostic in-memory-computing operations";
  let description = [{
    The `imc` dialect holds tensor-level operations that an in-memory-computing
    chip executes, before they are bound to a device: the weight-stationary
    matrix multiply that crossbar arrays run (`imc.mvm`), the accumulation of
    partial sums produced by tiling (`imc.accumulate`), and the `#imc.engine`
    attribute that the mapping pass uses to assign each operation to analog
    crossbar tiles (`xbar`) or to the digital processing unit (`dpu`).

    The hardware target a module is compiled for is recorded on the module as
    the `imc.target` dictionary attribute (the JSON target file, field for
    field); the dialect verifies it with the same validator as the files.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    /// Name of the module attribute that holds the hardware target.
    static constexpr ::llvm::StringLiteral kTargetAttrName = "imc.target";
  }];
}

def Imc_EngineXbar : I32EnumAttrCase<"xbar", 0>;
def Imc_EngineDpu : I32EnumAttrCase<"dpu", 1>;
def Imc_Engine : I32EnumAttr<"Engine", "engine an operation is mapped to",
                             [Imc_EngineXbar, Imc_EngineDpu]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::imc";
}
def Imc_EngineAttr : EnumAttr<Imc_Dialect, Imc_Engine, "engine"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "Engine an operation runs on: analog crossbars or the DPU";
}

#endif // IMC_DIALECT_IMC_IR_IMCDIALECT_TD
