//===- TilePlan.cpp - how a weight matrix is cut into crossbar tiles ------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Imc/Transforms/TilePlan.h"
#include "imc/Support/DenseF32.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

int64_t imc::weightBlocks(int64_t k, int64_t n, int64_t tileRows,
                          int64_t tileCols) {
  const int64_t rows = (k + tileRows - 1) / tileRows,
                cols = (n + tileCols - 1) / tileCols;
  int64_t blocks;
  return __builtin_mul_overflow(rows, cols, &blocks) ? INT64_MAX : blocks;
}

int64_t imc::TilePlan::numTiles() const {
  int64_t n = 0;
  for (const TileBlock &b : blocks)
    n += !b.allZero;
  return n;
}

double imc::TilePlan::utilization(int64_t tileRows, int64_t tileCols) const {
  const int64_t tiles = numTiles();
  return tiles ? double(nonZeroWeights) / double(tiles * tileRows * tileCols)
               : 0.0;
}

imc::TilePlan imc::planTiles(DenseElementsAttr weights, int64_t tileRows,
                             int64_t tileCols) {
  TilePlan plan;
  auto type = weights.getType();
  const int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  for (int64_t r = 0; r < k; r += tileRows)
    plan.rowBlocks.push_back({r, std::min(tileRows, k - r)});
  for (int64_t c = 0; c < n; c += tileCols)
    plan.colBlocks.push_back({c, std::min(tileCols, n - c)});

  // Non-zero counts per (row block, column block) in one pass.
  const size_t nr = plan.rowBlocks.size(), nc = plan.colBlocks.size();
  std::vector<int64_t> nnz(nr * nc, 0);
  if (weights.isSplat()) {
    if (weights.getSplatValue<float>() != 0.0f)
      for (size_t i = 0; i < nr; ++i)
        for (size_t j = 0; j < nc; ++j)
          nnz[i * nc + j] = plan.rowBlocks[i].second * plan.colBlocks[j].second;
  } else {
    ArrayRef<float> v = denseF32(weights);
    for (int64_t r = 0; r < k; ++r) {
      int64_t *row = &nnz[size_t(r / tileRows) * nc];
      const float *src = &v[size_t(r) * n];
      for (size_t j = 0; j < nc; ++j) {
        int64_t count = 0;
        const int64_t c0 = plan.colBlocks[j].first,
                      c1 = c0 + plan.colBlocks[j].second;
        for (int64_t c = c0; c < c1; ++c)
          count += src[c] != 0.0f;
        row[j] += count;
      }
    }
  }
  for (size_t j = 0; j < nc; ++j)
    for (size_t i = 0; i < nr; ++i) {
      plan.blocks.push_back({plan.rowBlocks[i].first, plan.rowBlocks[i].second,
                             plan.colBlocks[j].first, plan.colBlocks[j].second,
                             nnz[i * nc + j] == 0});
      plan.nonZeroWeights += nnz[i * nc + j];
    }
  return plan;
}
