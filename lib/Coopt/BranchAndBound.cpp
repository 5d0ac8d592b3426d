//===- BranchAndBound.cpp - the exact search with a certificate -----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Branch and bound over a space (docs/coopt.md, "Branch and bound"). The
// knobs split in two: those that change only the cost model's per-event
// constants, the area and counts evaluate is monotone in (relaxableKnob),
// and the others. Each combination of the others' values is a cell: its
// designs share their workloads, their arrays and everything else evaluate
// reads, so cost::Model::lowerBound over a box of them gives a model whose
// energy and latency bound every one of theirs from below; times the
// smallest area, a lower bound on each workload's EDAP in the box.
//
// First every cell's bound (every design's model, no costing), then the
// cells in the order of their bounds, a round of kRound cells at a time on
// the threads (each from the incumbents of the round's start, so the
// result does not depend on the threads): a box whose bounds beat neither
// the best weighted mean log EDAP found nor any workload's best log EDAP is
// pruned; another is split in two along its widest relaxed knob, and a
// box of kLeaf designs or fewer is evaluated exactly, by the evaluator of
// the exhaustive search. Every exactly evaluated design is checked against
// its box's bounds: a bound above a design's figures is an error, never a
// silently wrong optimum.
//
//===----------------------------------------------------------------------===//

#include "Evaluator.h"

#include "imc/Coopt/Coopt.h"
#include "imc/Cost/Workload.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace imc::coopt {

using detail::DesignEvaluator;
using detail::Evaluated;
using detail::json;

bool relaxableKnob(const std::string &path) {
  // Each changes only resolved constants (energy and latency per event,
  // buffer and wire energy per bit, leakage), the area, and the counts
  // lowerBound takes the fastest of (ADCs per array, DPU lanes and clock,
  // DAC bits): never the workload, the arrays, the ADC kind or the parallel
  // rows (the bound checks that too, and relaxes nothing when they differ).
  static const char *const kRelaxable[] = {
      "technology.vdd",
      "technology.node_nm",
      "technology.buffer_kib",
      "technology.adc_sar_clock_ghz",
      "dpu.lanes",
      "dpu.clock_mhz",
      "crossbar.adcs_per_array",
      "crossbar.cols_per_adc",
      "crossbar.adc_bits",
      "crossbar.dac_bits",
  };
  for (const char *k : kRelaxable)
    if (path == k)
      return true;
  return false;
}

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Designs a box may hold to be evaluated exactly rather than split.
constexpr uint64_t kLeaf = 2;
/// Cells explored together from the same incumbents.
constexpr size_t kRound = 8;

/// Lower bounds of a box.
struct Bound {
  std::string infeasible; ///< why every design is, or empty
  double joint = -kInf;   ///< weighted mean log EDAP
  std::vector<double> workloads;
};

/// The best found so far.
struct Incumbents {
  double joint = kInf;
  std::vector<double> workloads;
};

/// Accumulates the designs of a box into one lowered model.
class Relaxation {
public:
  /// A design of the box over a constraint that needs no costing (area,
  /// accuracy proxy): it bounds nothing, the box is infeasible if all are.
  void exclude(const char *why) {
    if (!excluded)
      excluded = why;
    else if (std::string(excluded) != why)
      excluded = "over the accuracy proxy's bound or the area budget";
  }
  void add(const cost::Model &m, const std::string &key) {
    const hw::Target &t = m.target();
    area = std::min(area, m.area().total());
    if (!relaxed) {
      relaxed.emplace(m);
      first = key;
      return;
    }
    const hw::Target &f = relaxed->target();
    // What evaluate reads of a target beyond lowerBound's fields.
    const bool alike =
        key == first && t.numTiles == f.numTiles && t.rows == f.rows &&
        t.cols == f.cols && t.adcKind == f.adcKind &&
        t.parallelRows == f.parallelRows && t.dpuPrecision == f.dpuPrecision &&
        t.inputBitDensity == f.inputBitDensity &&
        t.unsignedActivations == f.unsignedActivations &&
        bool(t.technology) == bool(f.technology) &&
        (!t.technology ||
         (t.technology->readPulseNs == f.technology->readPulseNs &&
          t.technology->cellCapFF == f.technology->cellCapFF)) &&
        std::isnan(t.energy.cellReadPJ) == std::isnan(f.energy.cellReadPJ) &&
        std::isnan(t.latency.adcConvNs) == std::isnan(f.latency.adcConvNs);
    mixed = mixed || !alike;
    relaxed->lowerBound(m);
  }
  bool empty() const { return !relaxed; }

  Bound finish(const Space &s, const std::vector<cost::Profile> &w,
               const std::vector<double> &a, DesignEvaluator &ev,
               const hw::Target &target) const {
    Bound b;
    b.workloads.assign(w.size(), -kInf);
    if (!relaxed) {
      b.infeasible = excluded ? excluded : "no valid target";
      return b;
    }
    // The smallest area is a bound whatever the designs.
    if (!(area > 0)) {
      b.infeasible = "no area (the base target has no technology section)";
      return b;
    }
    if (area > s.constraints.maxAreaMm2) {
      b.infeasible = "over the area budget";
      return b;
    }
    if (mixed) // no other bound: the box is split or evaluated
      return b;
    std::shared_ptr<detail::SharedWorkloads> shared =
        ev.workloads(target, first);
    for (size_t i = 0; i < w.size(); ++i)
      if (!shared->workloads[i]) {
        b.infeasible = fmt::format("{}: {}", w[i].name, shared->why[i]);
        return b;
      }
    for (size_t i = 0; i < w.size(); ++i) {
      const cost::Workload &wl = *shared->workloads[i];
      if (s.constraints.weightsFit && wl.numTiles() > target.numTiles) {
        b.infeasible = "the weights do not fit";
        b.workloads.assign(w.size(), -kInf);
        return b;
      }
      cost::Report r;
      r.tilesAvailable = target.numTiles;
      cost::evaluate(wl, *relaxed, r, cost::Converters::OfTarget);
      const double e = r.schedule.inferenceEnergyPJ,
                   l = r.schedule.inferenceLatencyNs;
      b.workloads[i] =
          e > 0 && l > 0 ? std::log(e) + std::log(l) + std::log(area) : -kInf;
    }
    b.joint = 0;
    for (size_t i = 0; i < w.size(); ++i)
      b.joint += a[i] * b.workloads[i];
    return b;
  }

private:
  std::optional<cost::Model> relaxed;
  const char *excluded = nullptr;
  std::string first;
  double area = kInf;
  bool mixed = false;
};

class Search {
public:
  Search(const Space &s, const std::vector<cost::Profile> &w, const Options &o)
      : s(s), w(w), o(o), ev(s, w, true, 1024) {
    double sum = 0;
    for (size_t i = 0; i < w.size(); ++i)
      sum += o.weights.empty() ? 1.0 : o.weights[i];
    for (size_t i = 0; i < w.size(); ++i)
      a.push_back((o.weights.empty() ? 1.0 : o.weights[i]) / sum);
    uint64_t st = 1;
    for (const Knob &k : s.knobs) {
      stride.push_back(st);
      st *= k.values.size();
    }
    // Cells: key-preserving knobs fastest (evaluationOrder), so that cells
    // in a row share their workloads while their bounds are computed.
    for (size_t k : evaluationOrder(s, s.map))
      (relaxableKnob(s.knobs[k].path) ? relaxed : branched).push_back(k);
    std::sort(relaxed.begin(), relaxed.end());
  }

  uint64_t cells() const {
    uint64_t n = 1;
    for (size_t k : branched)
      n *= s.knobs[k].values.size();
    return n;
  }
  /// The design of cell `c` whose relaxed knobs are all at position 0.
  uint64_t cellIndex(uint64_t c) const {
    uint64_t i = 0;
    for (size_t k : branched) {
      const uint64_t n = s.knobs[k].values.size();
      i += c % n * stride[k];
      c /= n;
    }
    return i;
  }
  Certificate::Box root(uint64_t c) const {
    Certificate::Box b;
    b.first = cellIndex(c);
    b.designs = 1;
    for (size_t k : relaxed) {
      b.lo.push_back(0);
      b.hi.push_back(uint32_t(s.knobs[k].values.size()));
      b.designs *= s.knobs[k].values.size();
    }
    return b;
  }
  /// Calls f(offset in the root box, design index) for each design of `b`
  /// (the first relaxed knob fastest).
  template <typename F>
  void forEach(const Certificate::Box &b, uint64_t cellFirst, F f) const {
    std::vector<uint32_t> pos(b.lo);
    for (;;) {
      uint64_t index = cellFirst, offset = 0, radix = 1;
      for (size_t j = 0; j < relaxed.size(); ++j) {
        index += pos[j] * stride[relaxed[j]];
        offset += pos[j] * radix;
        radix *= s.knobs[relaxed[j]].values.size();
      }
      f(offset, index);
      size_t j = 0;
      for (; j < pos.size(); ++j) {
        if (++pos[j] < b.hi[j])
          break;
        pos[j] = b.lo[j];
      }
      if (j == pos.size())
        return;
    }
  }

  /// Adds a design to a relaxation unless a constraint that needs no
  /// costing already excludes it (then it cannot be the optimum and need
  /// not be bounded).
  void admit(Relaxation &rx, const cost::Model &m, const std::string &key,
             double mvmError) const {
    if (!(mvmError <= s.constraints.maxMvmError))
      rx.exclude("over the accuracy proxy's bound");
    else if (m.area().total() > s.constraints.maxAreaMm2)
      rx.exclude("over the area budget");
    else
      rx.add(m, key);
  }

  /// The bounds of a root box, from the models of its designs.
  Bound rootBound(uint64_t c) {
    const Certificate::Box b = root(c);
    Relaxation rx;
    std::optional<hw::Target> first;
    forEach(b, b.first, [&](uint64_t, uint64_t index) {
      std::string why;
      std::optional<hw::Target> t = ev.target(index, why);
      if (!t)
        return;
      admit(rx, cost::Model(*t), *cost::workloadKey(*t, s.map),
            ev.mvmError(*t));
      if (!first && !rx.empty())
        first = std::move(t);
    });
    return rx.finish(s, w, a, ev, first ? *first : hw::Target());
  }

  bool prunable(const Bound &b, const Incumbents &inc) const {
    if (!b.infeasible.empty())
      return true;
    if (!(b.joint > inc.joint + margin))
      return false;
    for (size_t i = 0; i < w.size(); ++i)
      if (!(b.workloads[i] > inc.workloads[i] + margin))
        return false;
    return true;
  }

  /// What exploring one cell found.
  struct CellResult {
    std::vector<Design> feasible;
    std::map<std::string, uint64_t> reasons;
    std::vector<Certificate::Box> pruned;
    uint64_t evaluated = 0, bounded = 0;
  };

  /// Branch and bound inside cell `c`, from the incumbents `inc`.
  void exploreCell(uint64_t c, Incumbents inc, CellResult &out) {
    // Every design's target and model, once.
    struct Member {
      hw::Target target;
      cost::Model model;
      std::string key;
      double mvmError;
    };
    const Certificate::Box b = root(c);
    std::vector<std::optional<Member>> members(b.designs);
    forEach(b, b.first, [&](uint64_t offset, uint64_t index) {
      std::string why;
      std::optional<hw::Target> t = ev.target(index, why);
      if (t) {
        cost::Model m(*t);
        std::string key = *cost::workloadKey(*t, s.map);
        const double e = ev.mvmError(*t);
        members[offset].emplace(Member{std::move(*t), std::move(m), key, e});
      }
    });
    auto bound = [&](const Certificate::Box &x) {
      Relaxation rx;
      const hw::Target *first = nullptr;
      forEach(x, b.first, [&](uint64_t offset, uint64_t) {
        if (const std::optional<Member> &m = members[offset]) {
          admit(rx, m->model, m->key, m->mvmError);
          if (!first && !rx.empty())
            first = &m->target;
        }
      });
      ++out.bounded;
      static const hw::Target none;
      return rx.finish(s, w, a, ev, first ? *first : none);
    };
    std::function<void(Certificate::Box, const Bound &)> explore =
        [&](Certificate::Box x, const Bound &bd) {
          if (prunable(bd, inc)) {
            x.bound = bd.joint;
            x.workloads = bd.workloads;
            x.infeasible = bd.infeasible;
            out.pruned.push_back(std::move(x));
            return;
          }
          if (x.designs <= kLeaf) {
            forEach(x, b.first, [&](uint64_t offset, uint64_t index) {
              ++out.evaluated;
              const std::optional<Member> &m = members[offset];
              Evaluated e =
                  m ? ev.evaluate(index, m->target) : ev.evaluate(index);
              if (!e.feasible) {
                ++out.reasons[e.why];
                return;
              }
              double joint = 0;
              for (size_t i = 0; i < w.size(); ++i) {
                const double le = std::log(e.d.workloads[i].edap);
                if (le < bd.workloads[i] - margin)
                  throw std::runtime_error(fmt::format(
                      "branch and bound: design {} costs {} less than its "
                      "box's lower bound (log EDAP {} < {})",
                      index, w[i].name, le, bd.workloads[i]));
                inc.workloads[i] = std::min(inc.workloads[i], le);
                joint += a[i] * le;
              }
              inc.joint = std::min(inc.joint, joint);
              out.feasible.push_back(std::move(e.d));
            });
            return;
          }
          // Split along the relaxed knob with the most values left.
          size_t k = 0;
          for (size_t j = 1; j < x.lo.size(); ++j)
            if (x.hi[j] - x.lo[j] > x.hi[k] - x.lo[k])
              k = j;
          Certificate::Box lo = x, hi = x;
          const uint32_t mid = x.lo[k] + (x.hi[k] - x.lo[k]) / 2;
          lo.hi[k] = mid;
          hi.lo[k] = mid;
          hi.first = x.first + (mid - x.lo[k]) * stride[relaxed[k]];
          const uint64_t per = x.designs / (x.hi[k] - x.lo[k]);
          lo.designs = per * (mid - x.lo[k]);
          hi.designs = per * (x.hi[k] - mid);
          const Bound bl = bound(lo), bh = bound(hi);
          // The more promising half first: it lowers the incumbents.
          if (bh.joint < bl.joint) {
            explore(std::move(hi), bh);
            explore(std::move(lo), bl);
          } else {
            explore(std::move(lo), bl);
            explore(std::move(hi), bh);
          }
        };
    explore(b, bound(b));
  }

  std::optional<Result> run(std::string &error) {
    const uint64_t n = cells(), designs = s.size();
    // The cells' bounds.
    std::vector<Bound> bounds(n);
    std::vector<detail::ChunkResult> unused;
    Options quiet = o;
    uint64_t done = 0;
    quiet.progress = [&](uint64_t d, uint64_t) {
      if (o.progress)
        o.progress(d * (designs / n), 2 * designs);
    };
    if (!detail::forChunks(n, quiet, unused, error,
                           [&](uint64_t c, detail::ChunkResult &) {
                             bounds[c] = rootBound(c);
                           }))
      return std::nullopt;
    std::vector<uint64_t> order(n);
    for (uint64_t c = 0; c < n; ++c)
      order[c] = c;
    std::stable_sort(order.begin(), order.end(), [&](uint64_t x, uint64_t y) {
      return bounds[x].joint < bounds[y].joint;
    });
    Incumbents inc;
    inc.workloads.assign(w.size(), kInf);
    Partial all;
    std::map<std::string, uint64_t> reasons;
    Certificate &cert = certificate;
    cert.cells = n;
    cert.bounded = n;
    for (size_t k : relaxed)
      cert.relaxed.push_back(k);
    done = designs;
    const unsigned threads =
        o.threads ? o.threads
                  : std::max(1u, std::thread::hardware_concurrency());
    for (size_t at = 0; at < n;) {
      // The next kRound cells the incumbents do not prune.
      std::vector<uint64_t> round;
      for (; at < n && round.size() < kRound; ++at) {
        const uint64_t c = order[at];
        if (prunable(bounds[c], inc)) {
          Certificate::Box b = root(c);
          b.bound = bounds[c].joint;
          b.workloads = bounds[c].workloads;
          b.infeasible = bounds[c].infeasible;
          done += b.designs;
          cert.prunedDesigns += b.designs;
          cert.pruned.push_back(std::move(b));
          continue;
        }
        round.push_back(c);
      }
      std::vector<CellResult> results(round.size());
      std::atomic<size_t> next{0};
      std::vector<std::exception_ptr> errors(round.size());
      auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < round.size();) {
          try {
            exploreCell(round[i], inc, results[i]);
          } catch (...) {
            errors[i] = std::current_exception();
          }
        }
      };
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < std::min<size_t>(threads, round.size()); ++t)
        pool.emplace_back(work);
      work();
      for (std::thread &t : pool)
        t.join();
      for (std::exception_ptr &e : errors)
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception &x) {
            error = std::string("the search failed: ") + x.what();
          }
          return std::nullopt;
        }
      for (CellResult &r : results) {
        for (Design &d : r.feasible) {
          double joint = 0;
          for (size_t i = 0; i < w.size(); ++i) {
            const double le = std::log(d.workloads[i].edap);
            inc.workloads[i] = std::min(inc.workloads[i], le);
            joint += a[i] * le;
          }
          inc.joint = std::min(inc.joint, joint);
          all.feasible.push_back(std::move(d));
        }
        for (const auto &[why, count] : r.reasons)
          reasons[why] += count;
        all.evaluated += r.evaluated;
        done += r.evaluated;
        cert.bounded += r.bounded;
        for (Certificate::Box &b : r.pruned) {
          cert.prunedDesigns += b.designs;
          done += b.designs;
          cert.pruned.push_back(std::move(b));
        }
      }
      if (o.progress)
        o.progress(std::min(done, 2 * designs), 2 * designs);
    }
    if (all.evaluated + cert.prunedDesigns != designs) {
      error = fmt::format("branch and bound accounted for {} of {} designs",
                          all.evaluated + cert.prunedDesigns, designs);
      return std::nullopt;
    }
    all.reasons.assign(reasons.begin(), reasons.end());
    // Infeasible boxes count among the infeasible designs, by reason.
    std::map<std::string, uint64_t> boxReasons;
    for (const Certificate::Box &b : cert.pruned)
      if (!b.infeasible.empty())
        boxReasons[b.infeasible] += b.designs;
    std::vector<Partial> parts;
    parts.push_back(std::move(all));
    if (parts.front().feasible.empty()) {
      error = fmt::format("no feasible design among {}", designs);
      if (!boxReasons.empty()) {
        auto most = std::max_element(
            boxReasons.begin(), boxReasons.end(),
            [](const auto &x, const auto &y) { return x.second < y.second; });
        error += fmt::format(" (most often: {}, {} designs)", most->first,
                             most->second);
      }
      return std::nullopt;
    }
    std::optional<Result> r = combine(std::move(parts), o.weights, error);
    if (!r)
      return std::nullopt;
    cert.optimum = inc.joint;
    cert.best = inc.workloads;
    cert.margin = margin;
    r->method = "bnb";
    r->certificate = std::move(cert);
    return r;
  }

private:
  const Space &s;
  const std::vector<cost::Profile> &w;
  const Options &o;
  DesignEvaluator ev;
  std::vector<double> a;        ///< normalized weights
  std::vector<uint64_t> stride; ///< per knob
  std::vector<size_t> relaxed, branched;
  const double margin = 1e-9;
  Certificate certificate;
};
} // namespace

std::optional<Result> searchBranchAndBound(const Space &s,
                                           const std::vector<cost::Profile> &w,
                                           const Options &o,
                                           std::string &error) {
  const auto start = std::chrono::steady_clock::now();
  if (!detail::checkWorkloads(w, o, error))
    return std::nullopt;
  if (s.size() > kMaxDesigns) {
    error = fmt::format("the space holds more than {} designs", kMaxDesigns);
    return std::nullopt;
  }
  if (!o.shareWorkloads || s.map.policy == "energy" || s.map.replicate != "1") {
    error = "branch and bound needs designs that share workloads (not the "
            "energy policy, not replicas)";
    return std::nullopt;
  }
  Search bnb(s, w, o);
  std::optional<Result> r = bnb.run(error);
  if (!r)
    return std::nullopt;
  r->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

std::string certificateToJson(const Space &s,
                              const std::vector<cost::Profile> &w,
                              const Result &r) {
  const Certificate &c = r.certificate;
  json j;
  j["format"] = "imc-coopt-certificate";
  j["version"] = 1;
  json names = json::array();
  for (const cost::Profile &p : w)
    names.push_back(p.name);
  j["workloads"] = names;
  json relaxed = json::array();
  for (size_t k : c.relaxed)
    relaxed.push_back(s.knobs[k].path);
  j["relaxed_knobs"] = relaxed;
  j["space_designs"] = s.size();
  j["evaluated"] = r.evaluated;
  j["pruned_designs"] = c.prunedDesigns;
  j["cells"] = c.cells;
  j["bounded_boxes"] = c.bounded;
  j["optimum_mean_log_edap"] = c.optimum;
  j["best_log_edap"] = c.best;
  j["margin"] = c.margin;
  json boxes = json::array();
  for (const Certificate::Box &b : c.pruned) {
    json x;
    json values = detail::designValuesJson(s, b.first);
    for (size_t j2 = 0; j2 < c.relaxed.size(); ++j2) {
      const Knob &k = s.knobs[c.relaxed[j2]];
      json range = json::array();
      for (uint32_t p = b.lo[j2]; p < b.hi[j2]; ++p)
        range.push_back(json::parse(k.values[p]));
      values[k.path] = range;
    }
    x["values"] = values;
    x["designs"] = b.designs;
    if (!b.infeasible.empty()) {
      x["infeasible"] = b.infeasible;
    } else {
      x["bound_mean_log_edap"] = b.bound;
      x["bound_log_edap"] = b.workloads;
    }
    boxes.push_back(std::move(x));
  }
  j["pruned"] = boxes;
  return j.dump(1);
}

} // namespace imc::coopt
