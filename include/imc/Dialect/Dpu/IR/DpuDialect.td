//===- DpuDialect.td - digital processing unit dialect -----*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_DPU_IR_DPUDIALECT_TD
#define IMC_DIALECT_DPU_IR_DPUDIALECT_TD

include "mlir/IR/OpBase.td"

def Dpu_Dialect : Dialect {
  let name = "dpu";
  let cppNamespace = "::imc::dpu";
  let summary = "Digital processing unit operations";
  let description = [{
    The `dpu` dialect holds the work an IMC chip's digital processing unit
    does next to the crossbars: element-wise arithmetic and activations, bias
    addition, requantization, reductions, and matrix products whose operands
    are both computed (and therefore cannot be stationary in an array). All
    operations work on statically shaped f32 tensors.
  }];
}

#endif // IMC_DIALECT_DPU_IR_DPUDIALECT_TD
