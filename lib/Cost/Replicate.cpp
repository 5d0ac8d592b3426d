//===- Replicate.cpp - imc-tile's weight replication policy ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Replicate.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace imc::cost {

double ReplicaCandidate::work(const Model &m) const {
  return m.crossbarMvm(replicaChunk(rows, replicas), tileRows, tileCols)
      .latencyNs;
}

/// A decimal count >= 1 (all digits, no sign), or 0.
static int64_t parseCount(const std::string &s) {
  if (s.empty() || s.size() > 18 ||
      !std::all_of(s.begin(), s.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::strtoll(s.c_str(), nullptr, 10);
}

std::string chooseReplicas(std::vector<ReplicaCandidate> &ops,
                           const std::string &spec, const Model &model) {
  if (spec != "auto") {
    const int64_t n = parseCount(spec);
    if (n < 1)
      return "replicate must be a count >= 1 or 'auto', got '" + spec + "'";
    for (ReplicaCandidate &c : ops) {
      if (c.rows < 1)
        continue;
      // As many as asked (at most one per row), rounded down to a count that
      // splits the rows into equal chunks (the last shorter).
      const int64_t chunk = replicaChunk(c.rows, std::min(n, c.rows));
      c.replicas = replicaChunk(c.rows, chunk);
    }
    return {};
  }
  int64_t spare = model.target().numTiles;
  for (const ReplicaCandidate &c : ops)
    spare -= c.tiles;
  std::vector<bool> open(ops.size(), true);
  while (spare > 0) {
    // The op with the most serial work per replica that can still grow.
    int64_t best = -1;
    for (size_t i = 0; i < ops.size(); ++i)
      if (open[i] &&
          (best < 0 || ops[i].work(model) > ops[size_t(best)].work(model)))
        best = int64_t(i);
    if (best < 0)
      break;
    // Its next useful replica count: one row fewer per replica.
    ReplicaCandidate &c = ops[size_t(best)];
    const int64_t chunk = replicaChunk(c.rows, c.replicas);
    const int64_t next = chunk > 1 ? (c.rows + chunk - 2) / (chunk - 1) : 0;
    const int64_t cost = (next - c.replicas) * c.tiles;
    if (chunk <= 1 || cost > spare) {
      open[size_t(best)] = false; // it cannot grow; the others may
      continue;
    }
    c.replicas = next;
    spare -= cost;
  }
  return {};
}

} // namespace imc::cost
