//===- imc-coopt.cpp - one chip design for many workloads -----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-coopt PROFILES.json SPACE.json -o CHOSEN.json [--result R.json]
//           [--csv FRONT.csv] [--jobs N] [--weights w1,w2,...] [--quiet]
//
// Evaluates every design of the space on every workload profile and writes
// the chosen target (a target JSON file --imc-pipeline accepts), the whole
// result (the Pareto front, each design's per-workload figures and
// regrets, the search statistics) and the front as CSV (docs/coopt.md).
// Bad input is a one-line error and writes nothing.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "imc/Support/Tool.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <unistd.h>

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

static int run() {
  if (outPath.empty() && resultPath.empty() && csvPath.empty())
    return fail("nothing to write: give -o, --result and/or --csv");
  {
    const std::string paths[] = {outPath, resultPath, csvPath};
    for (int i = 0; i < 3; ++i)
      for (int k = i + 1; k < 3; ++k)
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
        fmt::print(stderr, "\rimc-coopt: {:3}% ({}/{} designs)",
                   100 * done / total, done, total);
      std::fflush(stderr);
    };
  }
  std::optional<imc::coopt::Result> r =
      imc::coopt::searchExhaustive(*space, *profiles, o, error);
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
            write(csvPath, imc::coopt::frontToCsv(*space, *profiles, *r));
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
    fmt::print("imc-coopt: {} designs x {} workloads in {:.2f} s: {} "
               "feasible, {} on the Pareto front\n",
               r->evaluated, profiles->size(), r->seconds, r->feasible.size(),
               r->pareto.size());
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
