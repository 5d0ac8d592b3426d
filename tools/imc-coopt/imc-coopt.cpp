//===- imc-coopt.cpp - one chip design for many workloads -----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-coopt PROFILES.json SPACE.json -o CHOSEN.json [--result R.json]
//           [--csv FRONT.csv] [--jobs N] [--weights w1,w2,...] [--quiet]
//           [--search exhaustive|bnb|nsga2 --population P --generations G
//            --seed S] [--certificate C.json]
//
// Evaluates every design of the space (or those branch and bound does not
// prune, or those NSGA-II visits) on every workload profile and writes
// the chosen target (a target JSON file --imc-pipeline accepts), the whole
// result (the Pareto front, each design's per-workload figures and
// regrets, the search statistics) and the front as CSV (docs/coopt.md).
// Bad input is a one-line error and writes nothing.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "imc/Support/Tool.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <unistd.h>

extern char **environ;

using namespace llvm;

static cl::OptionCategory cat("imc-coopt options");
static cl::opt<std::string> profilesPath(cl::Positional, cl::Required,
                                         cl::desc("<profiles.json>"),
                                         cl::cat(cat));
static cl::opt<std::string> spacePath(cl::Positional, cl::Required,
                                      cl::desc("<space.json>"), cl::cat(cat));
static cl::opt<std::string>
    outPath("o", cl::desc("Write the chosen target (JSON) here"),
            cl::value_desc("chosen.json"), cl::cat(cat));
static cl::opt<std::string>
    resultPath("result",
               cl::desc("Write the result (front, figures, statistics) here"),
               cl::value_desc("result.json"), cl::cat(cat));
static cl::opt<std::string> csvPath("csv",
                                    cl::desc("Write the Pareto front as CSV"),
                                    cl::value_desc("front.csv"), cl::cat(cat));
static cl::opt<unsigned> jobs("jobs",
                              cl::desc("Threads to use (default: all cores)"),
                              cl::init(0), cl::cat(cat));
static cl::opt<std::string>
    weights("weights",
            cl::desc("Per workload, how often it runs: w1,w2,... (default 1)"),
            cl::value_desc("list"), cl::cat(cat));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"),
                           cl::cat(cat));
static cl::opt<std::string>
    search("search",
           cl::desc("exhaustive (every design: the exact optimum), bnb "
                    "(branch and bound: the exact optimum, with a "
                    "certificate) or nsga2 (the genetic algorithm, for "
                    "spaces too large)"),
           cl::init("exhaustive"), cl::cat(cat));
static cl::opt<std::string> certificatePath(
    "certificate",
    cl::desc("--search bnb: write the pruned boxes and their bounds here"),
    cl::value_desc("certificate.json"), cl::cat(cat));
static cl::opt<unsigned> population("population",
                                    cl::desc("NSGA-II population (even)"),
                                    cl::init(70), cl::cat(cat));
static cl::opt<unsigned> generations("generations",
                                     cl::desc("NSGA-II generations"),
                                     cl::init(40), cl::cat(cat));
static cl::opt<uint64_t> seed("seed", cl::desc("NSGA-II random seed"),
                              cl::init(1), cl::cat(cat));
static cl::opt<std::string>
    daskAddress("dask",
                cl::desc("Run the search (exhaustive or nsga2) on a "
                         "dask.distributed cluster: a scheduler address, or "
                         "local[:N] for a LocalCluster of N workers started "
                         "here"),
                cl::value_desc("address"), cl::cat(cat));
static cl::opt<std::string>
    plotPath("plot",
             cl::desc("Write a PNG of the Pareto front and the chosen "
                      "design's regret per workload (python3 -m imc.plot)"),
             cl::value_desc("front.png"), cl::cat(cat));
static cl::opt<unsigned>
    daskPartCount("dask-parts",
                  cl::desc("Parts the space is cut into on "
                           "the cluster (default 8 per "
                           "worker)"),
                  cl::init(0), cl::cat(cat));

static int fail(const std::string &msg) {
  fmt::print(stderr, "imc-coopt: error: {}\n", msg);
  return 1;
}

static bool readFile(const std::string &path, std::string &text) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  text.assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return true;
}

/// Runs `python3 -m MODULE ARGS...` with the imc package next to this tool
/// (the `python` directory beside its `bin`; the interpreter is
/// $IMC_PYTHON, default /usr/bin/python3). False with the module's last
/// line of stderr in `error` when it fails.
static bool runImcPython(const std::vector<std::string> &moduleArgs,
                         std::string &error) {
  const std::string exe =
      sys::fs::getMainExecutable(nullptr, (void *)&runImcPython);
  SmallString<256> pkg(sys::path::parent_path(sys::path::parent_path(exe)));
  sys::path::append(pkg, "python");
  const char *py = std::getenv("IMC_PYTHON");
  const std::string python = py && *py ? py : "/usr/bin/python3";
  SmallString<128> err;
  if (sys::fs::createTemporaryFile("imc-coopt-python", "txt", err)) {
    error = "cannot create a temporary file";
    return false;
  }
  const std::string errPath(err);
  std::string env = "PYTHONPATH=" + std::string(pkg);
  if (const char *old = std::getenv("PYTHONPATH"); old && *old)
    env += ":" + std::string(old);
  std::vector<std::string> envs{env};
  // A sanitizer build's Python module needs the ASan runtime first
  // (test/lit.cfg.py sets this).
  const char *preload = std::getenv("IMC_PYTHON_PRELOAD");
  const bool sanitized = preload && *preload;
  if (sanitized) {
    envs.push_back("LD_PRELOAD=" + std::string(preload));
    envs.push_back("ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0");
  }
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "PYTHONPATH=", 11) &&
        !(sanitized && (!std::strncmp(*e, "LD_PRELOAD=", 11) ||
                        !std::strncmp(*e, "ASAN_OPTIONS=", 13))))
      envs.push_back(*e);
  std::vector<StringRef> envRefs(envs.begin(), envs.end());
  std::vector<std::string> args{python, "-m"};
  args.insert(args.end(), moduleArgs.begin(), moduleArgs.end());
  std::vector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(errPath),
                                          StringRef(errPath)};
  std::string why;
  const int rc =
      sys::ExecuteAndWait(python, argRefs, envRefs, redirects, 0, 0, &why);
  std::string text;
  readFile(errPath, text);
  sys::fs::remove(errPath);
  if (rc == 0)
    return true;
  // The module's own one line, else the last line Python printed.
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  text = text.substr(
      text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  error = !why.empty() ? why : text.empty() ? "Python failed" : text;
  return false;
}

/// The exhaustive search's parts, evaluated on the Dask cluster by
/// python3 -m imc.dask_coopt.
/// The search on a Dask cluster, by python3 -m imc.dask_coopt: the parts
/// of the exhaustive search, or every design NSGA-II visited (with its
/// objective calls in `calls`).
static bool evaluateOnDask(const imc::coopt::Space &space, size_t workloads,
                           const std::vector<double> &weights,
                           std::vector<imc::coopt::Partial> &parts,
                           uint64_t &calls, std::string &error) {
  SmallString<128> out;
  if (sys::fs::createTemporaryFile("imc-coopt-parts", "json", out)) {
    error = "cannot create a temporary file";
    return false;
  }
  const std::string outPath(out);
  std::vector<std::string> args{"imc.dask_coopt", profilesPath, spacePath,
                                outPath,          "--dask",     daskAddress};
  if (daskPartCount)
    args.push_back("--parts=" + std::to_string(daskPartCount));
  const bool ga = search == "nsga2";
  if (ga) {
    std::string ws;
    for (double w : weights)
      ws += (ws.empty() ? "" : ",") + fmt::format("{}", w);
    for (std::string a : {std::string("--search=nsga2"),
                          "--population=" + std::to_string(population),
                          "--generations=" + std::to_string(generations),
                          "--seed=" + std::to_string(seed), "--weights=" + ws})
      args.push_back(std::move(a));
  }
  if (!runImcPython(args, error)) {
    sys::fs::remove(outPath);
    return false;
  }
  std::string text;
  readFile(outPath, text);
  sys::fs::remove(outPath);
  try {
    const nlohmann::json out = nlohmann::json::parse(text);
    for (const auto &t : out.at("parts")) {
      std::optional<imc::coopt::Partial> p = imc::coopt::parsePartial(
          t.get<std::string>(), space, workloads, error);
      if (!p)
        return false;
      parts.push_back(std::move(*p));
    }
    if (ga)
      calls = out.at("objective_calls").get<uint64_t>();
  } catch (const std::exception &e) {
    error = "the helper's output is not a list of parts";
    return false;
  }
  uint64_t n = 0;
  for (const imc::coopt::Partial &p : parts)
    n += p.evaluated;
  if (!ga && n != space.size()) {
    error =
        fmt::format("the parts hold {} designs, the space {}", n, space.size());
    return false;
  }
  return true;
}

static int run() {
  if (outPath.empty() && resultPath.empty() && csvPath.empty() &&
      plotPath.empty())
    return fail("nothing to write: give -o, --result, --csv and/or --plot");
  {
    const std::string paths[] = {outPath, resultPath, csvPath, plotPath};
    for (int i = 0; i < 4; ++i)
      for (int k = i + 1; k < 4; ++k)
        if (!paths[i].empty() && paths[i] == paths[k])
          return fail(
              fmt::format("two outputs name the same file '{}'", paths[i]));
  }
  std::string text, error;
  if (!readFile(profilesPath, text))
    return fail(fmt::format("{}: cannot open", profilesPath.getValue()));
  std::optional<std::vector<imc::cost::Profile>> profiles =
      imc::cost::parseProfiles(text, error);
  if (!profiles)
    return fail(fmt::format("{}: {}", profilesPath.getValue(), error));
  if (!readFile(spacePath, text))
    return fail(fmt::format("{}: cannot open", spacePath.getValue()));
  std::optional<imc::coopt::Space> space =
      imc::coopt::parseSpace(text, spacePath, error);
  if (!space)
    return fail(error);

  if (search != "exhaustive" && search != "nsga2" && search != "bnb")
    return fail(fmt::format("--search: '{}' is not 'exhaustive', 'bnb' or "
                            "'nsga2'",
                            search.getValue()));
  if (!certificatePath.empty() && search != "bnb")
    return fail("--certificate needs --search bnb");
  if (search != "nsga2" &&
      (population.getNumOccurrences() || generations.getNumOccurrences() ||
       seed.getNumOccurrences()))
    return fail(fmt::format("--population, --generations and --seed are "
                            "settings of --search nsga2, not of {}",
                            search.getValue()));
  if (daskPartCount.getNumOccurrences() && daskAddress.empty())
    return fail("--dask-parts needs --dask");
  if (daskPartCount.getNumOccurrences() && search != "exhaustive")
    return fail("--dask-parts cuts the exhaustive search (NSGA-II sends "
                "each generation's designs to the workers)");
  if (jobs.getNumOccurrences() && !daskAddress.empty())
    return fail("--jobs: with --dask each worker evaluates on one thread "
                "(start more workers instead)");
  if (population < 4 || population > 100000 || population % 2)
    return fail("--population must be an even number in [4, 100000]");
  if (generations > 1000000)
    return fail("--generations must be at most 1000000");
  imc::coopt::Options o;
  o.threads = jobs;
  if (!weights.empty()) {
    std::stringstream ss(weights);
    std::string item;
    while (std::getline(ss, item, ',')) {
      char *end = nullptr;
      const double w = std::strtod(item.c_str(), &end);
      if (item.empty() || *end || !(w > 0) || !std::isfinite(w))
        return fail(
            fmt::format("--weights: '{}' is not a positive number", item));
      o.weights.push_back(w);
    }
  }
  // Progress on a terminal, nothing otherwise.
  if (!quiet && isatty(STDERR_FILENO)) {
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    o.progress = [last](uint64_t done, uint64_t total) {
      const auto now = std::chrono::steady_clock::now();
      if (done < total && now - *last < std::chrono::milliseconds(200))
        return;
      *last = now;
      if (done >= total)
        std::fputs("\r\033[K", stderr);
      else
        fmt::print(stderr, "\rimc-coopt: {:3}% ({}/{} {})", 100 * done / total,
                   done, total,
                   search == "nsga2" ? "evaluations"
                   : search == "bnb" ? "designs bounded, then settled"
                                     : "designs");
      std::fflush(stderr);
    };
  }
  std::optional<imc::coopt::Result> r;
  if (!daskAddress.empty()) {
    if (search == "bnb")
      return fail("--dask runs --search exhaustive or nsga2; branch and "
                  "bound runs here (--jobs)");
    const auto start = std::chrono::steady_clock::now();
    std::vector<imc::coopt::Partial> parts;
    uint64_t calls = 0;
    if (!evaluateOnDask(*space, profiles->size(), o.weights, parts, calls,
                        error))
      return fail("dask: " + error);
    r = imc::coopt::combine(std::move(parts), o.weights, error);
    if (r) {
      r->seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
      if (search == "nsga2") {
        r->method = "nsga2";
        r->objectiveCalls = calls;
      }
    }
  } else {
    imc::coopt::SearchMethod method;
    method.name = search;
    method.ga.population = population;
    method.ga.generations = generations;
    method.ga.seed = seed;
    r = imc::coopt::search(*space, *profiles, o, method, error);
  }
  if (o.progress)
    std::fputs("\r\033[K", stderr);
  if (!r)
    return fail(error);

  // Every output to a temporary first, renamed once all are written.
  std::vector<std::pair<std::string, std::string>> files;
  auto write = [&](const std::string &path, const std::string &content) {
    if (path.empty())
      return true;
    const std::string tmp = path + ".tmp";
    std::ofstream f(tmp, std::ios::binary);
    f << content;
    files.emplace_back(path, tmp);
    return bool(f.flush());
  };
  const imc::coopt::Design &c = r->feasible[r->chosen];
  bool ok = write(outPath, imc::coopt::designTarget(*space, c.index) + "\n") &&
            write(resultPath,
                  imc::coopt::resultToJson(*space, *profiles, *r) + "\n") &&
            write(csvPath, imc::coopt::frontToCsv(*space, *profiles, *r)) &&
            write(certificatePath,
                  imc::coopt::certificateToJson(*space, *profiles, *r) + "\n");
  if (ok && !plotPath.empty()) {
    // The plot is drawn from the result file (a temporary one if none).
    SmallString<128> json;
    std::string from = resultPath.empty() ? "" : resultPath + ".tmp";
    if (from.empty()) {
      if (sys::fs::createTemporaryFile("imc-coopt-result", "json", json)) {
        error = "cannot create a temporary file";
        ok = false;
      } else {
        from = std::string(json);
        std::ofstream f(from, std::ios::binary);
        f << imc::coopt::resultToJson(*space, *profiles, *r) << "\n";
        ok = bool(f.flush());
      }
    }
    const std::string tmp = plotPath + ".tmp.png";
    std::string why;
    if (ok && !runImcPython({"imc.plot", from, tmp}, why)) {
      error = plotPath + ": " + why;
      ok = false;
      std::remove(tmp.c_str());
    } else if (ok) {
      files.emplace_back(plotPath, tmp);
    }
    if (!json.empty())
      sys::fs::remove(json);
  }
  for (auto &[path, tmp] : files)
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
      if (ok)
        error = path;
      ok = false;
      std::remove(tmp.c_str());
    }
  if (!ok)
    return fail(
        fmt::format("cannot write {}", error.empty() ? "the outputs" : error));
  if (!quiet) {
    fmt::print("imc-coopt: {} designs x {} workloads in {:.2f} s{}: {} "
               "feasible, {} on the Pareto front\n",
               r->evaluated, profiles->size(), r->seconds,
               r->method == "nsga2"
                   ? fmt::format(" (NSGA-II, {} of {} designs visited)",
                                 r->evaluated, space->size())
               : r->method == "bnb"
                   ? fmt::format(" (branch and bound, {} of {} designs "
                                 "pruned by {} boxes)",
                                 r->certificate.prunedDesigns, space->size(),
                                 r->certificate.pruned.size())
                   : "",
               r->feasible.size(), r->pareto.size());
    const std::vector<std::string> v =
        imc::coopt::designValues(*space, c.index);
    std::string values;
    for (size_t i = 0; i < v.size(); ++i)
      values +=
          fmt::format("{}{} = {}", i ? ", " : "", space->knobs[i].path, v[i]);
    fmt::print("chosen: {} (geomean regret {:.4f}, max regret {:.4f}, area "
               "{:.4g} mm2)\n",
               values, c.geomeanRegret, c.maxRegret, c.areaMm2);
    for (size_t w = 0; w < profiles->size(); ++w)
      fmt::print("  {}: energy {:.4g} pJ, latency {:.4g} ns, regret {:.4f}\n",
                 (*profiles)[w].name, c.workloads[w].energyPJ,
                 c.workloads[w].latencyNs, c.regrets[w]);
  }
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  imc::initTool("imc-coopt", argv[0], &cat);
  cl::ParseCommandLineOptions(argc, argv, "imc multi-workload co-optimizer\n");
  try {
    return run();
  } catch (const std::bad_alloc &) {
    return fail("out of memory");
  } catch (const std::exception &e) {
    return fail(fmt::format("internal error: {}", e.what()));
  }
}
