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

Rng::Rng(uint64_t seed) {
  // The SplitMix64 sequence from `seed` (mixSeed adds its increment).
  for (int i = 0; i < 4; ++i)
    s[i] = mixSeed(seed + uint64_t(i) * 0x9E3779B97F4A7C15ull);
}

double gaussian(Rng &rng) {
  // Marsaglia's polar method on the engine's raw output: the same numbers on
  // every standard library (std::normal_distribution's algorithm is
  // unspecified), and no sine or cosine.
  if (rng.hasSpare) {
    rng.hasSpare = false;
    return rng.spare;
  }
  double u, v, q;
  do {
    u = double(rng() >> 11) * 0x1.0p-52 - 1.0; // [-1, 1)
    v = double(rng() >> 11) * 0x1.0p-52 - 1.0;
    q = u * u + v * v;
  } while (q >= 1.0 || q == 0.0);
  const double f = std::sqrt(-2.0 * std::log(q) / q);
  rng.spare = v * f;
  rng.hasSpare = true;
  return u * f;
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

Level PcmModel::level(double gT) const {
  const double x = gT / gMax;
  // driftMean and driftSigma with one logarithm.
  const double lx = std::log(std::max(x, 1e-7));
  Level l;
  l.gT = gT;
  l.sigma = programSigma(x);
  l.mu = std::clamp(-0.0155 * lx + 0.0244, 0.049, 0.1);
  l.sNu = std::clamp(-0.0125 * lx - 0.0059, 0.008, 0.045);
  return l;
}

Cell PcmModel::program(const Level &lv, Rng &rng) const {
  Cell c;
  c.gProg = std::max(lv.gT + lv.sigma * gaussian(rng), 0.0);
  c.nu = std::fabs(lv.mu + lv.sNu * gaussian(rng));
  return c;
}

ReadTime PcmModel::readTime(double t) const {
  ReadTime r;
  r.t = t;
  r.logDrift = std::log((t + kT0) / kT0);
  r.noiseFactor = readTimeFactor(t);
  return r;
}

double PcmModel::read(const Cell &c, const ReadTime &rt, Rng &rng) const {
  double g = c.gProg;
  if (rt.t > 0)
    g *= std::exp(-c.nu * rt.logDrift); // (T / t0)^-nu
  const double qs = readQs(c.gProg / gMax);
  g += std::fabs(g) * qs * rt.noiseFactor * gaussian(rng);
  return std::max(g, 0.0);
}

Cell RramModel::program(const Level &lv, Rng &rng) const {
  Cell c;
  c.gProg = std::clamp(lv.gT + rel * gMax * gaussian(rng), 0.0, gMax);
  return c;
}

Cell StuckAtModel::program(const Level &lv, Rng &rng) const {
  const double u = double(rng() >> 11) * 0x1.0p-53;
  Cell c = inner->program(lv, rng);
  if (u < p0) {
    c.gProg = 0;
    c.nu = -1; // marks a stuck device
  } else if (u < p0 + p1) {
    c.gProg = gMax;
    c.nu = -1;
  }
  return c;
}

double StuckAtModel::read(const Cell &c, const ReadTime &rt, Rng &rng) const {
  return c.nu < 0 ? c.gProg : inner->read(c, rt, rng);
}

} // namespace imc::sim
