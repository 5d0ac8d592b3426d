//===- Device.h - memory-device models for noisy simulation ------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Pluggable models of what happens to a programmed conductance: programming
// noise, conductance drift over time, read noise. Conductances are in uS.
// The PCM model implements IBM AIHWKIT's PCMLikeNoiseModel from its published
// formulas (Nandakumar et al. / Joshi et al., Nat. Commun. 2020; aihwkit
// documentation); docs/noise.md lists them with their sources.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_DEVICE_H
#define IMC_SIM_DEVICE_H

#include <cstdint>
#include <memory>
#include <random>
#include <string>

namespace imc::sim {

/// The random source of noisy runs: a 64-bit Mersenne twister, seeded per
/// tile row from the run's seed so that results do not depend on order, plus
/// the spare sample of the last Box-Muller pair (gaussian() uses both).
class Rng {
public:
  using result_type = std::mt19937_64::result_type;
  explicit Rng(uint64_t seed) : engine(seed) {}
  result_type operator()() { return engine(); }
  static constexpr result_type min() { return std::mt19937_64::min(); }
  static constexpr result_type max() { return std::mt19937_64::max(); }

private:
  friend double gaussian(Rng &rng);
  std::mt19937_64 engine;
  bool hasSpare = false;
  double spare = 0;
};

/// SplitMix64's finalizer: decorrelated seeds from nearby ones (per tile from
/// the run's seed, per row from the tile's).
uint64_t mixSeed(uint64_t x);

/// A standard normal sample (Box-Muller on the engine's raw output; each pair
/// of uniforms gives two samples, returned one after the other).
double gaussian(Rng &rng);

/// A programmed device: its programmed conductance and drift exponent.
struct Cell {
  double gProg = 0; ///< conductance right after programming (uS)
  double nu = 0;    ///< drift exponent
};

class DeviceModel {
public:
  virtual ~DeviceModel() = default;
  virtual std::string name() const = 0;
  /// Programs a device to target conductance gT (uS, in [0, gmax]).
  virtual Cell program(double gT, Rng &rng) const = 0;
  /// Conductance read `t` seconds after programming (the inference time;
  /// drift, read noise).
  virtual double read(const Cell &c, double t, Rng &rng) const = 0;
  double gmax() const { return gMax; }

protected:
  explicit DeviceModel(double gmax) : gMax(gmax) {}
  double gMax;
};

/// AIHWKIT's PCMLikeNoiseModel (formulas in docs/noise.md):
///   programming: g = max(gT + sigma_p(gT/gmax) N, 0),
///     sigma_p(x) = (0.26348 + 1.9650 x - 1.1731 x^2) gmax / 25;
///   with T = t + t0 the time since the start of programming (AIHWKIT's
///   convention; t is the inference time since programming, t0 = 20 s):
///   drift: g(T) = g (T / t0)^-nu, nu = |mu + s N|,
///     mu = clamp(-0.0155 ln x + 0.0244, 0.049, 0.1),
///     s = clamp(-0.0125 ln x - 0.0059, 0.008, 0.045), x = max(gT/gmax, 1e-7);
///   read (1/f) noise: g += |g| Q_s sqrt(ln((T + t_r) / (2 t_r))) N, t_r =
///     250 ns, Q_s = min(0.0088 / max((g_prog/gmax)^0.65, 1e-3), 0.2), g >= 0.
class PcmModel : public DeviceModel {
public:
  explicit PcmModel(double gmax = 25.0) : DeviceModel(gmax) {}
  std::string name() const override { return "pcm"; }
  Cell program(double gT, Rng &rng) const override;
  double read(const Cell &c, double t, Rng &rng) const override;

  // The model's pieces, for tests and docs.
  double programSigma(double x) const; ///< x = gT / gmax
  static double driftMean(double x);
  static double driftSigma(double x);
  static double readQs(double xProg); ///< xProg = g_prog / gmax
  /// sqrt(ln((t + t0 + t_r) / (2 t_r))) at inference time t.
  static double readTimeFactor(double t);
  static constexpr double kT0 = 20.0;        ///< s
  static constexpr double kReadTime = 250e-9; ///< s
};

/// RRAM-style Gaussian programming noise, sigma = `relSigma` x gmax; no drift
/// and no read noise.
class RramModel : public DeviceModel {
public:
  RramModel(double gmax, double relSigma) : DeviceModel(gmax), rel(relSigma) {}
  std::string name() const override { return "rram"; }
  Cell program(double gT, Rng &rng) const override;
  double read(const Cell &c, double, Rng &) const override { return c.gProg; }

private:
  double rel;
};

/// Stuck-at faults on top of another model: with probability p0 a device is
/// stuck at 0 uS, with p1 at gmax, whatever it was programmed to.
class StuckAtModel : public DeviceModel {
public:
  StuckAtModel(std::shared_ptr<DeviceModel> inner, double p0, double p1)
      : DeviceModel(inner->gmax()), inner(std::move(inner)), p0(p0), p1(p1) {}
  std::string name() const override { return inner->name() + "+stuck-at"; }
  Cell program(double gT, Rng &rng) const override;
  double read(const Cell &c, double t, Rng &rng) const override;

private:
  std::shared_ptr<DeviceModel> inner;
  double p0, p1;
};

} // namespace imc::sim

#endif // IMC_SIM_DEVICE_H
