//===- CostModel.cpp - imc latency / energy / area model ------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The formulas here are written out, with their constants' sources, in
// docs/cost-model.md; keep the two in step.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/CostModel.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace imc::cost {

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

Energy &Energy::operator+=(const Energy &o) {
  dac += o.dac;
  array += o.array;
  adc += o.adc;
  shiftAdd += o.shiftAdd;
  buffer += o.buffer;
  write += o.write;
  dpu += o.dpu;
  interconnect += o.interconnect;
  leakage += o.leakage;
  return *this;
}

Cost &Cost::operator+=(const Cost &o) {
  latencyNs += o.latencyNs;
  energy += o.energy;
  cellWrites += o.cellWrites;
  adcConversions += o.adcConversions;
  macs += o.macs;
  return *this;
}

//===----------------------------------------------------------------------===//
// Technology models
//===----------------------------------------------------------------------===//

namespace {
// Stillmaker & Baas, "Scaling equations for the accurate prediction of CMOS
// device performance from 180 nm to 7 nm", Integration 58 (2017), as
// tabulated by Accelergy/CiMLoop: per node, energy ~ a Vdd^2 + b Vdd + c, and
// area relative to 45 nm.
constexpr std::array<double, 10> kNodes = {130, 90, 65, 45, 32,
                                           20,  16, 14, 10, 7};
constexpr std::array<std::array<double, 3>, 10> kEnergyFit = {{
    {7.171, -6.709, 2.904},
    {4.762, -4.781, 2.092},
    {3.755, -4.398, 1.975},
    {1.103, -0.362, 0.2767},
    {0.9559, -0.7823, 0.471},
    {0.373, -0.1582, 0.04104},
    {0.2958, -0.1241, 0.03024},
    {0.2363, -0.09675, 0.02239},
    {0.2068, -0.09311, 0.02375},
    {0.1776, -0.09097, 0.02447},
}};
constexpr std::array<double, 10> kAreaVs45 = {6.4,  2.8,  1.5,  1,   0.46,
                                              0.21, 0.19, 0.17, 0.1, 0.059};
// Nominal supplies of those nodes (the PTM / ITRS values the scaling studies
// use); ASSUMPTION: a survey design ran at its node's nominal supply.
constexpr std::array<double, 10> kNominalVdd = {1.3, 1.2, 1.1, 1.0,  0.9,
                                                0.8, 0.8, 0.8, 0.75, 0.7};

/// Fractional index of `nm` in kNodes (clamped to the table), for linear
/// interpolation between the two neighbouring nodes.
double nodeIndex(double nm) {
  nm = std::clamp(nm, kNodes.back(), kNodes.front());
  for (size_t i = 0; i + 1 < kNodes.size(); ++i)
    if (nm <= kNodes[i] && nm >= kNodes[i + 1])
      return double(i) + (kNodes[i] - nm) / (kNodes[i] - kNodes[i + 1]);
  return double(kNodes.size() - 1);
}

template <typename F> double interpolate(double nm, F valueAt) {
  const double x = nodeIndex(nm);
  const size_t lo = size_t(std::floor(x));
  const size_t hi = std::min(lo + 1, kNodes.size() - 1);
  const double f = x - double(lo);
  return valueAt(lo) * (1 - f) + valueAt(hi) * f;
}

double energyFactor(double nm, double vdd) {
  return interpolate(nm, [&](size_t i) {
    const auto &c = kEnergyFit[i];
    return c[0] * vdd * vdd + c[1] * vdd + c[2];
  });
}

// Reference designs the derived constants scale from.
// ISAAC (Shafiee et al., ISCA 2016, Table 6), 32 nm. Its supply voltage is
// not published; kIsaacVdd is an ASSUMPTION (the 32 nm nominal 0.9 V).
constexpr double kIsaacNm = 32, kIsaacVdd = 0.9;
constexpr double kIsaacDacAreaMm2 = 0.00017 / 1024;               // per DAC
constexpr double kIsaacShiftAddPJ = 0.2e-3 / 4 / 1.28e9 * 1e12;   // per op
constexpr double kIsaacShiftAddAreaMm2 = 0.00024 / 4;             // per unit
constexpr double kIsaacBufferAreaMm2PerBit = 0.0021 / (2048 * 8); // IR 2 KB
// Horowitz, "Computing's energy problem", ISSCC 2014: 45 nm, 0.9 V.
constexpr double kHorowitzNm = 45, kHorowitzVdd = 0.9;
constexpr double kHorowitzSramPJPerBit = 10.0 / 64; // 64-bit read, 8 KB SRAM

struct AluRef {
  const char *precision;
  int64_t bits;
  double addPJ, mulPJ, addUm2, mulUm2;
};
// Horowitz's table (45 nm). The 8-bit and 32-bit integer rows; fp16/fp32.
constexpr std::array<AluRef, 4> kAlu = {{
    {"int8", 8, 0.03, 0.2, 36, 282},
    {"int32", 32, 0.1, 3.1, 137, 3495},
    {"fp16", 16, 0.4, 1.1, 1360, 1640},
    {"fp32", 32, 0.9, 3.7, 4184, 7700},
}};

const AluRef &alu(const std::string &precision) {
  for (const AluRef &a : kAlu)
    if (precision == a.precision)
      return a;
  return kAlu.back();
}
/// Accelergy's resolution rule: a d-bit DAC costs 2^(d-1) 1-bit DACs.
double dacResolutionFactor(int64_t dacBits) {
  return std::pow(2.0, double(dacBits - 1));
}

/// A SAR conversion: one sampling cycle, then one cycle per bit (ns).
double sarConversionNs(int64_t adcBits, const hw::Technology &y) {
  return double(adcBits + 1) / y.adcSarClockGHz;
}
} // namespace

double energyScale(double fromNm, double fromVdd, double toNm, double toVdd) {
  return energyFactor(toNm, toVdd) / energyFactor(fromNm, fromVdd);
}

double areaScale(double fromNm, double toNm) {
  auto a = [](double nm) {
    return interpolate(nm, [](size_t i) { return kAreaVs45[i]; });
  };
  return a(toNm) / a(fromNm);
}

double sarEnergyPJ(int64_t bits, double sampleRateHz, double nodeNm) {
  // Andrulis et al., "Modeling Analog-Digital-Converter Energy and Area for
  // Compute-In-Memory Accelerator Design" (arXiv 2404.06553, 2024), as
  // released in the Accelergy ADC plug-in that CiMLoop uses (adc_data/
  // model.yaml at 6851cb8): the Schreier FOM reachable at a sample rate and
  // at a resolution (the lower bound wins), the energy that FOM gives at the
  // resolution's ideal SNDR, times a node and resolution correction fitted
  // to the survey's best designs. Fitted for 4 bits and more: fewer bits
  // cost what 4 do (ASSUMPTION).
  const double n = double(std::max<int64_t>(bits, 4));
  const double fomRate =
      213.7806687348118 - 2.8719030399529957 * std::log(sampleRateHz);
  const double fomBits =
      128.3068287398817 + 3.2205115109775583 * std::min(std::ceil(n), 20.0);
  const double foms = std::min(fomRate, fomBits);
  const double sndr = 6.020599913279624 * n + 1.7609125905568124;
  const double e0 = 1.0 / (2.0 * std::pow(10.0, (foms - sndr) / 10.0));
  return e0 *
         std::exp(26.0496215686518 + 1.8800369206815004 * std::log(nodeNm) -
                  2.8291256050594527 * std::log(n) - 1.4702022133784405);
}

double sarAreaUm2(double sampleRateHz, double nodeNm, double energyPJ) {
  // The same plug-in's area regression (toward the smallest 10% of designs).
  return std::exp(1.3461916439910742 + 0.9932794744745022 * std::log(nodeNm) +
                  0.18071538424508238 * std::log(sampleRateHz) +
                  0.29912426192653485 * std::log(energyPJ));
}

double nominalVdd(double nodeNm) {
  return interpolate(nodeNm, [](size_t i) { return kNominalVdd[i]; });
}

namespace {
// NeuroSim V1.4 as run here (bench/neurosim): 22 nm LSTP at 0.85 V, the
// technology of every constant measured on it below.
constexpr double kNeuroSimNm = 22, kNeuroSimVdd = 0.85;
// Interconnect and leakage at 22 nm LSTP, measured on NeuroSim V1.4 run here
// (bench/neurosim/MODEL_NOTES.md): a repeated wire moves a bit 0.097 fJ per
// um; an idle 128 x 128 subarray with its 16 ADCs leaks 0.10 uW, a buffer
// (register file) 0.57 uW per 16 Kbit, an adder 0.134 nW per bit.
// ASSUMPTION: wire pitch 4 F.
constexpr double kWirePJPerBitMm = 0.097, kWirePitchF = 4;
constexpr double kArrayLeakUW = 0.10, kBufferLeakUWPerBit = 0.57 / 16384,
                 kAdderLeakUWPerBit = 0.134e-3;
// Comparator-based ADCs (docs/cost-model.md#adc): an N-bit flash ADC
// compares the column against 2^N - 1 references at once.
// Flash: Sinangil et al., JSSC 2021 (TSMC 7 nm, 0.8 V): a 4-bit flash ADC of
// 15 sense amplifiers per column at 0.186 pJ per conversion (the ADC energy
// CiMLoop calibrates to that macro): 12.4 fJ per comparator decision.
constexpr double kFlashNm = 7, kFlashVdd = 0.8, kFlashCmpPJ = 0.186 / 15;
// Sense amplifiers (NeuroSim's multi-level current-mode sense amplifier):
// DNN_NeuroSim V1.4 run here (bench/neurosim, runs D3 and S19: 22 nm LSTP,
// 0.85 V). A 5-bit conversion costs 70.8 fJ with current-mode sensing, of
// which the cell and reference currents are 61%; with voltage-mode sensing
// (S19, no static current) 27.5 fJ: 0.887 fJ per sense amplifier switching.
// The cell currents are the array read's (Model::arrayReadPJ), so only the
// switching is charged here. 612 um^2 of sense amplifiers for 16 ADCs of
// 31: 1.23 um^2 each.
constexpr double kSenseAmpPJ = 0.0275 / 31, kSenseAmpUm2 = 612.0 / (16 * 31);
// Their sensing time: NeuroSim V1.4's clock period (sense amplifier, column
// mux and encoder, times its 1.4 margin) measured here at 22 nm for 3-8 ADC
// bits and 16-128 parallel rows (bench/neurosim/MODEL_NOTES.md, 8 runs),
// fitted as t0 + k 2^bits / sqrt(rows): more levels to resolve, a larger
// column current to resolve them with (within -11% .. +8% of each run).
// ASSUMPTION: the same at every node and supply (set by the array's
// currents and capacitances, not by gate delay).
constexpr double kSenseT0Ns = 1.224, kSenseKNs = 0.1755;

// Row drivers, the 1-bit DAC of a row: NeuroSim V1.4 run here
// (bench/neurosim/MODEL_NOTES.md, runs D3 and D6, 22 nm LSTP, 0.85 V), per
// driven row and read: the input driver and word-line switch matrix, 11.1 fJ
// (RRAM) and 7.7 fJ (SRAM), their mean 9.4 fJ; the word line's charge, 6.88
// fJ along 128 RRAM cells and 14.3 fJ along 128 SRAM cells, 0.353 and 0.304
// fJ per um of word line at a cell pitch of sqrt(cell area) (6.93 F and
// 16.7 F), their mean 0.33 fJ/um. ASSUMPTION: the word line's capacitance
// per um is the same at every node (its energy scales like logic with the
// supply).
constexpr double kRowDriverPJ = 9.4e-3, kWordLinePJPerUm = 0.33e-3;

/// One drive of one row by a 1-bit DAC (pJ), at the technology.
double rowDrivePJ(const hw::Target &t, const hw::Technology &y) {
  const double rowUm =
      double(t.cols) * std::sqrt(y.cellAreaF2) * y.nodeNm * 1e-3;
  return (kRowDriverPJ + kWordLinePJPerUm * rowUm) *
         energyScale(kNeuroSimNm, kNeuroSimVdd, y.nodeNm, y.vdd);
}

/// The sensing time of a multi-level sense amplifier (ns).
double senseAmpNs(int64_t bits, int64_t parallelRows) {
  return kSenseT0Ns + kSenseKNs * std::ldexp(1.0, int(bits)) /
                          std::sqrt(double(parallelRows));
}

/// One ADC of the target's kind at `bits`: energy per conversion (pJ),
/// conversion time (ns), area (um^2), and where they come from.
struct AdcModel {
  double pJ, ns, um2;
  const char *energyOrigin, *timeOrigin;
};
AdcModel adcModel(const hw::Target &t, const hw::Technology &y, int64_t bits,
                  int64_t parallelRows) {
  const double comparators = std::ldexp(1.0, int(bits)) - 1;
  const double f = y.nodeNm * 1e-3; // feature size in um
  if (t.adcKind == "flash")
    return {comparators * kFlashCmpPJ *
                energyScale(kFlashNm, kFlashVdd, y.nodeNm, y.vdd),
            1.0 / y.adcSarClockGHz,
            comparators * kSenseAmpUm2 * areaScale(kNeuroSimNm, y.nodeNm),
            "flash: (2^adc_bits - 1) comparators, Sinangil JSSC'21, scaled",
            "flash: one cycle of technology.adc_sar_clock_ghz"};
  if (t.adcKind == "sense_amp")
    // Plus one reference (dummy) column of the array per ADC.
    return {comparators * kSenseAmpPJ *
                energyScale(kNeuroSimNm, kNeuroSimVdd, y.nodeNm, y.vdd),
            senseAmpNs(bits, parallelRows),
            comparators * kSenseAmpUm2 * areaScale(kNeuroSimNm, y.nodeNm) +
                double(t.rows) * y.cellAreaF2 * f * f,
            "sense_amp: (2^adc_bits - 1) sense amplifiers, NeuroSim V1.4 "
            "run here, scaled",
            "sense_amp: 1.224 + 0.1755 x 2^adc_bits / sqrt(parallel_rows), "
            "NeuroSim V1.4's sensing cycle run here (during the read)"};
  const double ns = sarConversionNs(bits, y);
  const double fs = 1e9 / ns;
  const double v = y.vdd / nominalVdd(y.nodeNm);
  const double pJ = sarEnergyPJ(bits, fs, y.nodeNm) * v * v;
  return {pJ, ns, sarAreaUm2(fs, y.nodeNm, pJ),
          "SAR: Andrulis et al. 2024 survey fit at the node, x (vdd / "
          "nominal)^2",
          "SAR: (adc_bits + 1) / technology.adc_sar_clock_ghz"};
}
} // namespace

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

Model::Model(const hw::Target &target) : t(target), e(t.energy), l(t.latency) {
  const AluRef &a = alu(t.dpuPrecision);
  dpuPrecBits = a.bits;
  auto resolve = [&](const char *name, double &field, double derived,
                     const char *origin) {
    if (std::isnan(field)) {
      field = derived;
      table.push_back({name, field, origin});
    } else {
      table.push_back({name, field, "target"});
    }
  };
  const std::optional<hw::Technology> &tech = t.technology;
  if (!tech) {
    cellOffPJ = std::isnan(e.cellReadPJ) ? 0.0 : e.cellReadPJ;
    // Every constant is given (the parser requires it); nothing to derive.
    // A target built in code may still leave one out: it is then 0, and
    // the report says so.
    const char *none = "missing (no technology section): 0";
    resolve("energy_pj.dac_per_row", e.dacPerRowPJ, 0, none);
    resolve("energy_pj.cell_read", e.cellReadPJ, 0, none);
    resolve("energy_pj.adc_per_conversion", e.adcPerConvPJ, 0, none);
    resolve("energy_pj.shift_add", e.shiftAddPJ, 0, none);
    resolve("energy_pj.cell_write", e.cellWritePJ, 0, none);
    resolve("energy_pj.dpu_add", e.dpuAddPJ, 0, none);
    resolve("energy_pj.dpu_mul", e.dpuMulPJ, 0, none);
    resolve("latency_ns.array_read", l.arrayReadNs, 0, none);
    resolve("latency_ns.adc_conversion", l.adcConvNs, 0, none);
    resolve("latency_ns.row_write", l.rowWriteNs, 0, none);
    return;
  }
  const hw::Technology &y = *tech;
  const AdcModel adc = adcModel(t, y, t.adcBits, t.parallelRows);
  const double fromIsaac = energyScale(kIsaacNm, kIsaacVdd, y.nodeNm, y.vdd);
  const double fromHorowitz =
      energyScale(kHorowitzNm, kHorowitzVdd, y.nodeNm, y.vdd);
  const double dacRes = dacResolutionFactor(t.dacBits);
  resolve("energy_pj.dac_per_row", e.dacPerRowPJ, rowDrivePJ(t, y) * dacRes,
          "row driver + word line (NeuroSim V1.4 run here), scaled, x "
          "2^(dac_bits - 1)");
  // V^2 G t of a driven cell at level 0 (g_off); a level adds its share of
  // g_on - g_off (arrayReadPJ).
  const double v2t = y.readVoltage * y.readVoltage * y.readPulseNs * 1e-3;
  const bool charge = y.cellCapFF > 0; // a charge-domain cell
  if (std::isnan(e.cellReadPJ)) {
    cellSpanPJ = charge ? y.cellCapFF * y.readVoltage * y.readVoltage * 1e-3
                        : v2t * (y.gOnUS - y.gOffUS);
    table.push_back(
        {"cell_read_span_pj", cellSpanPJ,
         charge ? "cell_cap_ff x V_read^2 (level l of a c-bit cell moves l / "
                  "(2^c - 1) of it)"
                : "V_read^2 x (g_on - g_off) x read pulse (level l of a "
                  "c-bit cell adds l / (2^c - 1) of it)"});
  }
  resolve("energy_pj.cell_read", e.cellReadPJ, charge ? 0.0 : v2t * y.gOffUS,
          charge ? "charge domain: a cell at level 0 moves no charge"
                 : "V_read^2 x g_off x read pulse (a driven cell at level 0)");
  cellOffPJ = e.cellReadPJ;
  resolve("energy_pj.adc_per_conversion", e.adcPerConvPJ, adc.pJ,
          adc.energyOrigin);
  resolve("energy_pj.shift_add", e.shiftAddPJ, kIsaacShiftAddPJ * fromIsaac,
          "ISAAC shift-and-add, scaled");
  resolve("energy_pj.cell_write", e.cellWritePJ, y.writeEnergyPJ,
          "technology.write_energy_pj");
  resolve("energy_pj.dpu_add", e.dpuAddPJ, a.addPJ * fromHorowitz,
          "Horowitz ISSCC'14 add, scaled");
  resolve("energy_pj.dpu_mul", e.dpuMulPJ, a.mulPJ * fromHorowitz,
          "Horowitz ISSCC'14 multiply, scaled");
  resolve("latency_ns.array_read", l.arrayReadNs, y.readPulseNs,
          "technology.read_pulse_ns");
  resolve("latency_ns.adc_conversion", l.adcConvNs, adc.ns, adc.timeOrigin);
  resolve("latency_ns.row_write", l.rowWriteNs, y.writeLatencyNs,
          "technology.write_latency_ns");
  bufBit = kHorowitzSramPJPerBit * fromHorowitz;
  table.push_back({"buffer_pj_per_bit", bufBit, "Horowitz 8 KB SRAM, scaled"});

  // Area, mm^2.
  const double f = y.nodeNm * 1e-6; // feature size in mm
  const double tiles = double(t.numTiles);
  ar.arrays = tiles * double(t.rows * t.cols) * y.cellAreaF2 * f * f;
  // A SAR ADC's area follows its energy: the target's, when it gives one.
  const double adcUm2 = t.adcKind == "sar"
                            ? sarAreaUm2(1e9 / adc.ns, y.nodeNm, e.adcPerConvPJ)
                            : adc.um2;
  ar.adcs = tiles * double(t.adcsPerArray) * adcUm2 * 1e-6;
  const double fromIsaacArea = areaScale(kIsaacNm, y.nodeNm);
  ar.dacs = tiles * double(t.rows) * kIsaacDacAreaMm2 * dacRes * fromIsaacArea;
  ar.shiftAdd =
      tiles * double(t.adcsPerArray) * kIsaacShiftAddAreaMm2 * fromIsaacArea;
  ar.dpu = double(t.dpuLanes) * (a.addUm2 + a.mulUm2) * 1e-6 *
           areaScale(kHorowitzNm, y.nodeNm);
  ar.buffers = y.bufferKiB * 8192.0 * kIsaacBufferAreaMm2PerBit * fromIsaacArea;

  // Interconnect: an H-tree from the buffer at the chip's centre to the
  // arrays (docs/cost-model.md#interconnect).
  const double side = std::sqrt(ar.total()); // mm, before the wires
  const double fromNeuroSim =
      energyScale(kNeuroSimNm, kNeuroSimVdd, y.nodeNm, y.vdd);
  wireBit = kWirePJPerBitMm * fromNeuroSim * side;
  table.push_back({"interconnect_pj_per_bit", wireBit,
                   "H-tree root to leaf (the chip's side) x NeuroSim's "
                   "repeated wire, scaled"});
  const double busBits = double(t.rows * t.dacBits);
  ar.interconnect =
      1.5 * side * std::sqrt(tiles) * busBits * kWirePitchF * y.nodeNm * 1e-6;
  // Leakage (docs/cost-model.md#leakage), uW.
  leakUW = tiles * kArrayLeakUW * double(t.cols) / 128.0 +
           y.bufferKiB * 8192.0 * kBufferLeakUWPerBit +
           double(t.dpuLanes) * 2.0 * double(a.bits) * kAdderLeakUWPerBit;
  table.push_back({"leakage_uw", leakUW,
                   "NeuroSim's 22 nm LSTP leakage: arrays, buffer, DPU"});
}

/// DPU cycles -> nanoseconds.
static double dpuNs(const hw::Target &t, int64_t cycles) {
  return double(cycles) * 1000.0 / t.dpuClockMHz;
}

Model::Converters Model::converters(const hw::XbarPrecision &p) const {
  Converters k{e.adcPerConvPJ, l.adcConvNs, e.dacPerRowPJ};
  const std::optional<hw::Technology> &tech = t.technology;
  if (!tech)
    return k;
  // The same derivations as the constructor's, at p's resolutions; a
  // constant the target gives stays as given.
  if (p.adcBits != t.adcBits ||
      (t.adcKind == "sense_amp" && p.parallelRows != t.parallelRows)) {
    const AdcModel adc = adcModel(t, *tech, p.adcBits, p.parallelRows);
    if (std::isnan(t.energy.adcPerConvPJ))
      k.adcPJ = adc.pJ;
    if (std::isnan(t.latency.adcConvNs))
      k.adcNs = adc.ns;
  }
  if (p.dacBits != t.dacBits && std::isnan(t.energy.dacPerRowPJ))
    k.dacPJ = rowDrivePJ(t, *tech) * dacResolutionFactor(p.dacBits);
  return k;
}

double Model::arrayReadPJ(int64_t vectors, int64_t rows, int64_t weightCols,
                          const hw::XbarPrecision &p, int64_t levels) const {
  const int64_t cells =
      rows * (p.cellsPerWeight() * weightCols + p.referenceColumns());
  const double top = double((int64_t(1) << p.cellBits) - 1);
  const double lv = (levels == kUnknownLevels
                         ? double(rows * p.slices() * weightCols) * top / 2
                         : double(levels)) +
                    double(rows * p.referenceColumns() * p.referenceLevel());
  double perCycle = double(cells) * cellOffPJ + lv / top * cellSpanPJ;
  // Sense amplifiers sense the cell currents while they flow: a resistive
  // cell conducts for the sensing time when that outlasts the read pulse
  // (derived constants only; docs/cost-model.md#cell-reads).
  const std::optional<hw::Technology> &tech = t.technology;
  if (t.adcKind == "sense_amp" && tech && tech->cellCapFF == 0 &&
      std::isnan(t.energy.cellReadPJ) && tech->readPulseNs > 0)
    perCycle *= std::max(1.0, converters(p).adcNs / tech->readPulseNs);
  return double(vectors * p.cycles()) * t.inputBitDensity * perCycle;
}

Cost Model::crossbarMvm(int64_t vectors, int64_t rows, int64_t weightCols,
                        const hw::XbarPrecision &p, int64_t levels) const {
  const Converters k = converters(p);
  const int64_t cycles = p.cycles();
  const int64_t slices = p.slices();
  const int64_t groups = ceilDiv(rows, p.parallelRows);
  // One conversion per slice of each weight column (a differential pair
  // is one), and per reference column, per row group, per input cycle.
  const int64_t convPerGroup = slices * weightCols + p.referenceColumns();
  const int64_t conversions = vectors * cycles * groups * convPerGroup;

  Cost c;
  c.adcConversions = conversions;
  c.macs = vectors * rows * weightCols;
  // A row's DAC drives it only when its input code is not zero; sense
  // amplifiers read each group of columns sharing the ADCs in a read of
  // its own, which drives the rows again.
  const double steps = double(ceilDiv(convPerGroup, t.adcsPerArray));
  const double reads = t.adcKind == "sense_amp" ? steps : 1.0;
  c.energy.dac =
      double(vectors * cycles * rows) * t.inputBitDensity * reads * k.dacPJ;
  c.energy.array = arrayReadPJ(vectors, rows, weightCols, p, levels);
  c.energy.adc = double(conversions) * k.adcPJ;
  c.energy.shiftAdd = double(conversions) * e.shiftAddPJ;
  // Results are written back to the buffer at the DPU's precision over the
  // interconnect; the inputs are charged once per input value, however many
  // tiles multiply them (inputTraffic).
  const double bits = double(vectors * weightCols * dpuPrecBits);
  c.energy.buffer = bits * bufBit;
  c.energy.interconnect = bits * wireBit;
  // A row group's array read overlaps with the conversions of its columns
  // (the ADCs of an array are pipelined behind the read, as in ISAAC).
  // Sense amplifiers convert while the rows are driven: each group of
  // columns sharing the ADCs is its own read.
  const double groupNs = t.adcKind == "sense_amp"
                             ? steps * std::max(l.arrayReadNs, k.adcNs)
                             : std::max(l.arrayReadNs, steps * k.adcNs);
  c.latencyNs = double(vectors * cycles * groups) * groupNs;
  return c;
}

Cost Model::crossbarProgram(int64_t rows, int64_t weightCols,
                            const hw::XbarPrecision &p) const {
  Cost c;
  c.cellWrites =
      rows * (p.cellsPerWeight() * weightCols + p.referenceColumns());
  c.energy.write = double(c.cellWrites) * e.cellWritePJ;
  c.latencyNs = double(rows) * l.rowWriteNs; // row-parallel writes
  return c;
}

void Model::lowerBound(const Model &o) {
  auto lo = [](double &a, double b) { a = std::min(a, b); };
  lo(e.dacPerRowPJ, o.e.dacPerRowPJ);
  lo(e.cellReadPJ, o.e.cellReadPJ);
  lo(e.adcPerConvPJ, o.e.adcPerConvPJ);
  lo(e.shiftAddPJ, o.e.shiftAddPJ);
  lo(e.cellWritePJ, o.e.cellWritePJ);
  lo(e.dpuAddPJ, o.e.dpuAddPJ);
  lo(e.dpuMulPJ, o.e.dpuMulPJ);
  lo(l.arrayReadNs, o.l.arrayReadNs);
  lo(l.adcConvNs, o.l.adcConvNs);
  lo(l.rowWriteNs, o.l.rowWriteNs);
  lo(bufBit, o.bufBit);
  lo(wireBit, o.wireBit);
  lo(leakUW, o.leakUW);
  lo(cellOffPJ, o.cellOffPJ);
  lo(cellSpanPJ, o.cellSpanPJ);
  lo(ar.arrays, o.ar.arrays);
  lo(ar.adcs, o.ar.adcs);
  lo(ar.dacs, o.ar.dacs);
  lo(ar.shiftAdd, o.ar.shiftAdd);
  lo(ar.dpu, o.ar.dpu);
  lo(ar.buffers, o.ar.buffers);
  lo(ar.interconnect, o.ar.interconnect);
  dpuPrecBits = std::min(dpuPrecBits, o.dpuPrecBits);
  t.adcsPerArray = std::max(t.adcsPerArray, o.t.adcsPerArray);
  t.dpuLanes = std::max(t.dpuLanes, o.t.dpuLanes);
  t.dpuClockMHz = std::max(t.dpuClockMHz, o.t.dpuClockMHz);
  t.dacBits = std::max(t.dacBits, o.t.dacBits);
  t.inputBitDensity = std::min(t.inputBitDensity, o.t.inputBitDensity);
}

Cost Model::dpuElementwise(DpuOpKind kind, int64_t elements) const {
  if (kind == DpuOpKind::Move)
    return dpuMove(elements);
  if (kind == DpuOpKind::Mac)
    return dpuMatmul(elements, 1, 1);
  Cost c;
  const double perOp = kind == DpuOpKind::Mul      ? e.dpuMulPJ
                       : kind == DpuOpKind::MulAdd ? e.dpuMulPJ + e.dpuAddPJ
                                                   : e.dpuAddPJ;
  c.energy.dpu = double(elements) * perOp;
  c.latencyNs = dpuNs(t, ceilDiv(elements, t.dpuLanes));
  return c;
}

Cost Model::dpuMove(int64_t elements) const {
  Cost c;
  c.latencyNs = dpuNs(t, ceilDiv(elements, t.dpuLanes));
  return c;
}

Cost Model::dpuMatmul(int64_t m, int64_t k, int64_t n) const {
  Cost c;
  c.macs = m * k * n;
  c.energy.dpu = double(c.macs) * (e.dpuMulPJ + e.dpuAddPJ);
  c.latencyNs = dpuNs(t, ceilDiv(c.macs, t.dpuLanes));
  return c;
}

Cost Model::accumulate(int64_t elements, int64_t partials) const {
  Cost c;
  const int64_t adds = elements * (partials - 1);
  c.energy.shiftAdd = double(adds) * e.shiftAddPJ;
  // The partial results meet at the adders next to their arrays: of the
  // `partials` results the MVMs sent back (crossbarMvm), only the sum goes
  // to the buffer over the interconnect.
  const double local = double(adds * dpuPrecBits);
  c.energy.buffer = -local * bufBit;
  c.energy.interconnect = -local * wireBit;
  c.latencyNs = dpuNs(t, ceilDiv(adds, partials * t.adcsPerArray));
  return c;
}

Cost Model::arrayElementwise(DpuOpKind kind, int64_t elements,
                             int64_t arrays) const {
  Cost c = dpuElementwise(kind, elements);
  c.latencyNs = dpuNs(t, ceilDiv(elements, arrays * t.adcsPerArray));
  return c;
}

Cost Model::inputTraffic(int64_t bits) const {
  Cost c;
  c.energy.buffer = double(bits) * bufBit;
  c.energy.interconnect = double(bits) * wireBit;
  return c;
}

Cost Model::bufferTraffic(int64_t elements) const {
  Cost c;
  c.energy.buffer = double(elements * dpuPrecBits) * bufBit;
  return c;
}

} // namespace imc::cost
