//===- PcmModel.h - AIHWKIT PCM noise and drift model -----------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_PCMMODEL_H
#define IMC_SIM_PCMMODEL_H

#include "imc/Sim/Device.h"

namespace imc::sim {

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

} // namespace imc::sim

#endif // IMC_SIM_PCMMODEL_H
