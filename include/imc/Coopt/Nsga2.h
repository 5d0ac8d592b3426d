//===- Nsga2.h - the NSGA-II multi-objective genetic algorithm ----*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Deb et al., "A fast and elitist multiobjective genetic algorithm:
// NSGA-II", IEEE TEC 6(2), 2002: fast non-dominated sorting, crowding
// distance, binary tournaments on (rank, crowding), simulated binary
// crossover and polynomial mutation on genes in [0, 1]. The co-optimizer's
// heuristic for spaces too large to enumerate (a gene picks a knob's value);
// written here from the paper and checked on ZDT1. Deterministic for a seed.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COOPT_NSGA2_H
#define IMC_COOPT_NSGA2_H

#include <cstdint>
#include <functional>
#include <vector>

namespace imc::coopt {

struct Nsga2Options {
  size_t population = 100; ///< even, >= 4
  size_t generations = 100;
  uint64_t seed = 1;
  double crossoverProbability = 0.9;
  double crossoverEta = 15; ///< SBX distribution index
  double mutationEta = 20;  ///< polynomial mutation distribution index
  /// Per-gene mutation probability; 0: 1 / genes.
  double mutationProbability = 0;
};

struct Individual {
  std::vector<double> genes;      ///< each in [0, 1]
  std::vector<double> objectives; ///< minimized
  size_t rank = 0;                ///< 0: the first non-dominated front
  double crowding = 0;
};

/// The objectives of a gene vector (all minimized); called once per
/// individual, in order (population members, then each generation's
/// children).
using Objectives =
    std::function<std::vector<double>(const std::vector<double> &)>;

/// Runs NSGA-II on `genes` genes and returns the final population's first
/// front (rank 0), by the first objective. `evaluations`, when given,
/// receives the number of objective calls.
std::vector<Individual> nsga2(size_t genes, const Objectives &f,
                              const Nsga2Options &o,
                              uint64_t *evaluations = nullptr);

/// The objectives of a batch of gene vectors (the initial population, then
/// each generation's children), one vector per gene vector, in order: the
/// caller may evaluate them in parallel. nsga2 calls f per individual
/// within the batches; both give the same result.
using BatchObjectives = std::function<std::vector<std::vector<double>>(
    const std::vector<std::vector<double>> &)>;
std::vector<Individual> nsga2Batch(size_t genes, const BatchObjectives &f,
                                   const Nsga2Options &o,
                                   uint64_t *evaluations = nullptr);

/// Fast non-dominated sorting: each individual's rank (0 = not dominated).
void nonDominatedSort(std::vector<Individual> &pop);

} // namespace imc::coopt

#endif // IMC_COOPT_NSGA2_H
