//===- Simulator.h - imc program executor ------------------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_SIMULATOR_H
#define IMC_SIM_SIMULATOR_H

#include "imc/Cost/CostModel.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Target.h"
#include "imc/Sim/Tensor.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imc::sim {

enum class Mode { Ideal, Quantized, Noisy };

/// How to run: the mode and, for noisy runs, the noise settings.
/// Longest drift time a simulation accepts, in seconds (about 317 years;
/// AIHWKIT's PCM drift model is fitted on seconds to days).
constexpr double kMaxDriftTime = 1e10;

struct RunOptions {
  Mode mode = Mode::Ideal;
  uint64_t seed = 0;    ///< same seed, same outputs
  double driftTime = 0; ///< seconds between programming and inference
  bool gdc = true;      ///< global drift compensation
  /// Bounds on what the program may ask for (format::Resources): a program
  /// beyond them is refused before it runs.
  uint64_t maxWork = format::kDefaultMaxWork;
  uint64_t maxMemoryBytes = format::kDefaultMaxMemoryBytes;
  /// Called after each instruction with (instructions done, total), on the
  /// calling thread; empty: no calls. Tools draw a progress line with it.
  std::function<void(size_t, size_t)> progress;
};

/// A progress callback for RunOptions::progress that redraws one line on
/// stderr ("PREFIX: 42% (n/N instructions)") at most ten times a second and
/// erases it at the end. Use it only when stderr is a terminal.
std::function<void(size_t, size_t)> terminalProgress(std::string prefix);

/// Parses "ideal" / "quantized" / "noisy".
std::optional<Mode> parseMode(const std::string &s);
const char *modeName(Mode m);

struct Charge;
class Scheduler;

/// Counters and costs of one run, in total and per layer.
struct LayerStats {
  std::string name;
  cost::Cost cost;
  int64_t mvms = 0;   ///< matrix-vector products on crossbars
  int64_t dpuOps = 0; ///< element operations on the DPU (a MAC counts as 2)
  int64_t analogMacs = 0, digitalMacs = 0;
  int64_t tiles = 0; ///< crossbar tiles programmed
  /// When the layer's first instruction starts and its last ends, in the
  /// inference schedule (docs/cost-model.md#schedule); 0 for the total.
  double startNs = 0, endNs = 0;
  void add(const Charge &c);
  /// "xbar" (crossbar work and no digital MACs), "dpu" (no crossbar work),
  /// or "xbar+dpu" (both).
  const char *engine() const;
};

/// The schedule's results (docs/cost-model.md#schedule).
struct ScheduleStats {
  double latencyNs = 0;          ///< this run, every tile programmed
  double inferenceLatencyNs = 0; ///< weights already resident
  double serialLatencyNs = 0;    ///< sum of all instruction latencies
  double inferenceEnergyPJ = 0;  ///< energy without the resident tiles' writes
  int64_t reprograms = 0;        ///< tiles written again (over capacity)
  int64_t maxProgramsPerArray = 0; ///< writes of one cell in this run, at most
  /// Layer pipelining over a stream of inputs (weights resident): the
  /// busiest engine's work per inference, i.e. one inference per interval.
  double pipelineIntervalNs = 0;
};

struct Report {
  std::string target;
  bool costOnly = false; ///< estimated without running (imc-sim --cost-only)
  Mode mode = Mode::Ideal;
  RunOptions options;
  std::string device; ///< the device model of noisy runs
  LayerStats total;
  std::vector<LayerStats> layers; ///< in order of first execution
  int64_t tilesProgrammed = 0;
  int64_t tilesAvailable = 0; ///< the target's num_tiles
  ScheduleStats schedule;
  cost::Area area;                       ///< zero without a technology
  std::vector<cost::Constant> constants; ///< resolved per-event constants
  std::string technology;                ///< "rram 22 nm", or empty
  double endurance = 0;                  ///< cell write endurance, or 0
  /// Sums the layers into `total`, completes the schedule, drops empty
  /// layers. Called by Simulator::run and estimate.
  void finalize(const Scheduler &s);
  /// Per-layer CSV (docs/report.md), one row per layer and a total row.
  std::string toCsv() const;
  /// Bound management was on (iterative, quantized or noisy mode), and how
  /// many times it redid a vector's MVM (docs/quantization.md).
  bool boundManagement = false;
  int64_t bmRetries = 0;
  /// The report as JSON text (docs/report.md lists the fields).
  std::string toJson() const;
};

/// A loaded program: decoded, checked against its target, ready to run.
class Simulator {
public:
  /// Decodes and validates `bytes`. On failure returns std::nullopt and sets
  /// `error` to one line.
  static std::optional<Simulator> load(const std::vector<uint8_t> &bytes,
                                       std::string &error);

  /// Runs the entry function on `inputs` (in argument order; pass them with
  /// std::move to spare a copy).
  bool run(std::vector<Tensor> inputs, const RunOptions &options,
           std::vector<Tensor> &outputs, Report &report,
           std::string &error) const;
  bool run(std::vector<Tensor> inputs, Mode mode, std::vector<Tensor> &outputs,
           Report &report, std::string &error) const {
    RunOptions o;
    o.mode = mode;
    return run(std::move(inputs), o, outputs, report, error);
  }

  const format::Program &program() const { return prog; }
  const hw::Target &target() const { return tgt; }
  /// Shapes of the entry function's arguments.
  std::vector<std::vector<int64_t>> inputShapes() const;

private:
  Simulator(format::Program p, hw::Target t)
      : prog(std::move(p)), tgt(std::move(t)) {}
  format::Program prog;
  hw::Target tgt;
};

/// A short human-readable summary of a report (imc-sim's stdout).
std::string formatSummary(const Report &r);

/// A human-readable listing of a program (imc-sim --dump).
std::string dumpProgram(const format::Program &p);

} // namespace imc::sim

#endif // IMC_SIM_SIMULATOR_H
