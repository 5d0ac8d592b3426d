//===- ProgramCost.h - costs and schedule of an imc program -----*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What each instruction of a program costs (through the one Model) and
// when it runs (the schedule of docs/cost-model.md#schedule). Costs depend on
// shapes, the target and the program's constants only, never on run-time
// data, so a whole network can be costed without simulating it: the
// simulator charges through this file as it runs, and `estimate` (imc-sim
// --cost-only, imc.estimate, the co-optimizer) charges without running.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_PROGRAMCOST_H
#define IMC_COST_PROGRAMCOST_H

#include "imc/Cost/CostModel.h"
#include "imc/Cost/Report.h"
#include "imc/Format/Program.h"

#include <cstdint>
#include <vector>

namespace imc::cost {

/// Charges the instructions of one program on one target.
class ProgramCoster {
public:
  ProgramCoster(const format::Program &p, const Model &m);
  Charge charge(const format::Instr &in) const;
  const Model &model() const { return m; }

private:
  const format::Program &p;
  const Model &m;
  std::vector<int64_t> nnz; ///< per value: non-zeros if a constant, else -1
  std::vector<hw::XbarPrecision> prec; ///< per tile value (tilePrecisions)
};

/// The list schedule of docs/cost-model.md#schedule: instructions in program
/// order, each as soon as its operands are ready and its engine is free; a
/// tile is (re)programmed onto its array (round robin over num_tiles arrays)
/// when an MVM needs it there. Runs two timelines at once: `full` (every tile
/// programmed in this run) and `resident` (the first num_tiles tiles already
/// hold their weights: inference on a deployed chip).
class Scheduler {
public:
  Scheduler(const format::Program &p, const Model &m);
  /// Schedules `in` with its charge; `layer` indexes Report::layers.
  void add(const format::Instr &in, const Charge &c, size_t layer);
  /// Writes the schedule's results into `r` (totals, per-layer start/end,
  /// reprogramming, area, throughput); call once, after the last add.
  void finish(Report &r) const;

private:
  struct Timeline {
    std::vector<double> ready;     ///< per value: when it is available
    std::vector<double> arrayFree; ///< per physical array
    std::vector<int64_t> owner;    ///< per array: tile value loaded, or -1
    double dpuFree = 0, end = 0;
    std::vector<double> arrayBusy; ///< per array: MVM and write time
    double dpuBusy = 0;
  };
  void place(Timeline &tl, const format::Instr &in, const Charge &c,
             bool resident, size_t layer);
  void noteSpan(size_t layer, double start, double end);

  const format::Program &p;
  const Model &m;
  Timeline full, res;
  std::vector<int64_t> arrayOf;   ///< per tile value: its array
  std::vector<int64_t> tileIndex; ///< per tile value: order of programming
  std::vector<int64_t> programsOnArray; ///< per array, full timeline
  std::vector<char> loaded; ///< per tile value: written once (full timeline)
  int64_t tilesSeen = 0, reprograms = 0;
  Cost reprogramCost;  ///< re-programming in the full timeline
  Cost residentWrites; ///< writes the resident timeline performs
  std::vector<std::pair<double, double>> layerSpan; ///< resident timeline
  double serialNs = 0;
  std::vector<hw::XbarPrecision> prec; ///< per tile value (tilePrecisions)
};

/// Costs a whole program without running it: the report of a simulation
/// minus the functional results (docs/report.md). Fails only on programs
/// the simulator would reject.
void estimate(const format::Program &p, const hw::Target &t, Report &r);

} // namespace imc::cost

#endif // IMC_COST_PROGRAMCOST_H
