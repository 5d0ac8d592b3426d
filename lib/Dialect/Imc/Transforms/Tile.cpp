//===- Tile.cpp - tile imc.mvm to the target's crossbar size --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/CostModel.h"
#include "imc/Cost/Replicate.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Imc/Transforms/Passes.h"
#include "imc/Dialect/Imc/Transforms/TilePlan.h"
#include "imc/Support/DenseF32.h"
#include "imc/Support/PassOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace imc {
#define GEN_PASS_DEF_IMCTILE
#include "imc/Dialect/Imc/Transforms/Passes.h.inc"
} // namespace imc

using namespace mlir;
using namespace imc;

namespace {

/// The sub-block [r0, r0+nr) x [c0, c0+nc) of a constant matrix.
DenseElementsAttr sliceConstant(DenseElementsAttr w, int64_t r0, int64_t nr,
                                int64_t c0, int64_t nc) {
  auto type = RankedTensorType::get({nr, nc}, w.getElementType());
  if (w.isSplat())
    return w.resizeSplat(type);
  const int64_t cols = w.getType().getDimSize(1);
  ArrayRef<float> values = denseF32(w);
  if (r0 == 0 && c0 == 0 && nr * nc == int64_t(values.size()))
    return w; // the whole matrix
  std::vector<float> out(size_t(nr * nc));
  for (int64_t r = 0; r < nr; ++r)
    std::copy_n(&values[size_t(r0 + r) * cols + c0], nc, &out[size_t(r * nc)]);
  return DenseElementsAttr::get(type, ArrayRef<float>(out));
}

Value extract2D(OpBuilder &b, Location loc, Value src, int64_t r0, int64_t nr,
                int64_t c0, int64_t nc) {
  return b.create<tensor::ExtractSliceOp>(
      loc, src, ArrayRef<OpFoldResult>{b.getIndexAttr(r0), b.getIndexAttr(c0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(nr), b.getIndexAttr(nc)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

/// Replaces `op` (K x N weights) by the tiles of its TilePlan. All-zero
/// weight blocks (the off-diagonal blocks of grouped convolutions) get no
/// tile; a column block with no tile at all contributes zeros.
void tileMvm(MvmOp op, int64_t tileRows, int64_t tileCols) {
  DenseElementsAttr w;
  matchPattern(op.getWeight(), m_Constant(&w)); // guaranteed by the verifier
  const TilePlan plan = planTiles(w, tileRows, tileCols);
  const int64_t m = op.getInput().getType().getDimSize(0);
  const size_t numRowBlocks = plan.rowBlocks.size();
  const bool manyColBlocks = plan.colBlocks.size() > 1;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto engine = op.getEngineAttr();

  // Input slices, one per row block (shared by all column blocks).
  SmallVector<Value> inputs;
  for (auto [r0, nr] : plan.rowBlocks)
    inputs.push_back(numRowBlocks == 1
                         ? op.getInput()
                         : extract2D(b, loc, op.getInput(), 0, m, r0, nr));

  bool someColumnBlockIsZero = false;
  for (size_t j = 0; j < plan.colBlocks.size(); ++j) {
    bool allZero = true;
    for (size_t i = 0; i < numRowBlocks; ++i)
      allZero &= plan.blocks[j * numRowBlocks + i].allZero;
    someColumnBlockIsZero |= allZero;
  }
  Value result;
  if (someColumnBlockIsZero)
    result = b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(op.getType(), 0.0f));
  else if (manyColBlocks)
    result = b.create<tensor::EmptyOp>(loc, op.getType().getShape(),
                                       op.getType().getElementType());
  for (size_t j = 0; j < plan.colBlocks.size(); ++j) {
    auto [c0, nc] = plan.colBlocks[j];
    SmallVector<Value> partials;
    for (size_t i = 0; i < numRowBlocks; ++i) {
      const TileBlock &blk = plan.blocks[j * numRowBlocks + i];
      if (blk.allZero)
        continue;
      Value weights = b.create<arith::ConstantOp>(
          loc, sliceConstant(w, blk.row0, blk.rows, c0, nc));
      auto type = RankedTensorType::get({m, nc}, b.getF32Type());
      partials.push_back(
          b.create<MvmOp>(loc, type, inputs[i], weights, engine));
    }
    if (partials.empty())
      continue; // zeros, already in `result`
    Value block =
        partials.size() == 1
            ? partials.front()
            : b.create<AccumulateOp>(loc, partials.front().getType(), partials)
                  .getResult();
    if (!manyColBlocks && !someColumnBlockIsZero) {
      result = block;
      break;
    }
    result = b.create<tensor::InsertSliceOp>(
        loc, block, result,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(c0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(m), b.getIndexAttr(nc)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  }
  op.getResult().replaceAllUsesWith(result);
  Operation *weightDef = op.getWeight().getDefiningOp();
  op.erase();
  if (weightDef->use_empty())
    weightDef->erase();
}

/// Splits `op` (M x K input) by input rows into `replicas` ops on
/// consecutive row chunks of sizes ceil(M / replicas) (the last shorter),
/// their results inserted into one M x N tensor.
void replicateMvm(MvmOp op, int64_t replicas) {
  const int64_t m = op.getInput().getType().getDimSize(0);
  const int64_t k = op.getInput().getType().getDimSize(1);
  const int64_t n = op.getType().getDimSize(1);
  const int64_t chunk = (m + replicas - 1) / replicas;
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value result = b.create<tensor::EmptyOp>(loc, op.getType().getShape(),
                                           op.getType().getElementType());
  for (int64_t m0 = 0; m0 < m; m0 += chunk) {
    const int64_t mc = std::min(chunk, m - m0);
    Value x = extract2D(b, loc, op.getInput(), m0, mc, 0, k);
    auto type = RankedTensorType::get({mc, n}, b.getF32Type());
    Value part =
        b.create<MvmOp>(loc, type, x, op.getWeight(), op.getEngineAttr());
    result = b.create<tensor::InsertSliceOp>(
        loc, part, result,
        ArrayRef<OpFoldResult>{b.getIndexAttr(m0), b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(mc), b.getIndexAttr(n)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  }
  op.getResult().replaceAllUsesWith(result);
  op.erase();
}

struct ImcTilePass : imc::impl::ImcTileBase<ImcTilePass> {
  IMC_PASS_OPTIONS_LIST_VALID

  using ImcTileBase::ImcTileBase;

  void runOnOperation() override {
    FailureOr<hw::Target> target = resolveTarget(getOperation(), targetPath);
    if (failed(target))
      return signalPassFailure();
    const int64_t tileRows = target->rows,
                  tileCols = target->weightColsPerArray();

    if (replicate != "1") {
      // The policy is cost::chooseReplicas, shared with the profile
      // evaluator.
      SmallVector<MvmOp> mvms;
      std::vector<cost::ReplicaCandidate> ops;
      getOperation().walk([&](MvmOp op) {
        if (!op.getEngine() || *op.getEngine() != Engine::xbar)
          return;
        DenseElementsAttr weights;
        matchPattern(op.getWeight(), m_Constant(&weights));
        const int64_t k = op.getInput().getType().getDimSize(1);
        const int64_t n = op.getType().getDimSize(1);
        mvms.push_back(op);
        ops.push_back({planTiles(weights, tileRows, tileCols).numTiles(),
                       op.getInput().getType().getDimSize(0),
                       std::min(k, tileRows), std::min(n, tileCols)});
      });
      const cost::Model model(*target);
      if (std::string why =
              cost::chooseReplicas(ops, replicate.getValue(), model);
          !why.empty()) {
        getOperation().emitError("imc-tile: ") << why;
        return signalPassFailure();
      }
      for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i].replicas > 1)
          replicateMvm(mvms[i], ops[i].replicas);
    }

    SmallVector<MvmOp> toTile;
    bool invalid = false;
    int64_t blocks = 0;
    getOperation().walk([&](MvmOp op) {
      if (invalid)
        return;
      if (!op.getEngine()) {
        op.emitError("imc-tile: op has no engine; run imc-map first");
        invalid = true;
        return;
      }
      if (*op.getEngine() != Engine::xbar)
        return;
      auto w = op.getWeight().getType();
      const int64_t n =
          weightBlocks(w.getDimSize(0), w.getDimSize(1), tileRows, tileCols);
      if (n > kMaxWeightBlocks - blocks) {
        op.emitError() << "imc-tile: the module needs more than "
                       << kMaxWeightBlocks
                       << " weight blocks of the target's array (this product "
                          "alone: "
                       << n << "), more than imc compiles";
        invalid = true;
        return;
      }
      blocks += n;
      DenseElementsAttr weights;
      matchPattern(op.getWeight(), m_Constant(&weights));
      // Larger than a tile, or containing all-zero blocks (which get no
      // tile): the same TilePlan imc-map counts with.
      const TilePlan plan = planTiles(weights, tileRows, tileCols);
      if (w.getDimSize(0) > tileRows || w.getDimSize(1) > tileCols ||
          plan.numTiles() < int64_t(plan.blocks.size()))
        toTile.push_back(op);
    });
    if (invalid)
      return signalPassFailure();
    for (MvmOp op : toTile)
      tileMvm(op, tileRows, tileCols);
  }
};

} // namespace
