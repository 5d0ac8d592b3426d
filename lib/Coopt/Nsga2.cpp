//===- Nsga2.cpp - the NSGA-II multi-objective genetic algorithm ----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Nsga2.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace imc::coopt {

namespace {
bool dominates(const Individual &a, const Individual &b) {
  bool strictly = false;
  for (size_t i = 0; i < a.objectives.size(); ++i) {
    if (a.objectives[i] > b.objectives[i])
      return false;
    strictly |= a.objectives[i] < b.objectives[i];
  }
  return strictly;
}

/// The crowding distance of the individuals `front` indexes.
void crowding(std::vector<Individual> &pop, const std::vector<size_t> &front) {
  for (size_t i : front)
    pop[i].crowding = 0;
  if (front.empty())
    return;
  const size_t m = pop[front[0]].objectives.size();
  std::vector<size_t> order = front;
  for (size_t k = 0; k < m; ++k) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return pop[a].objectives[k] < pop[b].objectives[k];
    });
    const double lo = pop[order.front()].objectives[k],
                 hi = pop[order.back()].objectives[k];
    pop[order.front()].crowding = pop[order.back()].crowding =
        std::numeric_limits<double>::infinity();
    if (hi <= lo)
      continue;
    for (size_t i = 1; i + 1 < order.size(); ++i)
      pop[order[i]].crowding +=
          (pop[order[i + 1]].objectives[k] - pop[order[i - 1]].objectives[k]) /
          (hi - lo);
  }
}

/// Sorts by rank and returns the fronts (indexes), each with its crowding.
std::vector<std::vector<size_t>> fronts(std::vector<Individual> &pop) {
  nonDominatedSort(pop);
  std::vector<std::vector<size_t>> out;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (pop[i].rank >= out.size())
      out.resize(pop[i].rank + 1);
    out[pop[i].rank].push_back(i);
  }
  for (const std::vector<size_t> &f : out)
    crowding(pop, f);
  return out;
}

/// Better for selection: lower rank, then larger crowding.
bool better(const Individual &a, const Individual &b) {
  return a.rank != b.rank ? a.rank < b.rank : a.crowding > b.crowding;
}
} // namespace

void nonDominatedSort(std::vector<Individual> &pop) {
  const size_t n = pop.size();
  std::vector<std::vector<size_t>> dominated(n);
  std::vector<size_t> count(n, 0);
  std::vector<size_t> current;
  for (size_t p = 0; p < n; ++p) {
    for (size_t q = 0; q < n; ++q) {
      if (dominates(pop[p], pop[q]))
        dominated[p].push_back(q);
      else if (dominates(pop[q], pop[p]))
        ++count[p];
    }
    if (count[p] == 0) {
      pop[p].rank = 0;
      current.push_back(p);
    }
  }
  for (size_t rank = 1; !current.empty(); ++rank) {
    std::vector<size_t> next;
    for (size_t p : current)
      for (size_t q : dominated[p])
        if (--count[q] == 0) {
          pop[q].rank = rank;
          next.push_back(q);
        }
    current = std::move(next);
  }
}

std::vector<Individual> nsga2(size_t genes, const Objectives &f,
                              const Nsga2Options &o, uint64_t *evaluations) {
  return nsga2Batch(
      genes,
      [&](const std::vector<std::vector<double>> &batch) {
        std::vector<std::vector<double>> out;
        out.reserve(batch.size());
        for (const std::vector<double> &g : batch)
          out.push_back(f(g));
        return out;
      },
      o, evaluations);
}

std::vector<Individual> nsga2Batch(size_t genes, const BatchObjectives &f,
                                   const Nsga2Options &o,
                                   uint64_t *evaluations) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const size_t n = std::max<size_t>(4, o.population + o.population % 2);
  const double pm =
      o.mutationProbability > 0 ? o.mutationProbability : 1.0 / double(genes);
  uint64_t calls = 0;
  // A generation's objectives in one call (the caller may share it out).
  auto evaluate = [&](std::vector<Individual> &xs) {
    std::vector<std::vector<double>> batch;
    batch.reserve(xs.size());
    for (const Individual &x : xs)
      batch.push_back(x.genes);
    std::vector<std::vector<double>> objectives = f(batch);
    if (objectives.size() != xs.size())
      throw std::logic_error("nsga2: objectives for a batch of another size");
    for (size_t i = 0; i < xs.size(); ++i)
      xs[i].objectives = std::move(objectives[i]);
    calls += xs.size();
  };
  std::vector<Individual> pop(n);
  for (Individual &x : pop) {
    x.genes.resize(genes);
    for (double &g : x.genes)
      g = u(rng);
  }
  evaluate(pop);
  fronts(pop);
  for (size_t gen = 0; gen < o.generations; ++gen) {
    auto tournament = [&]() -> const Individual & {
      const Individual &a = pop[rng() % n], &b = pop[rng() % n];
      return better(a, b) ? a : b;
    };
    std::vector<Individual> children;
    children.reserve(n);
    while (children.size() < n) {
      Individual c1 = tournament(), c2 = tournament();
      c1.objectives.clear();
      c2.objectives.clear();
      // Simulated binary crossover, gene by gene, bounded to [0, 1] (Deb
      // and Agrawal 1995; the spread on each side shrinks with the
      // distance to its bound).
      if (u(rng) < o.crossoverProbability)
        for (size_t i = 0; i < genes; ++i) {
          if (u(rng) > 0.5)
            continue;
          double y1 = c1.genes[i], y2 = c2.genes[i];
          if (std::fabs(y1 - y2) <= 1e-14)
            continue;
          if (y1 > y2)
            std::swap(y1, y2);
          const double e = o.crossoverEta + 1, r = u(rng);
          auto spread = [&](double beta) {
            const double alpha = 2 - std::pow(beta, -e);
            return r <= 1 / alpha ? std::pow(r * alpha, 1 / e)
                                  : std::pow(1 / (2 - r * alpha), 1 / e);
          };
          const double lo = std::clamp(
              0.5 * ((y1 + y2) - spread(1 + 2 * y1 / (y2 - y1)) * (y2 - y1)),
              0.0, 1.0);
          const double hi = std::clamp(
              0.5 * ((y1 + y2) +
                     spread(1 + 2 * (1 - y2) / (y2 - y1)) * (y2 - y1)),
              0.0, 1.0);
          const bool swap = u(rng) <= 0.5;
          c1.genes[i] = swap ? hi : lo;
          c2.genes[i] = swap ? lo : hi;
        }
      // Polynomial mutation on [0, 1], bounded (Deb and Goyal 1996: the
      // perturbation's distribution shrinks toward the nearer bound).
      for (Individual *c : {&c1, &c2})
        for (double &g : c->genes) {
          if (u(rng) >= pm)
            continue;
          const double r = u(rng), e = o.mutationEta + 1;
          double d;
          if (r < 0.5) {
            const double v = 2 * r + (1 - 2 * r) * std::pow(1 - g, e);
            d = std::pow(v, 1 / e) - 1;
          } else {
            const double v = 2 * (1 - r) + 2 * (r - 0.5) * std::pow(g, e);
            d = 1 - std::pow(v, 1 / e);
          }
          g = std::clamp(g + d, 0.0, 1.0);
        }
      children.push_back(std::move(c1));
      children.push_back(std::move(c2));
    }
    evaluate(children);
    // Elitism: the best n of parents and children, front by front, the
    // last front cut by crowding.
    for (Individual &c : children)
      pop.push_back(std::move(c));
    std::vector<std::vector<size_t>> fs = fronts(pop);
    std::vector<Individual> next;
    next.reserve(n);
    for (std::vector<size_t> &front : fs) {
      if (next.size() + front.size() > n) {
        std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
          return pop[a].crowding > pop[b].crowding;
        });
        front.resize(n - next.size());
      }
      for (size_t i : front)
        next.push_back(pop[i]);
      if (next.size() == n)
        break;
    }
    pop = std::move(next);
    fronts(pop);
  }
  std::vector<Individual> first;
  for (const Individual &x : pop)
    if (x.rank == 0)
      first.push_back(x);
  std::stable_sort(first.begin(), first.end(),
                   [](const Individual &a, const Individual &b) {
                     return a.objectives < b.objectives;
                   });
  if (evaluations)
    *evaluations = calls;
  return first;
}

} // namespace imc::coopt
