//===- Device.h - memory-device models for noisy simulation ------*- C++
//-*-===//
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
#include <string>

namespace imc::sim {

/// The random source of noisy runs: xoshiro256** (Blackman & Vigna), its
/// state filled from the seed by SplitMix64, seeded per tile row from the
/// run's seed so that results do not depend on order; plus the spare sample
/// of the last normal pair (gaussian() uses both). Cheap to seed, which
/// matters with one stream per row.
class Rng {
public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed);
  result_type operator()() {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t(0); }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  friend double gaussian(Rng &rng);
  uint64_t s[4];
  bool hasSpare = false;
  double spare = 0;
};

/// SplitMix64's finalizer: decorrelated seeds from nearby ones (per tile from
/// the run's seed, per row from the tile's).
uint64_t mixSeed(uint64_t x);

/// A standard normal sample (Marsaglia's polar method on the engine's raw
/// output; each accepted pair of uniforms gives two samples, returned one
/// after the other).
double gaussian(Rng &rng);

/// What a device model needs to know of the read time, computed once per
/// tile (DeviceModel::readTime) rather than once per cell.
struct ReadTime {
  double t = 0;           ///< seconds since programming
  double logDrift = 0;    ///< PCM: ln((t + t0) / t0)
  double noiseFactor = 0; ///< PCM: sqrt(ln((t + t0 + t_r) / (2 t_r)))
};

/// A programmed device: its programmed conductance and drift exponent.
struct Cell {
  double gProg = 0; ///< conductance right after programming (uS)
  double nu = 0;    ///< drift exponent
};

/// A programming target with the model's terms that depend on it alone,
/// computed once per level of a tile rather than once per device.
struct Level {
  double gT = 0;                     ///< target conductance (uS)
  double sigma = 0, mu = 0, sNu = 0; ///< PCM: sigma_p, drift mean and spread
};

class DeviceModel {
public:
  virtual ~DeviceModel() = default;
  virtual std::string name() const = 0;
  /// The programming target gT (uS, in [0, gmax]), prepared.
  virtual Level level(double gT) const {
    Level l;
    l.gT = gT;
    return l;
  }
  /// Programs a device to a prepared target.
  virtual Cell program(const Level &lv, Rng &rng) const = 0;
  /// Programs a device to target conductance gT.
  Cell program(double gT, Rng &rng) const { return program(level(gT), rng); }
  /// The per-tile part of a read at inference time `t` (seconds).
  virtual ReadTime readTime(double t) const {
    ReadTime r;
    r.t = t;
    return r;
  }
  /// Conductance read at `rt` (drift, read noise).
  virtual double read(const Cell &c, const ReadTime &rt, Rng &rng) const = 0;
  /// Conductance read `t` seconds after programming.
  double read(const Cell &c, double t, Rng &rng) const {
    return read(c, readTime(t), rng);
  }
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
  using DeviceModel::program;
  Level level(double gT) const override;
  Cell program(const Level &lv, Rng &rng) const override;
  using DeviceModel::read;
  ReadTime readTime(double t) const override;
  double read(const Cell &c, const ReadTime &rt, Rng &rng) const override;

  // The model's pieces, for tests and docs.
  double programSigma(double x) const; ///< x = gT / gmax
  static double driftMean(double x);
  static double driftSigma(double x);
  static double readQs(double xProg); ///< xProg = g_prog / gmax
  /// sqrt(ln((t + t0 + t_r) / (2 t_r))) at inference time t.
  static double readTimeFactor(double t);
  static constexpr double kT0 = 20.0;         ///< s
  static constexpr double kReadTime = 250e-9; ///< s
};

/// RRAM-style Gaussian programming noise, sigma = `relSigma` x gmax; no drift
/// and no read noise.
class RramModel : public DeviceModel {
public:
  RramModel(double gmax, double relSigma) : DeviceModel(gmax), rel(relSigma) {}
  std::string name() const override { return "rram"; }
  using DeviceModel::program;
  Cell program(const Level &lv, Rng &rng) const override;
  using DeviceModel::read;
  double read(const Cell &c, const ReadTime &, Rng &) const override {
    return c.gProg;
  }

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
  using DeviceModel::program;
  Level level(double gT) const override { return inner->level(gT); }
  Cell program(const Level &lv, Rng &rng) const override;
  using DeviceModel::read;
  ReadTime readTime(double t) const override { return inner->readTime(t); }
  double read(const Cell &c, const ReadTime &rt, Rng &rng) const override;

private:
  std::shared_ptr<DeviceModel> inner;
  double p0, p1;
};

} // namespace imc::sim

#endif // IMC_SIM_DEVICE_H
