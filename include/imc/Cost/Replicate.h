//===- Replicate.h - imc-tile's weight replication policy --------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// How many replicas of each crossbar product imc-tile's `replicate` option
// makes: one copy of the rule for the pass and the profile evaluator
// (lib/Cost/Profile.cpp), which must decide exactly as the pass does.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_REPLICATE_H
#define IMC_COST_REPLICATE_H

#include "imc/Cost/CostModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace imc::cost {

/// A crossbar product as the policy sees it: its tiles per replica, its
/// input vectors (rows), and its largest tile's weight block.
struct ReplicaCandidate {
  int64_t tiles = 0, rows = 0, tileRows = 0, tileCols = 0;
  int64_t replicas = 1; ///< the decision
  /// The serial MVM time of one replica on its largest tile, from the cost
  /// model (the time the schedule charges; docs/cost-model.md).
  double work(const Model &m) const;
};

/// Sets the replicas of `ops` (in program order): `spec` is a count N
/// (min(N, rows) each, rounded down to a count that splits the rows into
/// equal chunks, the last shorter) or "auto" (spare arrays go, one replica
/// step at a time, to the product with the most serial work per replica).
/// Returns an empty string, or one line when `spec` is neither.
std::string chooseReplicas(std::vector<ReplicaCandidate> &ops,
                           const std::string &spec, const Model &model);

/// The row chunk of each replica of `rows` rows: ceil(rows / replicas).
inline int64_t replicaChunk(int64_t rows, int64_t replicas) {
  return (rows + replicas - 1) / replicas;
}

} // namespace imc::cost

#endif // IMC_COST_REPLICATE_H
