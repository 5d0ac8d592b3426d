//===- Importer.h - build linalg-on-tensors from framework graphs -*- C++ -*-=//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one importer front ends call (the torch.fx exporter today, ONNX next):
// each method appends the linalg-on-tensors form of one layer to a function
// `@main`, in the spellings torch-mlir emits, so the imc pipeline sees what it
// would see from torch-mlir. Values are handles (indices); weights are
// constants. Every layer gets its framework name as location, which becomes
// the layer name in imc-sim's report.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_IMPORT_IMPORTER_H
#define IMC_IMPORT_IMPORTER_H

#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
class ModuleOp;
} // namespace mlir

namespace imc {

class Importer {
public:
  using Handle = int64_t;
  enum class Unary {
    Relu,
    Relu6,
    Sigmoid,
    Tanh,
    Gelu,
    Silu,
    Hardswish,
    Hardsigmoid,
    Erf,
    Sqrt,
    Exp,
    Log,
    Abs,
    Neg
  };
  /// Arithmetic, max/min, and comparisons (1.0 where true, else 0.0).
  enum class Binary { Add, Sub, Mul, Div, Max, Min, Eq, Ne, Lt, Le, Gt, Ge };

  /// Every method checks its arguments (shapes, sizes of biases and
  /// parameters, window parameters, permutations) and throws
  /// std::invalid_argument naming the layer, before it builds anything.
  explicit Importer(mlir::MLIRContext &ctx);
  ~Importer();

  /// A function argument of static f32 shape.
  Handle input(llvm::ArrayRef<int64_t> shape);
  /// A constant tensor (row-major data).
  Handle constant(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> data);

  /// y = x W^T + b, x: [..., in], W: [out, in] (PyTorch's layout:
  /// linalg.matmul_transpose_b), or y = x W + b with W: [in, out] when
  /// `inOut` (linalg.matmul: the crossbar's layout, no transpose to make).
  Handle linear(Handle x, Handle w, std::optional<Handle> b,
                llvm::StringRef name, bool inOut = false);
  /// NCHW convolution, W: [F, C/groups, KH, KW] constant, b: [F].
  Handle conv2d(Handle x, Handle w, std::optional<Handle> b,
                llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> padding,
                llvm::ArrayRef<int64_t> dilation, int64_t groups,
                llvm::StringRef name);
  /// Inference batch norm over dim 1 (constants mean, var, gamma, beta).
  Handle batchNorm(Handle x, Handle mean, Handle var, Handle gamma, Handle beta,
                   double eps, llvm::StringRef name);
  Handle unary(Unary kind, Handle x, llvm::StringRef name);
  /// Element-wise with NumPy broadcasting (shapes aligned on the right).
  Handle binary(Binary kind, Handle a, Handle b, llvm::StringRef name);
  /// c != 0 ? a : b element-wise, the three broadcast as NumPy does.
  Handle select(Handle c, Handle a, Handle b, llvm::StringRef name);
  /// x broadcast to `shape` (NumPy rules), materialized.
  Handle expand(Handle x, llvm::ArrayRef<int64_t> shape, llvm::StringRef name);
  /// The box of x at `offsets` with `sizes` (unit strides, rank kept).
  Handle slice(Handle x, llvm::ArrayRef<int64_t> offsets,
               llvm::ArrayRef<int64_t> sizes, llvm::StringRef name);
  /// Max or average (count_include_pad) 2-D pooling, NCHW; `padding` is
  /// [h, w] (both sides) or [top, left, bottom, right].
  Handle pool2d(bool max, Handle x, llvm::ArrayRef<int64_t> kernel,
                llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> padding,
                llvm::StringRef name);
  /// Mean over H and W keeping them as 1 (adaptive average pool to 1x1).
  Handle globalAvgPool(Handle x, llvm::StringRef name);
  /// Same elements, new static shape.
  Handle reshape(Handle x, llvm::ArrayRef<int64_t> shape, llvm::StringRef name);
  /// x + b with a 1-D b broadcast along the last dimension.
  Handle biasAdd(Handle x, Handle b, llvm::StringRef name);
  /// x (op) scalar, or scalar (op) x when `scalarFirst`.
  Handle scalar(Binary kind, Handle x, double value, bool scalarFirst,
                llvm::StringRef name);
  /// Softmax over the last dimension.
  Handle softmax(Handle x, llvm::StringRef name);
  /// Layer norm over the last dimension (gamma, beta: constants or absent).
  Handle layerNorm(Handle x, std::optional<Handle> gamma,
                   std::optional<Handle> beta, double eps,
                   llvm::StringRef name);
  /// Dimension permutation (result dim d = input dim perm[d]).
  Handle permute(Handle x, llvm::ArrayRef<int64_t> perm, llvm::StringRef name);
  Handle concat(llvm::ArrayRef<Handle> xs, int64_t dim, llvm::StringRef name);
  /// 2-D matmul or 3-D batch matmul (a constant right operand is a
  /// weight-stationary product).
  Handle matmul(Handle a, Handle b, llvm::StringRef name);
  /// Mean over `dims` (none: all of them, as torch.mean and ONNX
  /// ReduceMean), keeping them as size 1 if `keepDim`.
  Handle mean(Handle x, llvm::ArrayRef<int64_t> dims, bool keepDim,
              llvm::StringRef name);

  std::vector<int64_t> shape(Handle v) const;

  /// Returns the module; the importer is spent afterwards.
  mlir::OwningOpRef<mlir::ModuleOp> finish(llvm::ArrayRef<Handle> outputs);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace imc

#endif // IMC_IMPORT_IMPORTER_H
