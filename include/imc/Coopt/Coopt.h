//===- Coopt.h - one chip design for many workloads ---------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Multi-workload co-optimization (docs/coopt.md): a search space of target
// designs (a base target and, per dotted field path, the values to try),
// workload profiles (cost/Profile.h), and for every design the energy,
// latency and area of every workload from cost::evaluate. Across workloads
// a design is judged by its regrets, r_w(h) = EDAP_w(h) / min_h' EDAP_w(h')
// over the feasible designs: the chosen design minimizes their (weighted)
// geometric mean, ties broken by the largest regret, then the area, then
// the order of the space. Exhaustive over the grid (every design evaluated:
// the optimum is exact), on several threads, the same result for any
// number of them.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COOPT_COOPT_H
#define IMC_COOPT_COOPT_H

#include "imc/Coopt/Nsga2.h"
#include "imc/Cost/Profile.h"
#include "imc/Hardware/Target.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace imc::coopt {

/// One knob of the space: a target field (`crossbar.rows`) and the values
/// it takes, each as JSON text.
struct Knob {
  std::string path;
  std::vector<std::string> values;
};

/// Limits a design must meet to be feasible.
struct Constraints {
  /// Chip area (mm^2, the cost model's); infinity: none.
  double maxAreaMm2 = std::numeric_limits<double>::infinity();
  /// Every workload's tiles fit the chip's arrays (no re-programming in an
  /// inference); otherwise the re-programming is costed.
  bool weightsFit = false;
  /// Largest accuracy proxy (Design::mvmError); infinity: none.
  double maxMvmError = std::numeric_limits<double>::infinity();
};

struct Space {
  std::string baseJson; ///< the base target, as validated JSON text
  std::vector<Knob> knobs;
  Constraints constraints;
  cost::MapOptions map; ///< how each workload is mapped on every design
  /// Designs in the grid: the product of the knobs' sizes (saturating).
  uint64_t size() const;
};

/// Most designs a space may hold (the exhaustive search's limit).
constexpr uint64_t kMaxDesigns = uint64_t(1) << 32;

/// Loads the target a space's `base` names (a bundled name or a file).
using BaseLoader = std::function<std::optional<hw::Target>(
    const std::string &name, std::string &error)>;

/// Parses and validates a space file (docs/coopt.md): one-line errors
/// naming the field. `origin` prefixes them. A base given by name or path is
/// loaded with `load` (default hw::loadTarget).
std::optional<Space> parseSpace(const std::string &json,
                                const std::string &origin, std::string &error,
                                const BaseLoader &load = {});

/// The values of design `index` (the first knob varies fastest), as JSON
/// text per knob, and its target JSON text.
std::vector<std::string> designValues(const Space &s, uint64_t index);
std::string designTarget(const Space &s, uint64_t index);

/// A workload's figures on a design: inference energy and latency (weights
/// resident unless the chip is too small), and EDAP = energy x latency x
/// area (pJ ns mm^2).
struct Figures {
  double energyPJ = 0, latencyNs = 0, edap = 0;
};

struct Design {
  uint64_t index = 0;
  double areaMm2 = 0;
  std::vector<Figures> workloads; ///< in the order of the profiles
  std::vector<double> regrets;    ///< per workload
  double geomeanRegret = 0, maxRegret = 0, meanRegret = 0;
  /// The accuracy proxy: the relative RMS error of the design's crossbars
  /// on the calibration problem, with its device noise
  /// (sim::calibrationError(...).noisy; docs/coopt.md, "Accuracy proxy").
  double mvmError = 0;
  /// KAUST's objective: max_w E x max_w L x area.
  double maxProduct = 0;
};

/// A part of an exhaustive search: positions [begin, end) of the
/// evaluation order (evaluationOrder), its feasible designs (in no
/// particular order) and why the others are infeasible. Parts of one space
/// combine into the search's result whatever their number and order (the
/// Dask scale-out evaluates parts on workers).
struct Partial {
  std::vector<Design> feasible; ///< figures only: no regrets yet
  std::vector<std::pair<std::string, uint64_t>> reasons;
  uint64_t evaluated = 0;
};
struct Options {
  /// Threads (>= 1); 0: the hardware's.
  unsigned threads = 0;
  /// Per workload, how often it runs (the geometric mean's weights); empty:
  /// all 1.
  std::vector<double> weights;
  /// Called now and then with (designs done, designs in all), from the
  /// calling thread.
  std::function<void(uint64_t, uint64_t)> progress;
  /// Designs with the same array configuration share their workloads
  /// (cost::workloadKey); false builds every design's own (the same
  /// figures, slower: the tests compare the two).
  bool shareWorkloads = true;
  /// NSGA-II: evaluates a generation's new designs elsewhere (the Dask
  /// scale-out), as evaluateDesigns would; empty: on `threads` here.
  std::function<std::optional<Partial>(const std::vector<uint64_t> &,
                                       std::string &)>
      remote;
};

/// What branch and bound did not evaluate, and why that cannot hide a
/// better design (docs/coopt.md, "Branch and bound"). A box is a set of
/// designs that agree on every knob but the relaxed ones, whose values run
/// over a range each; its lower bounds come from cost::Model::lowerBound
/// over its designs.
struct Certificate {
  /// Knobs relaxed in the bounds (indexes into Space::knobs); the others
  /// are branched on: each combination of their values is a cell.
  std::vector<size_t> relaxed;
  uint64_t cells = 0;
  /// The weighted mean log EDAP of the chosen design (the geometric-mean
  /// regret's order) and every workload's smallest log EDAP: exact.
  double optimum = 0;
  std::vector<double> best;
  /// A box is pruned when its bound on the weighted mean log EDAP is above
  /// `optimum` and, for every workload, its bound on the log EDAP is above
  /// `best` (each by more than `margin`, for rounding), or when all its
  /// designs are infeasible for a reason shared by the whole box.
  double margin = 1e-9;
  struct Box {
    uint64_t first = 0; ///< its design whose relaxed knobs are all at `lo`
    std::vector<uint32_t> lo, hi; ///< per relaxed knob: positions [lo, hi)
    uint64_t designs = 0;
    double bound = 0;              ///< weighted mean log EDAP
    std::vector<double> workloads; ///< per workload: log EDAP
    std::string infeasible;        ///< why (then no bounds), or empty
  };
  std::vector<Box> pruned;
  uint64_t bounded = 0;       ///< boxes whose bounds were computed
  uint64_t prunedDesigns = 0; ///< designs in pruned boxes (both kinds)
};

struct Result {
  std::vector<Design> feasible; ///< in the order of the space
  /// Indexes into `feasible`: the designs no other one beats on geometric
  /// mean regret, largest regret and area at once, by geometric mean regret.
  std::vector<size_t> pareto;
  size_t chosen = 0; ///< index into `feasible`
  uint64_t evaluated = 0, infeasible = 0;
  /// Why designs were infeasible, with counts (first reason of each kind).
  std::vector<std::pair<std::string, uint64_t>> reasons;
  double seconds = 0;
  /// How the designs were found: "exhaustive" (every design: the optimum
  /// is exact), "bnb" (branch and bound: the optimum and every workload's
  /// best are exact, the other designs are those it evaluated) or "nsga2"
  /// (the designs the GA visited; regrets against the best of those).
  std::string method = "exhaustive";
  /// NSGA-II: objective evaluations asked for (revisits included; each
  /// design is costed once, `evaluated` of them).
  uint64_t objectiveCalls = 0;
  /// "bnb": the boxes not evaluated and their bounds.
  Certificate certificate;
};

/// Evaluates every design of `s` on every profile; fails (one line in
/// `error`) when no design is feasible, the space is too large, or a
/// profile cannot be evaluated on a design for another reason than the
/// design itself.
std::optional<Result> searchExhaustive(const Space &s,
                                       const std::vector<cost::Profile> &w,
                                       const Options &o, std::string &error);

/// The design a gene vector picks (NSGA-II): gene k in [0, 1] selects
/// value floor(g_k x values) of knob k (the last for g_k = 1).
uint64_t designOfGenes(const Space &s, const std::vector<double> &genes);

/// NSGA-II (Nsga2.h) over the knobs, minimizing the weighted mean log EDAP
/// over the workloads (the geometric-mean regret's order), the area and
/// the accuracy proxy;
/// infeasible designs are dominated by all feasible ones. Each design the
/// GA visits is costed once; a generation's new designs on o.threads
/// threads. The result holds every feasible design visited, with regrets
/// against the best of them; deterministic for ga.seed whatever the
/// threads.
std::optional<Result> searchNsga2(const Space &s,
                                  const std::vector<cost::Profile> &w,
                                  const Options &o, const Nsga2Options &ga,
                                  std::string &error);

/// The knobs branch and bound relaxes in its bounds (the others it
/// branches on): those that change only the model's per-event constants,
/// the area and the counts cost::Model::lowerBound takes the fastest of.
bool relaxableKnob(const std::string &path);

/// Branch and bound (docs/coopt.md): the same chosen design and the same
/// best EDAP per workload as searchExhaustive, with a certificate of what
/// it did not evaluate. `feasible` holds the designs it evaluated; their
/// regrets are exact (against every workload's best over the space), the
/// front is among them. Deterministic whatever the threads.
std::optional<Result> searchBranchAndBound(const Space &s,
                                           const std::vector<cost::Profile> &w,
                                           const Options &o,
                                           std::string &error);

/// The certificate's pruned boxes as JSON text (docs/coopt.md): per box the
/// values of every knob it spans, its bounds or why it is infeasible.
std::string certificateToJson(const Space &s,
                              const std::vector<cost::Profile> &w,
                              const Result &r);

/// A search method: "exhaustive", "bnb" or "nsga2" (with the GA's
/// settings).
struct SearchMethod {
  std::string name = "exhaustive";
  Nsga2Options ga;
};
/// searchExhaustive, searchBranchAndBound or searchNsga2, as `m` names;
/// another name is an error.
std::optional<Result> search(const Space &s,
                             const std::vector<cost::Profile> &w,
                             const Options &o, const SearchMethod &m,
                             std::string &error);

/// The order in which the search evaluates designs: knob positions, the
/// first varying fastest. Knobs none of whose values changes the base's
/// workload key (cost::workloadKey: they leave the workloads alike) come
/// first, so designs that share workloads are evaluated together.
std::vector<size_t> evaluationOrder(const Space &s, const cost::MapOptions &o);

std::optional<Partial> evaluatePart(const Space &s,
                                    const std::vector<cost::Profile> &w,
                                    uint64_t begin, uint64_t end,
                                    const Options &o, std::string &error);
/// The Partial of the designs `indexes` (each in the space).
std::optional<Partial> evaluateDesigns(const Space &s,
                                       const std::vector<cost::Profile> &w,
                                       const std::vector<uint64_t> &indexes,
                                       const Options &o, std::string &error);
/// A Partial as JSON text and back (the Dask workers send theirs so): the
/// doubles round-trip exactly, EDAP is recomputed as evaluate computes it.
std::string partialToJson(const Partial &p);
std::optional<Partial> parsePartial(const std::string &text, const Space &s,
                                    size_t workloads, std::string &error);
/// The result of the parts of a whole space: feasible designs by index,
/// their regrets, the front and the choice; `seconds` is left 0.
std::optional<Result> combine(std::vector<Partial> parts,
                              const std::vector<double> &weights,
                              std::string &error);

/// Regrets and their aggregates of `designs` (in place), from each
/// workload's smallest EDAP among them; `weights` as in Options.
void computeRegrets(std::vector<Design> &designs,
                    const std::vector<double> &weights);

/// The designs no other dominates on (geomean regret, max regret, area,
/// accuracy proxy), sorted by geomean regret, then max regret, area, proxy
/// and index; equal points are all kept.
std::vector<size_t> paretoFront(const std::vector<Design> &designs);

/// The result as JSON (docs/coopt.md): the chosen design, the front, the
/// statistics; and the front as CSV (one row per design and workload).
std::string resultToJson(const Space &s, const std::vector<cost::Profile> &w,
                         const Result &r);
std::string frontToCsv(const Space &s, const std::vector<cost::Profile> &w,
                       const Result &r);

} // namespace imc::coopt

#endif // IMC_COOPT_COOPT_H
