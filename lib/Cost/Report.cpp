//===- Report.cpp - the cost report of a program --------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The fields are documented in docs/report.md; keep the two in step.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Report.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace imc::cost {

const char *LayerStats::engine() const {
  const bool xbar = analogMacs || tiles;
  if (xbar && digitalMacs)
    return "xbar+dpu";
  return xbar ? "xbar" : "dpu";
}

void LayerStats::add(const LayerStats &o) {
  cost += o.cost;
  dpuOps += o.dpuOps;
  mvms += o.mvms;
  analogMacs += o.analogMacs;
  digitalMacs += o.digitalMacs;
  tiles += o.tiles;
}

void Report::finalize() {
  total = LayerStats();
  for (const LayerStats &ls : layers)
    total.add(ls);
  total.name = "total";
  // Bookkeeping (empty tensors, reshapes, constant fills at no cost) is not a
  // layer anybody needs to see; totals are unchanged.
  layers.erase(std::remove_if(layers.begin(), layers.end(),
                              [](const LayerStats &l) {
                                return l.cost.latencyNs == 0 &&
                                       l.cost.energy.total() == 0 &&
                                       l.dpuOps == 0 && l.mvms == 0 &&
                                       l.tiles == 0;
                              }),
               layers.end());
}

Metrics Report::metrics() const {
  Metrics m;
  // Operations (2 per MAC) per nanosecond / 1000 = TOPS; per pJ = TOPS/W.
  const int64_t macs = total.analogMacs + total.digitalMacs;
  m.ops = 2.0 * double(macs);
  m.analogMacRatio = macs ? double(total.analogMacs) / double(macs) : 0.0;
  const ScheduleStats &s = schedule;
  m.tops =
      s.inferenceLatencyNs > 0 ? m.ops / s.inferenceLatencyNs / 1000.0 : 0.0;
  m.pipelinedTops =
      s.pipelineIntervalNs > 0 ? m.ops / s.pipelineIntervalNs / 1000.0 : 0.0;
  m.topsPerW = s.inferenceEnergyPJ > 0 ? m.ops / s.inferenceEnergyPJ : 0.0;
  m.topsPerMm2 = area.total() > 0 ? m.tops / area.total() : 0.0;
  m.runsToWearOut = endurance > 0 && s.maxProgramsPerArray > 0
                        ? endurance / double(s.maxProgramsPerArray)
                        : 0.0;
  return m;
}

static nlohmann::ordered_json statsToJson(const LayerStats &s) {
  nlohmann::ordered_json j;
  const Energy &e = s.cost.energy;
  j["name"] = s.name;
  j["engine"] = s.engine();
  j["tiles"] = s.tiles;
  j["mvms"] = s.mvms;
  j["cell_writes"] = s.cost.cellWrites;
  j["dpu_ops"] = s.dpuOps;
  j["adc_conversions"] = s.cost.adcConversions;
  j["analog_macs"] = s.analogMacs;
  j["digital_macs"] = s.digitalMacs;
  j["latency_ns"] = s.cost.latencyNs;
  j["start_ns"] = s.startNs;
  j["end_ns"] = s.endNs;
  j["energy_pj"] = e.total();
  j["energy_breakdown_pj"] = {
      {"dac", e.dac},        {"array", e.array},
      {"adc", e.adc},        {"shift_add", e.shiftAdd},
      {"buffer", e.buffer},  {"write", e.write},
      {"dpu", e.dpu},        {"interconnect", e.interconnect},
      {"leakage", e.leakage}};
  return j;
}

std::string Report::toJson() const {
  nlohmann::ordered_json j;
  j["format"] = "imc-sim-report";
  j["version"] = 1;
  j["target"] = target;
  j["mode"] = costOnly ? "estimate" : run.mode;
  if (!costOnly && run.mode == "noisy")
    j["noise"] = {{"device", run.device},
                  {"seed", run.seed},
                  {"drift_time_s", run.driftTime},
                  {"gdc", run.gdc}};
  if (costOnly)
    j["cost_only"] = true;
  if (!technology.empty())
    j["technology"] = technology;
  nlohmann::ordered_json tot = statsToJson(total);
  tot.erase("name");
  tot.erase("engine");
  tot.erase("tiles"); // tiles_programmed below
  tot.erase("start_ns");
  tot.erase("end_ns");
  // The run's latency is the schedule's, not the sum of the layers'.
  tot["latency_ns"] = schedule.latencyNs;
  const Metrics m = metrics();
  tot["analog_mac_ratio"] = m.analogMacRatio;
  tot["tiles_programmed"] = tilesProgrammed;
  tot["tiles_available"] = tilesAvailable;
  tot["reprograms"] = schedule.reprograms;
  tot["serial_latency_ns"] = schedule.serialLatencyNs;
  tot["inference_latency_ns"] = schedule.inferenceLatencyNs;
  tot["inference_energy_pj"] = schedule.inferenceEnergyPJ;
  tot["tops"] = m.tops;
  tot["pipeline_interval_ns"] = schedule.pipelineIntervalNs;
  tot["pipelined_tops"] = m.pipelinedTops;
  tot["tops_per_w"] = m.topsPerW;
  if (area.total() > 0) {
    tot["area_mm2"] = area.total();
    tot["tops_per_mm2"] = m.topsPerMm2;
    tot["area_breakdown_mm2"] = {{"arrays", area.arrays},
                                 {"adcs", area.adcs},
                                 {"dacs", area.dacs},
                                 {"shift_add", area.shiftAdd},
                                 {"dpu", area.dpu},
                                 {"buffers", area.buffers},
                                 {"interconnect", area.interconnect}};
  }
  tot["max_writes_per_cell"] = schedule.maxProgramsPerArray;
  if (m.runsToWearOut > 0)
    tot["runs_to_wear_out"] = m.runsToWearOut;
  if (run.boundManagement)
    tot["bm_retries"] = run.bmRetries;
  j["totals"] = tot;
  j["constants"] = nlohmann::ordered_json::array();
  for (const Constant &c : constants)
    j["constants"].push_back(
        {{"name", c.name}, {"value", c.value}, {"origin", c.origin}});
  j["layers"] = nlohmann::ordered_json::array();
  for (const LayerStats &l : layers)
    j["layers"].push_back(statsToJson(l));
  return j.dump(2);
}

std::string Report::toCsv() const {
  std::string out = "layer,engine,tiles,mvms,analog_macs,digital_macs,"
                    "dpu_ops,adc_conversions,cell_writes,latency_ns,start_ns,"
                    "end_ns,energy_pj,dac_pj,array_pj,adc_pj,shift_add_pj,"
                    "buffer_pj,write_pj,dpu_pj,interconnect_pj,leakage_pj\n";
  auto row = [&](const LayerStats &l, const char *engine, double latency,
                 double start, double end) {
    const Energy &e = l.cost.energy;
    // Layer names are identifiers; quote them anyway (CSV-safe).
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},"
                    "{},{},{},{},{},{}\n",
                    csvQuote(l.name), engine, l.tiles, l.mvms, l.analogMacs,
                    l.digitalMacs,
                    l.dpuOps, l.cost.adcConversions, l.cost.cellWrites, latency,
                    start, end, e.total(), e.dac, e.array, e.adc, e.shiftAdd,
                    e.buffer, e.write, e.dpu, e.interconnect, e.leakage);
  };
  for (const LayerStats &l : layers)
    row(l, l.engine(), l.cost.latencyNs, l.startNs, l.endNs);
  row(total, "total", schedule.latencyNs, 0.0, schedule.inferenceLatencyNs);
  return out;
}

std::string formatSummary(const Report &r) {
  const LayerStats &t = r.total;
  const Energy &e = t.cost.energy;
  const int64_t macs = t.analogMacs + t.digitalMacs;
  const Metrics m = r.metrics();
  std::string out =
      r.costOnly
          ? fmt::format("imc-sim cost estimate (no simulation), target {}{}\n",
                        r.target,
                        r.technology.empty() ? "" : " (" + r.technology + ")")
          : fmt::format("imc-sim report ({} mode, target {}{})\n", r.run.mode,
                        r.target,
                        r.technology.empty() ? "" : ", " + r.technology);
  out += fmt::format("  MVMs           {:>14}\n", t.mvms);
  out += fmt::format("  cell writes    {:>14}\n", t.cost.cellWrites);
  out += fmt::format("  DPU ops        {:>14}\n", t.dpuOps);
  out += fmt::format("  ADC conversions{:>14}\n", t.cost.adcConversions);
  out += fmt::format("  analog MACs    {:>14}  ({:.1f}% of {})\n", t.analogMacs,
                     100.0 * m.analogMacRatio, macs);
  out += fmt::format("  tiles          {:>14}  of {} on the chip{}\n",
                     r.tilesProgrammed, r.tilesAvailable,
                     r.tilesProgrammed > r.tilesAvailable
                         ? " (over capacity: tiles are re-programmed)"
                         : "");
  const ScheduleStats &s = r.schedule;
  out += fmt::format("  latency        {:>14.1f} ns  (inference with resident "
                     "weights {:.1f} ns; serial {:.1f} ns)\n",
                     s.latencyNs, s.inferenceLatencyNs, s.serialLatencyNs);
  out += fmt::format("  energy         {:>14.1f} pJ  (dac {:.1f}, array "
                     "{:.1f}, adc {:.1f}, shift-add {:.1f}, buffer {:.1f}, "
                     "write {:.1f}, dpu {:.1f}, interconnect {:.1f}, leakage "
                     "{:.1f})\n",
                     e.total(), e.dac, e.array, e.adc, e.shiftAdd, e.buffer,
                     e.write, e.dpu, e.interconnect, e.leakage);
  out += fmt::format(
      "  throughput     {:>14.4g} TOPS  ({:.4g} TOPS/W at {:.1f} pJ per "
      "inference; pipelined {:.4g} TOPS)\n",
      m.tops, m.topsPerW, s.inferenceEnergyPJ, m.pipelinedTops);
  if (r.area.total() > 0)
    out += fmt::format(
        "  area           {:>14.4f} mm2 (arrays {:.4f}, adcs {:.4f}, dacs "
        "{:.4f}, shift-add {:.4f}, dpu {:.4f}, buffers {:.4f}, interconnect "
        "{:.4f}; {:.4g} TOPS/mm2)\n",
        r.area.total(), r.area.arrays, r.area.adcs, r.area.dacs,
        r.area.shiftAdd, r.area.dpu, r.area.buffers, r.area.interconnect,
        m.topsPerMm2);
  out += fmt::format("  {:<16} {:<8} {:>5} {:>10} {:>10} {:>10} {:>13} "
                     "{:>13}\n",
                     "layer", "engine", "tiles", "MACs", "writes", "DPU ops",
                     "latency ns", "energy pJ");
  for (const LayerStats &l : r.layers)
    out += fmt::format(
        "  {:<16} {:<8} {:>5} {:>10} {:>10} {:>10} {:>13.1f} {:>13.1f}\n",
        l.name.size() > 16 ? std::string(truncateUtf8(l.name, 15)) + "~"
                           : l.name,
        l.engine(), l.tiles, l.analogMacs + l.digitalMacs, l.cost.cellWrites,
        l.dpuOps, l.cost.latencyNs, l.cost.energy.total());
  return out;
}

} // namespace imc::cost
