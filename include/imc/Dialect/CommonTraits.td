//===- CommonTraits.td - traits shared by imc's dialects ---*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_COMMONTRAITS_TD
#define IMC_DIALECT_COMMONTRAITS_TD

include "mlir/IR/OpBase.td"

// mlir::OpTrait::AtLeastNOperands, which upstream ODS does not expose.
class AtLeastNOperands<int n>
    : ParamNativeOpTrait<"AtLeastNOperands", !cast<string>(n)>;

#endif // IMC_DIALECT_COMMONTRAITS_TD
