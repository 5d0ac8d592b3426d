//===- DenseF32.h - the elements of a dense f32 constant, uncopied -*- C++ -*-//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Weights are the bulk of a model (VGG-16: 138 M floats): passes that read
// them go through the attribute's own storage, not an element iterator.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_DENSEF32_H
#define IMC_SUPPORT_DENSEF32_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ArrayRef.h"

#include <cassert>
#include <vector>

namespace imc {

/// The elements of a non-splat dense f32 attribute, row-major, in the
/// attribute's storage.
inline llvm::ArrayRef<float> denseF32(mlir::DenseElementsAttr a) {
  assert(!a.isSplat() && a.getElementType().isF32());
  llvm::ArrayRef<char> raw = a.getRawData();
  return {reinterpret_cast<const float *>(raw.data()),
          raw.size() / sizeof(float)};
}

/// The elements of a dense f32 attribute, splat or not, as a vector.
inline std::vector<float> denseF32Copy(mlir::DenseElementsAttr a) {
  if (a.isSplat())
    return std::vector<float>(a.getNumElements(), a.getSplatValue<float>());
  llvm::ArrayRef<float> v = denseF32(a);
  return {v.begin(), v.end()};
}

} // namespace imc

#endif // IMC_SUPPORT_DENSEF32_H
