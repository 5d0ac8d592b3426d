//===- Coopt.cpp - one chip design for many workloads ---------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "Evaluator.h"
#include "imc/Coopt/Nsga2.h"
#include "imc/Hardware/Target.h"
#include "imc/Sim/Accuracy.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace imc::coopt {

using detail::checkWorkloads;
using detail::ChunkResult;
using detail::DesignEvaluator;
using detail::Evaluated;
using detail::forChunks;
using detail::joinChunks;
using detail::json;
using detail::setField;

namespace {
struct SpaceError {
  std::string message;
};

/// The first line of a library message, at most 200 bytes.
std::string firstLine(const char *what) {
  std::string s(what);
  s = s.substr(0, s.find('\n'));
  return std::string(truncateUtf8(s, 200));
}

/// The values of one knob: a non-empty list of scalars, or {min, max, step}.
std::vector<std::string> knobValues(const std::string &path, const json &v) {
  constexpr size_t kMaxValues = 1 << 20;
  std::vector<std::string> out;
  if (v.is_array()) {
    if (v.empty())
      throw SpaceError{
          fmt::format("knob {} has no values", quoteForMessage(path))};
    if (v.size() > kMaxValues)
      throw SpaceError{fmt::format("knob {} has more than {} values",
                                   quoteForMessage(path), kMaxValues)};
    for (const json &x : v) {
      if (!x.is_primitive() || x.is_null())
        throw SpaceError{
            fmt::format("knob {}: values must be numbers, strings or booleans",
                        quoteForMessage(path))};
      out.push_back(x.dump());
    }
    return out;
  }
  if (!v.is_object())
    throw SpaceError{fmt::format(
        "knob {} must be a list of values or {{\"min\", \"max\", \"step\"}}",
        quoteForMessage(path))};
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "min" && it.key() != "max" && it.key() != "step")
      throw SpaceError{fmt::format("knob {}: unknown field {}",
                                   quoteForMessage(path),
                                   quoteForMessage(it.key()))};
  for (const char *k : {"min", "max", "step"})
    if (!v.contains(k) || !v[k].is_number())
      throw SpaceError{fmt::format("knob {}: '{}' must be a number",
                                   quoteForMessage(path), k)};
  const double lo = v["min"].get<double>(), hi = v["max"].get<double>(),
               step = v["step"].get<double>();
  // Integer ranges within 2^53 are exact in int64 (and cannot overflow:
  // at most 2^20 steps); anything else is counted in doubles.
  constexpr double kExact = 9007199254740992.0;
  const bool integers =
      v["min"].is_number_integer() && v["max"].is_number_integer() &&
      v["step"].is_number_integer() && std::fabs(lo) <= kExact &&
      std::fabs(hi) <= kExact && step <= kExact;
  if (!(step > 0) || !(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
    throw SpaceError{fmt::format("knob {}: needs min <= max and step > 0",
                                 quoteForMessage(path))};
  const double n = std::floor((hi - lo) / step + 1e-9) + 1;
  if (!(n <= double(kMaxValues)))
    throw SpaceError{fmt::format("knob {} has more than {} values",
                                 quoteForMessage(path), kMaxValues)};
  for (int64_t i = 0; i < int64_t(n); ++i) {
    if (integers)
      out.push_back(
          json(v["min"].get<int64_t>() + i * v["step"].get<int64_t>()).dump());
    else
      out.push_back(json(lo + double(i) * step).dump());
  }
  return out;
}

double number(const json &obj, const char *key, double lo, double hi,
              const char *where) {
  const json &v = obj.at(key);
  if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
    throw SpaceError{fmt::format("'{}.{}' must be a number in [{}, {}]", where,
                                 key, lo, hi)};
  return v.get<double>();
}
} // namespace

uint64_t Space::size() const {
  uint64_t n = 1;
  for (const Knob &k : knobs) {
    const uint64_t m = k.values.size();
    if (m && n > std::numeric_limits<uint64_t>::max() / m)
      return std::numeric_limits<uint64_t>::max();
    n *= m;
  }
  return n;
}

std::optional<Space> parseSpace(const std::string &text,
                                const std::string &origin, std::string &error,
                                const BaseLoader &load) {
  auto fail = [&](const std::string &m) {
    error = origin + ": " + m;
    return std::nullopt;
  };
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception &e) {
    return fail(std::string("not valid JSON: ") + firstLine(e.what()));
  }
  try {
    if (!j.is_object())
      throw SpaceError{"a space must be a JSON object"};
    Space s;
    // The base target: a bundled name or a file, or an object.
    if (!j.contains("base"))
      throw SpaceError{"missing field 'base' (a target name, file or object)"};
    json base;
    std::string why;
    if (j["base"].is_string()) {
      std::optional<hw::Target> t =
          load ? load(j["base"].get<std::string>(), why)
               : hw::loadTarget(j["base"].get<std::string>(), why);
      if (!t)
        throw SpaceError{"base: " + why};
      base = json::parse(hw::targetToJson(*t));
    } else if (j["base"].is_object()) {
      if (!hw::parseTarget(j["base"].dump(), "base", why))
        throw SpaceError{why};
      base = j["base"];
    } else {
      throw SpaceError{"'base' must be a target name, file or object"};
    }
    s.baseJson = base.dump();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string &key = it.key();
      if (key == "base")
        continue;
      if (key == "constraints") {
        const json &c = it.value();
        if (!c.is_object())
          throw SpaceError{"'constraints' must be an object"};
        for (auto ci = c.begin(); ci != c.end(); ++ci) {
          if (ci.key() == "max_area_mm2")
            s.constraints.maxAreaMm2 =
                number(c, "max_area_mm2", 1e-9, 1e12, "constraints");
          else if (ci.key() == "weights_fit") {
            if (!ci.value().is_boolean())
              throw SpaceError{
                  "'constraints.weights_fit' must be true or false"};
            s.constraints.weightsFit = ci.value().get<bool>();
          } else if (ci.key() == "max_mvm_error")
            s.constraints.maxMvmError =
                number(c, "max_mvm_error", 0, 1e6, "constraints");
          else
            throw SpaceError{
                fmt::format("unknown field {}",
                            quoteForMessage("constraints." + ci.key()))};
        }
        continue;
      }
      if (key == "mapping") {
        const json &m = it.value();
        if (!m.is_object())
          throw SpaceError{"'mapping' must be an object"};
        for (auto mi = m.begin(); mi != m.end(); ++mi) {
          const std::string &k = mi.key();
          if (k == "policy" || k == "overrides") {
            if (!mi.value().is_string())
              throw SpaceError{fmt::format("'mapping.{}' must be a string", k)};
            (k == "policy" ? s.map.policy : s.map.overrides) =
                mi.value().get<std::string>();
          } else if (k == "replicate") {
            if (mi.value().is_number_integer())
              s.map.replicate = std::to_string(mi.value().get<int64_t>());
            else if (mi.value().is_string())
              s.map.replicate = mi.value().get<std::string>();
            else
              throw SpaceError{"'mapping.replicate' must be a count or 'auto'"};
          } else if (k == "min_utilization") {
            s.map.minUtilization =
                number(m, "min_utilization", 0, 1, "mapping");
          } else if (k == "max_analog_ratio") {
            s.map.maxAnalogRatio =
                number(m, "max_analog_ratio", 0, 1, "mapping");
          } else {
            throw SpaceError{fmt::format("unknown field {}",
                                         quoteForMessage("mapping." + k))};
          }
        }
        continue;
      }
      // A knob: section.field of a target.
      const size_t dot = key.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == key.size() ||
          key.find('.', dot + 1) != std::string::npos)
        throw SpaceError{fmt::format(
            "unknown field {} (a knob is a target field 'section.field')",
            quoteForMessage(key))};
      s.knobs.push_back({key, knobValues(key, it.value())});
    }
    if (s.size() > kMaxDesigns)
      throw SpaceError{
          fmt::format("the space holds more than {} designs", kMaxDesigns)};
    // Each value on the base alone must make a valid target: a knob that
    // names no field, or a value out of its range, is the space's error;
    // combinations that do not go together are infeasible designs.
    for (const Knob &k : s.knobs)
      for (const std::string &v : k.values) {
        json t = base;
        setField(t, k.path, json::parse(v));
        if (!hw::parseTarget(t.dump(), "target", why))
          throw SpaceError{
              fmt::format("knob {} = {}: {}", quoteForMessage(k.path), v, why)};
      }
    return s;
  } catch (const SpaceError &e) {
    return fail(e.message);
  } catch (const std::exception &e) {
    return fail(firstLine(e.what()));
  }
}

std::vector<std::string> designValues(const Space &s, uint64_t index) {
  std::vector<std::string> out;
  for (const Knob &k : s.knobs) {
    out.push_back(k.values[index % k.values.size()]);
    index /= k.values.size();
  }
  return out;
}

std::string designTarget(const Space &s, uint64_t index) {
  json t = json::parse(s.baseJson);
  const std::vector<std::string> v = designValues(s, index);
  for (size_t i = 0; i < s.knobs.size(); ++i)
    setField(t, s.knobs[i].path, json::parse(v[i]));
  return t.dump();
}

void computeRegrets(std::vector<Design> &designs,
                    const std::vector<double> &weights) {
  if (designs.empty())
    return;
  const size_t nw = designs.front().workloads.size();
  std::vector<double> best(nw, std::numeric_limits<double>::infinity());
  for (const Design &d : designs)
    for (size_t w = 0; w < nw; ++w)
      best[w] = std::min(best[w], d.workloads[w].edap);
  double wsum = 0;
  for (size_t w = 0; w < nw; ++w)
    wsum += weights.empty() ? 1.0 : weights[w];
  for (Design &d : designs) {
    d.regrets.assign(nw, 1.0);
    double logSum = 0, sum = 0, mx = 0, maxE = 0, maxL = 0;
    for (size_t w = 0; w < nw; ++w) {
      const Figures &f = d.workloads[w];
      const double r = best[w] > 0 ? f.edap / best[w] : 1.0;
      d.regrets[w] = r;
      const double wt = weights.empty() ? 1.0 : weights[w];
      logSum += wt * std::log(r);
      sum += r;
      mx = std::max(mx, r);
      maxE = std::max(maxE, f.energyPJ);
      maxL = std::max(maxL, f.latencyNs);
    }
    d.geomeanRegret = nw ? std::exp(logSum / wsum) : 1.0;
    d.maxRegret = mx;
    d.meanRegret = nw ? sum / double(nw) : 1.0;
    d.maxProduct = maxE * maxL * d.areaMm2;
  }
}

std::vector<size_t> paretoFront(const std::vector<Design> &designs) {
  std::vector<size_t> order(designs.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto key = [&](size_t i) {
    const Design &d = designs[i];
    return std::make_tuple(d.geomeanRegret, d.maxRegret, d.areaMm2, d.mvmError);
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return key(a) < key(b) ||
           (key(a) == key(b) && designs[a].index < designs[b].index);
  });
  // In this order a design can only be dominated by an earlier one, and is
  // dominated when a point of the front so far is no worse in every
  // objective (the points are distinct: a group of equal designs is one).
  std::vector<std::tuple<double, double, double, double>> points;
  std::vector<size_t> front;
  for (size_t g = 0; g < order.size();) {
    size_t e = g;
    while (e < order.size() && key(order[e]) == key(order[g]))
      ++e;
    const auto k = key(order[g]);
    const bool dominated =
        std::any_of(points.begin(), points.end(), [&](const auto &p) {
          return std::get<1>(p) <= std::get<1>(k) &&
                 std::get<2>(p) <= std::get<2>(k) &&
                 std::get<3>(p) <= std::get<3>(k);
        });
    if (!dominated) {
      for (size_t i = g; i < e; ++i)
        front.push_back(order[i]);
      points.push_back(k);
    }
    g = e;
  }
  return front;
}

std::vector<size_t> evaluationOrder(const Space &s, const cost::MapOptions &o) {
  // A knob shares workloads between its values when none of them changes
  // the base's workload key; such knobs vary fastest.
  std::vector<size_t> fast, slow;
  std::string why;
  const json base = json::parse(s.baseJson);
  std::optional<hw::Target> b = hw::parseTarget(s.baseJson, "base", why);
  const std::optional<std::string> baseKey =
      b ? cost::workloadKey(*b, o) : std::nullopt;
  for (size_t i = 0; i < s.knobs.size(); ++i) {
    bool alike = bool(baseKey);
    for (const std::string &v : s.knobs[i].values) {
      if (!alike)
        break;
      json t = base;
      setField(t, s.knobs[i].path, json::parse(v));
      std::optional<hw::Target> tt = hw::parseTarget(t.dump(), "design", why);
      alike = tt && cost::workloadKey(*tt, o) == baseKey;
    }
    (alike ? fast : slow).push_back(i);
  }
  fast.insert(fast.end(), slow.begin(), slow.end());
  return fast;
}

namespace {
/// Maps positions in the evaluation order to design indexes: the knobs of
/// `order` vary in that order, the first fastest.
struct Ordering {
  std::vector<uint64_t> radix, stride; ///< per position of `order`
  Ordering(const Space &s, const std::vector<size_t> &order) {
    std::vector<uint64_t> strides(s.knobs.size());
    uint64_t st = 1;
    for (size_t i = 0; i < s.knobs.size(); ++i) {
      strides[i] = st;
      st *= s.knobs[i].values.size();
    }
    for (size_t k : order) {
      radix.push_back(s.knobs[k].values.size());
      stride.push_back(strides[k]);
    }
  }
  uint64_t index(uint64_t position) const {
    uint64_t i = 0;
    for (size_t k = 0; k < radix.size(); ++k) {
      i += position % radix[k] * stride[k];
      position /= radix[k];
    }
    return i;
  }
};
} // namespace

std::optional<Partial> evaluatePart(const Space &s,
                                    const std::vector<cost::Profile> &w,
                                    uint64_t begin, uint64_t end,
                                    const Options &o, std::string &error) {
  const uint64_t n = s.size();
  if (n > kMaxDesigns) {
    error = fmt::format("the space holds more than {} designs", kMaxDesigns);
    return std::nullopt;
  }
  if (begin > end || end > n) {
    error = fmt::format("designs [{}, {}) are not a part of a space of {}",
                        begin, end, n);
    return std::nullopt;
  }
  if (w.empty()) {
    error = "no workloads";
    return std::nullopt;
  }
  const Ordering ordering(
      s, o.shareWorkloads ? evaluationOrder(s, s.map) : [&] {
        std::vector<size_t> v(s.knobs.size());
        for (size_t i = 0; i < v.size(); ++i)
          v[i] = i;
        return v;
      }());
  DesignEvaluator ev(s, w, o.shareWorkloads);
  const uint64_t count = end - begin;
  std::vector<ChunkResult> results;
  if (!forChunks(count, o, results, error, [&](uint64_t i, ChunkResult &cr) {
        Evaluated e = ev.evaluate(ordering.index(begin + i));
        if (e.feasible)
          cr.feasible.push_back(std::move(e.d));
        else
          ++cr.reasons[e.why];
      }))
    return std::nullopt;
  return joinChunks(results, count);
}

std::optional<Partial> evaluateDesigns(const Space &s,
                                       const std::vector<cost::Profile> &w,
                                       const std::vector<uint64_t> &indexes,
                                       const Options &o, std::string &error) {
  const uint64_t n = s.size();
  if (n > kMaxDesigns) {
    error = fmt::format("the space holds more than {} designs", kMaxDesigns);
    return std::nullopt;
  }
  for (uint64_t i : indexes)
    if (i >= n) {
      error = fmt::format("design {} is not in a space of {}", i, n);
      return std::nullopt;
    }
  if (w.empty()) {
    error = "no workloads";
    return std::nullopt;
  }
  DesignEvaluator ev(s, w, o.shareWorkloads);
  std::vector<ChunkResult> results;
  if (!forChunks(indexes.size(), o, results, error,
                 [&](uint64_t i, ChunkResult &cr) {
                   Evaluated e = ev.evaluate(indexes[i]);
                   if (e.feasible)
                     cr.feasible.push_back(std::move(e.d));
                   else
                     ++cr.reasons[e.why];
                 }))
    return std::nullopt;
  return joinChunks(results, indexes.size());
}

std::optional<Result> combine(std::vector<Partial> parts,
                              const std::vector<double> &weights,
                              std::string &error) {
  Result r;
  std::map<std::string, uint64_t> reasons;
  for (Partial &p : parts) {
    r.evaluated += p.evaluated;
    for (Design &d : p.feasible)
      r.feasible.push_back(std::move(d));
    for (const auto &[why, count] : p.reasons)
      reasons[why] += count;
  }
  std::sort(r.feasible.begin(), r.feasible.end(),
            [](const Design &a, const Design &b) { return a.index < b.index; });
  r.infeasible = r.evaluated - r.feasible.size();
  for (const auto &[why, count] : reasons)
    r.reasons.emplace_back(why, count);
  std::stable_sort(
      r.reasons.begin(), r.reasons.end(),
      [](const auto &a, const auto &b) { return a.second > b.second; });
  if (r.feasible.empty()) {
    error = fmt::format("no feasible design among {}", r.evaluated);
    if (!r.reasons.empty())
      error += fmt::format(" (most often: {}, {} designs)",
                           r.reasons.front().first, r.reasons.front().second);
    return std::nullopt;
  }
  const size_t nw = r.feasible.front().workloads.size();
  if (!weights.empty() && weights.size() != nw) {
    error = fmt::format("{} weights for {} workloads", weights.size(), nw);
    return std::nullopt;
  }
  computeRegrets(r.feasible, weights);
  r.pareto = paretoFront(r.feasible);
  r.chosen = r.pareto.front(); // the front is sorted by the chosen order
  return r;
}

std::optional<Result> searchExhaustive(const Space &s,
                                       const std::vector<cost::Profile> &w,
                                       const Options &o, std::string &error) {
  const auto start = std::chrono::steady_clock::now();
  if (!checkWorkloads(w, o, error))
    return std::nullopt;
  const uint64_t n = s.size();
  if (n > kMaxDesigns) {
    error = fmt::format("the space holds more than {} designs", kMaxDesigns);
    return std::nullopt;
  }
  std::optional<Partial> all = evaluatePart(s, w, 0, n, o, error);
  if (!all)
    return std::nullopt;
  std::vector<Partial> parts;
  parts.push_back(std::move(*all));
  std::optional<Result> r = combine(std::move(parts), o.weights, error);
  if (!r)
    return std::nullopt;
  r->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

uint64_t designOfGenes(const Space &s, const std::vector<double> &genes) {
  uint64_t index = 0, stride = 1;
  for (size_t k = 0; k < s.knobs.size(); ++k) {
    const uint64_t n = s.knobs[k].values.size();
    const double g = std::clamp(k < genes.size() ? genes[k] : 0.0, 0.0, 1.0);
    index += std::min<uint64_t>(n - 1, uint64_t(g * double(n))) * stride;
    stride *= n;
  }
  return index;
}

std::optional<Result> searchNsga2(const Space &s,
                                  const std::vector<cost::Profile> &w,
                                  const Options &o, const Nsga2Options &ga,
                                  std::string &error) {
  const auto start = std::chrono::steady_clock::now();
  if (!checkWorkloads(w, o, error))
    return std::nullopt;
  if (s.knobs.empty()) {
    error = "the space has no knobs to search";
    return std::nullopt;
  }
  if (s.size() > kMaxDesigns) {
    error = fmt::format("the space holds more than {} designs", kMaxDesigns);
    return std::nullopt;
  }
  // Every design the GA visits, evaluated once: a generation's new ones
  // together (on threads, or by o.remote).
  std::map<uint64_t, std::optional<Design>> seen; // nullopt: infeasible
  std::map<std::string, uint64_t> reasons;
  double wsum = 0;
  for (size_t i = 0; i < w.size(); ++i)
    wsum += o.weights.empty() ? 1.0 : o.weights[i];
  const uint64_t calls = uint64_t(ga.population + ga.population % 2) *
                         (uint64_t(ga.generations) + 1);
  uint64_t called = 0;
  std::string failed;
  auto batch = [&](const std::vector<std::vector<double>> &genes) {
    std::vector<uint64_t> index(genes.size()), fresh;
    for (size_t i = 0; i < genes.size(); ++i) {
      index[i] = designOfGenes(s, genes[i]);
      if (!seen.count(index[i]) &&
          std::find(fresh.begin(), fresh.end(), index[i]) == fresh.end())
        fresh.push_back(index[i]);
    }
    std::optional<Partial> part;
    if (o.remote) {
      part = o.remote(fresh, failed);
    } else {
      Options quiet = o;
      quiet.progress = nullptr;
      part = evaluateDesigns(s, w, fresh, quiet, failed);
    }
    if (!part)
      throw std::runtime_error(failed);
    for (uint64_t i : fresh)
      seen.emplace(i, std::nullopt);
    for (Design &d : part->feasible) {
      auto it = seen.find(d.index);
      if (it == seen.end() || it->second || d.workloads.size() != w.size())
        throw std::runtime_error(
            "the evaluator returned a design it was not asked for");
      it->second = std::move(d);
    }
    for (const auto &[why, count] : part->reasons)
      reasons[why] += count;
    // Objectives: the weighted mean log EDAP (the geometric-mean regret's
    // order, whatever the best EDAPs turn out to be), the area and the
    // accuracy proxy; an infeasible design is dominated by every feasible
    // one.
    constexpr double kInfeasible = 1e300;
    std::vector<std::vector<double>> f;
    for (uint64_t i : index) {
      const std::optional<Design> &d = seen.at(i);
      if (!d) {
        f.push_back({kInfeasible, kInfeasible, kInfeasible});
        continue;
      }
      double logs = 0;
      for (size_t k = 0; k < w.size(); ++k)
        logs += (o.weights.empty() ? 1.0 : o.weights[k]) *
                std::log(d->workloads[k].edap);
      f.push_back({logs / wsum, d->areaMm2, d->mvmError});
    }
    called += genes.size();
    if (o.progress)
      o.progress(std::min(called, calls), calls);
    return f;
  };
  uint64_t evaluations = 0;
  try {
    nsga2Batch(s.knobs.size(), batch, ga, &evaluations);
  } catch (const std::exception &e) {
    error =
        failed.empty() ? std::string("the search failed: ") + e.what() : failed;
    return std::nullopt;
  }
  Partial p;
  p.evaluated = seen.size();
  for (auto &[index, d] : seen)
    if (d)
      p.feasible.push_back(std::move(*d));
  p.reasons.assign(reasons.begin(), reasons.end());
  std::vector<Partial> parts;
  parts.push_back(std::move(p));
  std::optional<Result> r = combine(std::move(parts), o.weights, error);
  if (!r)
    return std::nullopt;
  r->method = "nsga2";
  r->objectiveCalls = evaluations;
  r->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

std::optional<Result> search(const Space &s,
                             const std::vector<cost::Profile> &w,
                             const Options &o, const SearchMethod &m,
                             std::string &error) {
  if (m.name == "nsga2")
    return searchNsga2(s, w, o, m.ga, error);
  if (m.name == "exhaustive")
    return searchExhaustive(s, w, o, error);
  if (m.name == "bnb")
    return searchBranchAndBound(s, w, o, error);
  error = "search must be 'exhaustive', 'bnb' or 'nsga2', got '" + m.name + "'";
  return std::nullopt;
}

namespace {
json designJson(const Space &s, const std::vector<cost::Profile> &w,
                const Design &d) {
  json j;
  j["index"] = d.index;
  j["values"] = detail::designValuesJson(s, d.index);
  j["area_mm2"] = d.areaMm2;
  j["geomean_regret"] = d.geomeanRegret;
  j["max_regret"] = d.maxRegret;
  j["mean_regret"] = d.meanRegret;
  j["max_product"] = d.maxProduct;
  j["mvm_error"] = d.mvmError;
  json ws = json::array();
  for (size_t i = 0; i < d.workloads.size(); ++i)
    ws.push_back({{"name", w[i].name},
                  {"energy_pj", d.workloads[i].energyPJ},
                  {"latency_ns", d.workloads[i].latencyNs},
                  {"edap", d.workloads[i].edap},
                  {"regret", d.regrets[i]}});
  j["workloads"] = ws;
  return j;
}
} // namespace

std::string resultToJson(const Space &s, const std::vector<cost::Profile> &w,
                         const Result &r) {
  json j;
  j["format"] = "imc-coopt";
  j["version"] = 1;
  json knobs = json::array();
  for (const Knob &k : s.knobs)
    knobs.push_back(k.path);
  j["knobs"] = knobs;
  json names = json::array();
  for (const cost::Profile &p : w)
    names.push_back(p.name);
  j["workloads"] = names;
  j["method"] = r.method;
  j["space_designs"] = s.size();
  j["designs"] = r.evaluated;
  if (r.method == "nsga2")
    j["objective_calls"] = r.objectiveCalls;
  if (r.method == "bnb") {
    const Certificate &c = r.certificate;
    json relaxed = json::array();
    for (size_t k : c.relaxed)
      relaxed.push_back(s.knobs[k].path);
    j["certificate"] = {{"relaxed_knobs", relaxed},
                        {"cells", c.cells},
                        {"bounded_boxes", c.bounded},
                        {"pruned_boxes", c.pruned.size()},
                        {"pruned_designs", c.prunedDesigns},
                        {"optimum_mean_log_edap", c.optimum},
                        {"best_log_edap", c.best},
                        {"margin", c.margin}};
  }
  j["feasible"] = r.feasible.size();
  json reasons = json::array();
  for (const auto &[why, count] : r.reasons)
    reasons.push_back({{"reason", why}, {"designs", count}});
  j["infeasible"] = reasons;
  j["seconds"] = r.seconds;
  const Design &c = r.feasible[r.chosen];
  j["chosen"] = designJson(s, w, c);
  j["chosen_target"] = json::parse(designTarget(s, c.index));
  json front = json::array();
  for (size_t i : r.pareto)
    front.push_back(designJson(s, w, r.feasible[i]));
  j["pareto"] = front;
  return j.dump(1);
}

std::string partialToJson(const Partial &p) {
  json j;
  j["format"] = "imc-coopt-part";
  j["evaluated"] = p.evaluated;
  json ds = json::array();
  for (const Design &d : p.feasible) {
    json f = json::array();
    for (const Figures &x : d.workloads)
      f.push_back({x.energyPJ, x.latencyNs});
    ds.push_back({{"index", d.index},
                  {"area_mm2", d.areaMm2},
                  {"mvm_error", d.mvmError},
                  {"w", f}});
  }
  j["designs"] = ds;
  json rs = json::array();
  for (const auto &[why, count] : p.reasons)
    rs.push_back({{"reason", why}, {"designs", count}});
  j["infeasible"] = rs;
  return j.dump();
}

std::optional<Partial> parsePartial(const std::string &text, const Space &s,
                                    size_t workloads, std::string &error) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || j.value("format", "") != "imc-coopt-part")
      throw SpaceError{"not an imc-coopt-part"};
    Partial p;
    p.evaluated = j.at("evaluated").get<uint64_t>();
    for (const json &d : j.at("designs")) {
      Design x;
      x.index = d.at("index").get<uint64_t>();
      if (x.index >= s.size())
        throw SpaceError{fmt::format("design {} is not in the space", x.index)};
      x.areaMm2 = d.at("area_mm2").get<double>();
      x.mvmError = d.at("mvm_error").get<double>();
      const json &f = d.at("w");
      if (!f.is_array() || f.size() != workloads)
        throw SpaceError{fmt::format("design {}: figures for {} workloads",
                                     x.index, workloads)};
      for (const json &e : f) {
        const double en = e.at(0).get<double>(), l = e.at(1).get<double>();
        x.workloads.push_back({en, l, en * l * x.areaMm2});
      }
      p.feasible.push_back(std::move(x));
    }
    for (const json &r : j.at("infeasible"))
      p.reasons.emplace_back(r.at("reason").get<std::string>(),
                             r.at("designs").get<uint64_t>());
    return p;
  } catch (const SpaceError &e) {
    error = "a part of the search: " + e.message;
  } catch (const std::exception &e) {
    error = "a part of the search: " + firstLine(e.what());
  }
  return std::nullopt;
}

std::string frontToCsv(const Space &s, const std::vector<cost::Profile> &w,
                       const Result &r) {
  std::string out = "design";
  for (const Knob &k : s.knobs)
    out += "," + csvQuote(k.path);
  out += ",area_mm2,mvm_error,geomean_regret,max_regret,workload,energy_pj,"
         "latency_ns,edap,regret\n";
  for (size_t i : r.pareto) {
    const Design &d = r.feasible[i];
    const std::vector<std::string> v = designValues(s, d.index);
    for (size_t k = 0; k < d.workloads.size(); ++k) {
      out += std::to_string(d.index);
      for (const std::string &x : v) {
        const json value = json::parse(x);
        out +=
            "," + (value.is_string() ? csvQuote(value.get<std::string>()) : x);
      }
      out += fmt::format(",{},{},{},{},{},{},{},{},{}\n", d.areaMm2, d.mvmError,
                         d.geomeanRegret, d.maxRegret, csvQuote(w[k].name),
                         d.workloads[k].energyPJ, d.workloads[k].latencyNs,
                         d.workloads[k].edap, d.regrets[k]);
    }
  }
  return out;
}

} // namespace imc::coopt
