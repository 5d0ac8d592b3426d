//===- PcmModel.cpp - AIHWKIT PCM noise and drift model -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/PcmModel.h"

#include <algorithm>
#include <cmath>

namespace imc::sim {

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

} // namespace imc::sim
