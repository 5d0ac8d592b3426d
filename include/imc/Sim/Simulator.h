//===- Simulator.h - imc program executor ------------------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_SIMULATOR_H
#define IMC_SIM_SIMULATOR_H

#include "imc/Cost/CostModel.h"
#include "imc/Cost/Report.h"
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

// The report of a run is the cost report (imc/Cost/Report.h).
using cost::LayerStats;
using cost::Report;
using cost::formatSummary;

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

/// A human-readable listing of a program (imc-sim --dump).
std::string dumpProgram(const format::Program &p);

} // namespace imc::sim

#endif // IMC_SIM_SIMULATOR_H
