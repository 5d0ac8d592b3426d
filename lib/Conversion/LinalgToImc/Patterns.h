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

/// Any linalg op left after the specific patterns, whose loops and body the
/// DPU can run -> dpu.generic. Applied in a second phase.
void populateGenericFallbackPatterns(mlir::RewritePatternSet &patterns);

/// Scalar body ops dpu.generic supports (the simulator interprets them).
bool isSupportedGenericBodyOp(mlir::Operation *op);

/// True if `v` is all zeros (+0.0 or -0.0): a zero constant or a linalg.fill
/// of zero.
bool isZeroTensor(mlir::Value v);

} // namespace imc

#endif // IMC_LIB_CONVERSION_LINALGTOIMC_PATTERNS_H
