//===- Device.cpp - memory-device models for noisy simulation -------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Device.h"

#include <algorithm>
#include <cmath>

namespace imc::sim {

uint64_t mixSeed(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double gaussian(Rng &rng) {
  // Box-Muller on the engine's raw output: the same numbers on every
  // standard library (std::normal_distribution's algorithm is unspecified).
  if (rng.hasSpare) {
    rng.hasSpare = false;
    return rng.spare;
  }
  constexpr double kTwoPi = 6.283185307179586;
  const double u1 = (double(rng() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = double(rng() >> 11) * 0x1.0p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  rng.spare = r * std::sin(kTwoPi * u2);
  rng.hasSpare = true;
  return r * std::cos(kTwoPi * u2);
}

double PcmModel::programSigma(double x) const {
  return (0.26348 + 1.9650 * x - 1.1731 * x * x) * gMax / 25.0;
}

double PcmModel::driftMean(double x) {
  x = std::max(x, 1e-7);
  return std::clamp(-0.0155 * std::log(x) + 0.0244, 0.049, 0.1);
}

double PcmModel::driftSigma(double x) {
  x = std::max(x, 1e-7);
  return std::clamp(-0.0125 * std::log(x) - 0.0059, 0.008, 0.045);
}

double PcmModel::readQs(double xProg) {
  return std::min(0.0088 / std::max(std::pow(std::max(xProg, 0.0), 0.65), 1e-3),
                  0.2);
}

double PcmModel::readTimeFactor(double t) {
  return std::sqrt(std::log((t + kT0 + kReadTime) / (2.0 * kReadTime)));
}

Cell PcmModel::program(double gT, Rng &rng) const {
  const double x = gT / gMax;
  Cell c;
  c.gProg = std::max(gT + programSigma(x) * gaussian(rng), 0.0);
  c.nu = std::fabs(driftMean(x) + driftSigma(x) * gaussian(rng));
  return c;
}

double PcmModel::read(const Cell &c, double t, Rng &rng) const {
  double g = c.gProg;
  if (t > 0)
    g *= std::pow((t + kT0) / kT0, -c.nu);
  const double qs = readQs(c.gProg / gMax);
  g += std::fabs(g) * qs * readTimeFactor(t) * gaussian(rng);
  return std::max(g, 0.0);
}

Cell RramModel::program(double gT, Rng &rng) const {
  Cell c;
  c.gProg = std::clamp(gT + rel * gMax * gaussian(rng), 0.0, gMax);
  return c;
}

Cell StuckAtModel::program(double gT, Rng &rng) const {
  const double u = double(rng() >> 11) * 0x1.0p-53;
  Cell c = inner->program(gT, rng);
  if (u < p0) {
    c.gProg = 0;
    c.nu = -1; // marks a stuck device
  } else if (u < p0 + p1) {
    c.gProg = gMax;
    c.nu = -1;
  }
  return c;
}

double StuckAtModel::read(const Cell &c, double t, Rng &rng) const {
  return c.nu < 0 ? c.gProg : inner->read(c, t, rng);
}

} // namespace imc::sim
