//===- Evaluator.h - designs of a space, evaluated (internal) ----*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What the searches of lib/Coopt share: the evaluator of one design (its
// target, its shared workloads, its constraints and figures) and the
// parallel loop over designs. Internal to lib/Coopt.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_LIB_COOPT_EVALUATOR_H
#define IMC_LIB_COOPT_EVALUATOR_H

#include "imc/Coopt/Coopt.h"
#include "imc/Cost/Workload.h"
#include "imc/Hardware/Target.h"
#include "imc/Sim/Accuracy.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace imc::coopt::detail {

using json = nlohmann::ordered_json; // knobs keep the order of the file

/// Sets `section.field` of a target object to `value`.
inline void setField(json &target, const std::string &path, const json &value) {
  const size_t dot = path.find('.');
  target[path.substr(0, dot)][path.substr(dot + 1)] = value;
}

/// The figures of one design, or why it is infeasible.
struct Evaluated {
  bool feasible = false;
  std::string why;
  Design d;
};

/// The workloads of every profile on one array configuration
/// (cost::workloadKey), or why a profile has none: built once, shared by
/// every design with that key.
struct SharedWorkloads {
  std::once_flag built;
  std::vector<std::optional<cost::Workload>> workloads;
  std::vector<std::string> why;
};

/// Evaluates designs of one space; several threads may share it. Designs
/// whose targets have the same workload key share their workloads, built
/// by the first design that needs them (the cache keeps the most recent
/// `cacheEntries` keys; the evaluation order keeps alike designs together).
class DesignEvaluator {
public:
  DesignEvaluator(const Space &s, const std::vector<cost::Profile> &w,
                  bool share, size_t cacheEntries = 64)
      : s(s), w(w), share(share), cacheEntries(cacheEntries),
        base(json::parse(s.baseJson)) {
    for (const Knob &k : s.knobs) {
      std::vector<json> vs;
      for (const std::string &v : k.values)
        vs.push_back(json::parse(v));
      values.push_back(std::move(vs));
    }
  }

  std::string targetJson(uint64_t index) const {
    json t = base;
    for (size_t i = 0; i < s.knobs.size(); ++i) {
      const size_t n = values[i].size();
      setField(t, s.knobs[i].path, values[i][index % n]);
      index /= n;
    }
    return t.dump();
  }

  Evaluated evaluate(uint64_t index) {
    std::string error;
    std::optional<hw::Target> t =
        hw::parseTarget(targetJson(index), "design", error);
    if (!t) {
      Evaluated out;
      out.d.index = index;
      // "design: field 'x' must ...": the reason without the origin.
      out.why = error.substr(error.find(": ") + 2);
      return out;
    }
    return evaluate(index, *t);
  }

  /// Design `index`, whose target is `t` (target(index)).
  Evaluated evaluate(uint64_t index, const hw::Target &target) {
    Evaluated out;
    out.d.index = index;
    std::string error;
    const hw::Target *t = &target;
    std::optional<std::string> key;
    if (share)
      key = cost::workloadKey(*t, s.map);
    std::shared_ptr<SharedWorkloads> shared;
    if (key)
      shared = workloads(*t, *key);
    out.d.mvmError = mvmError(*t);
    if (!(out.d.mvmError <= s.constraints.maxMvmError)) {
      out.why = "over the accuracy proxy's bound";
      return out;
    }
    // The constraints first, in the order of the workloads (each one's
    // mapping, then the chip's area, then whether its tiles fit): they
    // need no costing, so infeasible designs cost next to nothing.
    const cost::Model model(*t);
    std::vector<std::optional<cost::Workload>> own(shared ? 0 : w.size());
    std::vector<const cost::Workload *> wls(w.size(), nullptr);
    const double area = model.area().total();
    for (size_t i = 0; i < w.size(); ++i) {
      const cost::Profile &p = w[i];
      if (shared) {
        if (!shared->workloads[i]) {
          out.why = fmt::format("{}: {}", p.name, shared->why[i]);
          return out;
        }
        wls[i] = &*shared->workloads[i];
      } else {
        own[i] = cost::workloadOf(p, *t, s.map, error);
        if (!own[i]) {
          out.why = fmt::format("{}: {}", p.name, error);
          return out;
        }
        wls[i] = &*own[i];
      }
      if (i == 0 && !(area > 0)) {
        out.why = "no area (the base target has no technology section)";
        return out;
      }
      if (i == 0 && area > s.constraints.maxAreaMm2) {
        out.why = "over the area budget";
        return out;
      }
      if (s.constraints.weightsFit && wls[i]->numTiles() > t->numTiles) {
        out.why = "the weights do not fit";
        return out;
      }
    }
    out.d.areaMm2 = area;
    for (const cost::Workload *wl : wls) {
      cost::Report r;
      r.tilesAvailable = t->numTiles;
      cost::evaluate(*wl, model, r,
                     shared ? cost::Converters::OfTarget
                            : cost::Converters::OfTiles);
      // The report's area is the model's (evaluate copies it).
      const double e = r.schedule.inferenceEnergyPJ,
                   l = r.schedule.inferenceLatencyNs;
      out.d.workloads.push_back({e, l, e * l * area});
    }
    out.feasible = true;
    return out;
  }

  /// The accuracy proxy of a target, once per calibration setting.
  double mvmError(const hw::Target &t) {
    std::shared_ptr<SharedError> e = lookupError(sim::calibrationKey(t));
    std::call_once(e->built,
                   [&] { e->error = sim::calibrationError(t).noisy; });
    return e->error;
  }

  /// The target of design `index`, or nullopt (`why`) when it is invalid.
  std::optional<hw::Target> target(uint64_t index, std::string &why) const {
    std::optional<hw::Target> t =
        hw::parseTarget(targetJson(index), "design", why);
    if (!t)
      why = why.substr(why.find(": ") + 2);
    return t;
  }

  /// The workloads of every profile on `t`, whose workload key is `key`
  /// (built by the first caller).
  std::shared_ptr<SharedWorkloads> workloads(const hw::Target &t,
                                             const std::string &key) {
    std::shared_ptr<SharedWorkloads> shared = lookup(key);
    std::call_once(shared->built, [&] {
      for (const cost::Profile &p : w) {
        std::string why;
        shared->workloads.push_back(cost::workloadOf(p, t, s.map, why));
        shared->why.push_back(std::move(why));
      }
    });
    return shared;
  }

private:
  struct SharedError {
    std::once_flag built;
    double error = 0;
  };
  std::shared_ptr<SharedError> lookupError(const std::string &key) {
    std::lock_guard<std::mutex> lock(mutex);
    std::shared_ptr<SharedError> &e = errors[key];
    if (!e)
      e = std::make_shared<SharedError>();
    return e;
  }
  std::map<std::string, std::shared_ptr<SharedError>> errors;

  std::shared_ptr<SharedWorkloads> lookup(const std::string &key) {
    std::lock_guard<std::mutex> lock(mutex);
    auto [it, inserted] = cache.try_emplace(key);
    if (inserted) {
      it->second = std::make_shared<SharedWorkloads>();
      order.push_back(key);
      if (order.size() > cacheEntries) { // users keep theirs alive
        cache.erase(order.front());
        order.pop_front();
      }
    }
    return it->second;
  }

  const Space &s;
  const std::vector<cost::Profile> &w;
  const bool share;
  const size_t cacheEntries; ///< keys the cache keeps
  json base;
  std::vector<std::vector<json>> values; ///< per knob, parsed
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<SharedWorkloads>> cache;
  std::deque<std::string> order;
};

struct ChunkResult {
  std::vector<Design> feasible;
  std::map<std::string, uint64_t> reasons;
};

/// Runs body(i, its chunk's result) for i in [0, count) on o.threads
/// threads, in chunks of kChunk handed out in order (each chunk's results
/// apart, so what the caller joins does not depend on the threads);
/// o.progress hears of every chunk done. False (and `error`) when a body
/// threw.
template <typename Body>
bool forChunks(uint64_t count, const Options &o,
               std::vector<ChunkResult> &results, std::string &error,
               Body body) {
  constexpr uint64_t kChunk = 64;
  const uint64_t chunks = (count + kChunk - 1) / kChunk;
  results.assign(chunks, {});
  std::atomic<uint64_t> next{0}, done{0};
  std::vector<std::exception_ptr> errors;
  std::mutex errorsMutex;
  auto work = [&](bool reporter) {
    try {
      for (;;) {
        const uint64_t c = next.fetch_add(1);
        if (c >= chunks)
          return;
        const uint64_t last = std::min(count, (c + 1) * kChunk);
        for (uint64_t i = c * kChunk; i < last; ++i)
          body(i, results[c]);
        done += last - c * kChunk;
        if (reporter && o.progress)
          o.progress(done.load(), count);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(errorsMutex);
      errors.push_back(std::current_exception());
      next = chunks; // stop the others
    }
  };
  unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  threads =
      unsigned(std::min<uint64_t>(threads, std::max<uint64_t>(chunks, 1)));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i)
    pool.emplace_back(work, false);
  work(true);
  for (std::thread &t : pool)
    t.join();
  if (errors.empty())
    return true;
  try {
    std::rethrow_exception(errors.front());
  } catch (const std::exception &e) {
    error = std::string("the search failed: ") + e.what();
  } catch (...) {
    error = "the search failed";
  }
  return false;
}
inline Partial joinChunks(std::vector<ChunkResult> &results, uint64_t count) {
  Partial p;
  p.evaluated = count;
  std::map<std::string, uint64_t> reasons;
  for (ChunkResult &cr : results) {
    for (Design &d : cr.feasible)
      p.feasible.push_back(std::move(d));
    for (const auto &[why, c] : cr.reasons)
      reasons[why] += c;
  }
  p.reasons.assign(reasons.begin(), reasons.end());
  return p;
}

/// The values of design `index` as a JSON object {knob: value}.
inline json designValuesJson(const Space &s, uint64_t index) {
  const std::vector<std::string> v = designValues(s, index);
  json values = json::object();
  for (size_t i = 0; i < s.knobs.size(); ++i)
    values[s.knobs[i].path] = json::parse(v[i]);
  return values;
}

/// The profiles and their weights are usable: one line in `error` if not.
inline bool checkWorkloads(const std::vector<cost::Profile> &w,
                           const Options &o, std::string &error) {
  if (w.empty()) {
    error = "no workloads";
    return false;
  }
  if (!o.weights.empty() && o.weights.size() != w.size()) {
    error =
        fmt::format("{} weights for {} workloads", o.weights.size(), w.size());
    return false;
  }
  for (double x : o.weights)
    if (!(x > 0 && std::isfinite(x))) {
      error = "workload weights must be positive numbers";
      return false;
    }
  return true;
}

} // namespace imc::coopt::detail

#endif // IMC_LIB_COOPT_EVALUATOR_H
