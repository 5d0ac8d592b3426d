//===- cost_eval.cpp - cost-model evaluations per second ------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-cost-bench PROG.imcb [SECONDS]
//
// A benchmark, not a test: loads a compiled program once, then costs the
// whole network (cost::estimate: every instruction through the cost model,
// the schedule, area and throughput) over and over for about SECONDS
// (default 2), and prints evaluations per second.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Profile.h"
#include "imc/Cost/Workload.h"
#include "imc/Sim/Simulator.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>

/// imc-cost-bench PROFILE.json TARGET [SECONDS]: profile evaluations.
static int benchProfile(int argc, char **argv) {
  const double budget = argc == 4 ? std::atof(argv[3]) : 2.0;
  std::ifstream in(argv[1]);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  std::string error;
  std::optional<std::vector<imc::cost::Profile>> profiles =
      imc::cost::parseProfiles(text, error);
  if (!profiles) {
    fmt::print(stderr, "imc-cost-bench: error: {}: {}\n", argv[1], error);
    return 1;
  }
  std::optional<imc::hw::Target> t = imc::hw::loadTarget(argv[2], error);
  if (!t) {
    fmt::print(stderr, "imc-cost-bench: error: {}\n", error);
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  imc::cost::Report r;
  int64_t n = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    if (!imc::cost::evaluate(profiles->front(), *t, {}, r, error)) {
      fmt::print(stderr, "imc-cost-bench: error: {}\n", error);
      return 1;
    }
    ++n;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < budget);
  fmt::print("profile evaluator: {} ({} instructions) on {}, {} tiles: {:.1f} "
             "evaluations/s ({:.3f} ms each; inference {:.4g} ns, {:.4g} "
             "pJ)\n",
             profiles->front().name, profiles->front().program.code.size(),
             t->name, r.tilesProgrammed, double(n) / elapsed,
             1e3 * elapsed / double(n), r.schedule.inferenceLatencyNs,
             r.schedule.inferenceEnergyPJ);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && std::string(argv[1]).size() > 5 &&
      std::string(argv[1]).substr(std::string(argv[1]).size() - 5) == ".json")
    return argc <= 4 ? benchProfile(argc, argv) : 2;
  if (argc < 2 || argc > 3) {
    fmt::print(stderr, "usage: imc-cost-bench PROG.imcb [SECONDS]\n"
                       "       imc-cost-bench PROFILE.json TARGET.json "
                       "[SECONDS]\n");
    return 2;
  }
  const double budget = argc == 3 ? std::atof(argv[2]) : 2.0;
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  std::string error;
  std::optional<imc::sim::Simulator> sim =
      imc::sim::Simulator::load(bytes, error);
  if (!sim) {
    fmt::print(stderr, "imc-cost-bench: error: {}: {}\n", argv[1], error);
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  imc::sim::Report r;
  int64_t n = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    imc::cost::estimate(sim->program(), sim->target(), r);
    ++n;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < budget);
  fmt::print("cost model: {} instructions, {} layers, {} tiles: {:.1f} "
             "whole-network evaluations/s ({:.3f} ms each; inference {:.4g} "
             "ns, {:.4g} pJ)\n",
             sim->program().code.size(), r.layers.size(), r.tilesProgrammed,
             double(n) / elapsed, 1e3 * elapsed / double(n),
             r.schedule.inferenceLatencyNs, r.schedule.inferenceEnergyPJ);
  return 0;
}
