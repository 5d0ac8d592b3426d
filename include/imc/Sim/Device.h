//===- Device.h - memory-device models for noisy simulation ------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The interface of the pluggable models of what happens to a programmed
// conductance (programming noise, drift over time, read noise; conductances
// in uS), and the random source they draw from. One model per file:
// PcmModel.h, RramModel.h, StuckAtModel.h; docs/noise.md lists their
// formulas with their sources.
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

} // namespace imc::sim

#endif // IMC_SIM_DEVICE_H
