//===- Patterns.h - linalg -> imc/dpu rewrite patterns -----------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_LIB_CONVERSION_LINALGTOIMC_PATTERNS_H
#define IMC_LIB_CONVERSION_LINALGTOIMC_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace imc {

/// Convolutions (NCHW, NHWC, depthwise), pooling, and the tensor reshapes and
/// transposes around them.
void populateConvPatterns(mlir::RewritePatternSet &patterns);

/// Element-wise generics that are an affine function of one input per
/// channel (inference batch norm, scalar scaling) -> dpu.affine.
void populateAffinePatterns(mlir::RewritePatternSet &patterns);

/// True if `v` is all +0.0: a zero constant or a linalg.fill of zero.
bool isZeroTensor(mlir::Value v);

} // namespace imc

#endif // IMC_LIB_CONVERSION_LINALGTOIMC_PATTERNS_H
