//===- TilePlan.h - how a weight matrix is cut into crossbar tiles -*- C++ -*-//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one definition of the tiling of a K x N weight matrix: row blocks of at
// most `rows`, column blocks of at most `cols` weights, all-zero blocks
// dropped. imc-tile builds the IR from it; imc-map counts tiles and
// utilization with it, so the two always agree.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_TRANSFORMS_TILEPLAN_H
#define IMC_DIALECT_IMC_TRANSFORMS_TILEPLAN_H

#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>
#include <vector>

namespace imc {

struct TileBlock {
  int64_t row0, rows, col0, cols;
  bool allZero;
};

struct TilePlan {
  std::vector<std::pair<int64_t, int64_t>> rowBlocks, colBlocks; // (start, size)
  std::vector<TileBlock> blocks; ///< column-block major, then row block
  int64_t nonZeroWeights = 0;

  /// Tiles the plan occupies (blocks that are not all zero).
  int64_t numTiles() const;
  /// Non-zero weights over the weight capacity of the occupied tiles.
  double utilization(int64_t tileRows, int64_t tileCols) const;
};

/// Most weight blocks (tiles before all-zero ones are dropped) imc compiles
/// in one module: far above real networks (VGG-16 at 224x224 needs about
/// 67,000 on the default target), far below what would take hours to emit.
constexpr int64_t kMaxWeightBlocks = int64_t(1) << 20;

/// Blocks of a K x N matrix cut into tiles of at most `tileRows` x
/// `tileCols` (saturating instead of overflowing).
int64_t weightBlocks(int64_t k, int64_t n, int64_t tileRows, int64_t tileCols);

/// Plans the tiling of a constant K x N f32 matrix.
TilePlan planTiles(mlir::DenseElementsAttr weights, int64_t tileRows,
                   int64_t tileCols);

} // namespace imc

#endif // IMC_DIALECT_IMC_TRANSFORMS_TILEPLAN_H
