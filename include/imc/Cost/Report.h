//===- Report.h - the cost report of a program -------------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What a program costs, in total and per layer, and the metrics derived from
// it (TOPS, TOPS/W, ...), computed once in Report::metrics(). Filled by the
// simulator as it runs and by cost::estimate without running; written as
// JSON, CSV or a text summary (docs/report.md).
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_REPORT_H
#define IMC_COST_REPORT_H

#include "imc/Cost/CostModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace imc::cost {

/// Counters and costs of one run, in total and per layer.
struct LayerStats {
  std::string name;
  Cost cost;
  int64_t mvms = 0;   ///< matrix-vector products on crossbars
  int64_t dpuOps = 0; ///< element operations on the DPU (a MAC counts as 2)
  int64_t analogMacs = 0, digitalMacs = 0;
  int64_t tiles = 0; ///< crossbar tiles programmed
  /// When the layer's first instruction starts and its last ends, in the
  /// inference schedule (docs/cost-model.md#schedule); 0 for the total.
  double startNs = 0, endNs = 0;
  void add(const LayerStats &o);
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

/// How a simulation ran (the simulator fills it; an estimate leaves it).
struct RunInfo {
  std::string mode = "ideal"; ///< ideal | quantized | noisy
  /// Noisy runs: the device model and the noise settings.
  std::string device;
  uint64_t seed = 0;
  double driftTime = 0;
  bool gdc = true;
  /// Bound management was on (iterative, quantized or noisy mode), and how
  /// many times it redid a vector's MVM (docs/quantization.md).
  bool boundManagement = false;
  int64_t bmRetries = 0;
};

/// The figures derived from a report, defined once (docs/report.md): every
/// output format and the co-optimizer read them from here.
struct Metrics {
  double ops = 0;            ///< 2 x (analog + digital MACs)
  double tops = 0;           ///< ops / inference latency
  double pipelinedTops = 0;  ///< ops / pipeline interval
  double topsPerW = 0;       ///< ops / inference energy
  double topsPerMm2 = 0;     ///< tops / area (0 without an area)
  double analogMacRatio = 0; ///< analog MACs / all MACs
  double runsToWearOut = 0;  ///< endurance / max writes per cell, or 0
};

struct Report {
  std::string target;
  bool costOnly = false; ///< estimated without running (imc-sim --cost-only)
  RunInfo run;
  LayerStats total;
  std::vector<LayerStats> layers; ///< in order of first execution
  int64_t tilesProgrammed = 0;
  int64_t tilesAvailable = 0; ///< the target's num_tiles
  ScheduleStats schedule;
  Area area;                       ///< zero without a technology
  std::vector<Constant> constants; ///< resolved per-event constants
  std::string technology;          ///< "rram 22 nm", or empty
  double endurance = 0;            ///< cell write endurance, or 0
  /// Sums the layers into `total` and drops empty layers (evaluate calls
  /// it).
  void finalize();
  Metrics metrics() const;
  /// Per-layer CSV (docs/report.md), one row per layer and a total row.
  std::string toCsv() const;
  /// The report as JSON text (docs/report.md lists the fields).
  std::string toJson() const;
};

/// A short human-readable summary of a report (imc-sim's stdout).
std::string formatSummary(const Report &r);

} // namespace imc::cost

#endif // IMC_COST_REPORT_H
