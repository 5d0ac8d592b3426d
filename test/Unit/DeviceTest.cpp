//===- DeviceTest.cpp - device models against their published formulas ---===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Device.h"
#include "imc/Sim/PcmModel.h"
#include "imc/Sim/RramModel.h"
#include "imc/Sim/StuckAtModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace imc::sim;

namespace {

struct Moments {
  double mean = 0, var = 0, skew = 0, kurt = 0;
};

Moments moments(const std::vector<double> &v) {
  Moments m;
  for (double x : v)
    m.mean += x;
  m.mean /= double(v.size());
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : v) {
    const double d = x - m.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= double(v.size());
  m3 /= double(v.size());
  m4 /= double(v.size());
  m.var = m2;
  m.skew = m3 / std::pow(m2, 1.5);
  m.kurt = m4 / (m2 * m2);
  return m;
}

constexpr int kSamples = 200000;

} // namespace

// The check values of the issue (AIHWKIT PCMLikeNoiseModel, gmax = 25 uS).
TEST(Pcm, CheckValues) {
  PcmModel pcm;
  EXPECT_NEAR(pcm.programSigma(1.0), 1.055, 5e-4);
  EXPECT_NEAR(PcmModel::driftMean(1.0), 0.049, 1e-12);
  EXPECT_NEAR(PcmModel::driftSigma(1.0), 0.008, 1e-12);
  EXPECT_NEAR(PcmModel::readQs(1.0), 0.0088, 1e-12);
  EXPECT_NEAR(pcm.programSigma(0.1), 0.448, 5e-4);
  EXPECT_NEAR(PcmModel::driftMean(0.1), 0.0601, 5e-5);
  EXPECT_NEAR(PcmModel::driftSigma(0.1), 0.0229, 5e-5);
  EXPECT_NEAR(PcmModel::readQs(0.1), 0.0393, 5e-5);
  EXPECT_NEAR(PcmModel::readTimeFactor(3600.0), 4.765, 5e-4);
  // Clamps: tiny x saturates the drift mean at 0.1 and Q_s at 0.2.
  EXPECT_DOUBLE_EQ(PcmModel::driftMean(0.0), 0.1);
  EXPECT_DOUBLE_EQ(PcmModel::driftSigma(0.0), 0.045);
  EXPECT_DOUBLE_EQ(PcmModel::readQs(0.0), 0.2);
  // sigma_p scales with gmax.
  EXPECT_NEAR(PcmModel(50.0).programSigma(1.0), 2 * 1.05538, 1e-9);
}

TEST(Device, GaussianMoments) {
  Rng rng(1);
  std::vector<double> v(kSamples);
  for (double &x : v)
    x = gaussian(rng);
  Moments m = moments(v);
  // Standard errors at 2e5 samples: mean 0.0022, var 0.0032, skew 0.0055,
  // kurtosis 0.011; bounds at about 4.5 standard errors.
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.var, 1.0, 0.015);
  EXPECT_NEAR(m.skew, 0.0, 0.025);
  EXPECT_NEAR(m.kurt, 3.0, 0.05);
}

TEST(Pcm, ProgrammingNoiseMoments) {
  PcmModel pcm;
  Rng rng(2);
  const double gT = 12.5; // x = 0.5: sigma = 0.26348 + 0.9825 - 0.293275
  const double sigma = 0.952705;
  std::vector<double> g(kSamples);
  for (double &x : g)
    x = pcm.program(gT, rng).gProg;
  Moments m = moments(g);
  EXPECT_NEAR(m.mean, gT, 4.5 * sigma / std::sqrt(double(kSamples)));
  EXPECT_NEAR(std::sqrt(m.var), sigma, 0.01 * sigma);
}

TEST(Pcm, DriftExponentIsAFoldedNormal) {
  PcmModel pcm;
  Rng rng(3);
  const double x = 0.1, mu = PcmModel::driftMean(x), s = PcmModel::driftSigma(x);
  std::vector<double> nu(kSamples);
  for (double &v : nu)
    v = pcm.program(x * 25.0, rng).nu;
  // E|N(mu, s^2)| = s sqrt(2/pi) exp(-mu^2 / 2 s^2) + mu erf(mu / (s sqrt 2)).
  const double expected = s * std::sqrt(2.0 / M_PI) *
                              std::exp(-mu * mu / (2 * s * s)) +
                          mu * std::erf(mu / (s * std::sqrt(2.0)));
  Moments m = moments(nu);
  EXPECT_NEAR(m.mean, expected, 4.5 * s / std::sqrt(double(kSamples)));
  for (double v : nu)
    ASSERT_GE(v, 0.0);
}

TEST(Pcm, DriftAndReadNoiseAtOneHour) {
  PcmModel pcm;
  Rng rng(4);
  Cell c{20.0, 0.06}; // no programming noise: a fixed cell
  const double t = 3600.0;
  // AIHWKIT's clock: T = t + t0 since the start of programming.
  const double drifted = 20.0 * std::pow((t + 20.0) / 20.0, -0.06);
  const double sd = drifted * PcmModel::readQs(20.0 / 25.0) *
                    PcmModel::readTimeFactor(t);
  std::vector<double> g(kSamples);
  for (double &v : g)
    v = pcm.read(c, t, rng);
  Moments m = moments(g);
  EXPECT_NEAR(m.mean, drifted, 4.5 * sd / std::sqrt(double(kSamples)));
  EXPECT_NEAR(std::sqrt(m.var), sd, 0.01 * sd);
  // At t = 0 no drift yet, but the 1/f noise accumulated since programming
  // started (T = t0): sd = 20 Q_s sqrt(ln(20 / 5e-7)).
  std::vector<double> g0(kSamples);
  for (double &v : g0)
    v = pcm.read(c, 0.0, rng);
  Moments m0 = moments(g0);
  const double sd0 = 20.0 * PcmModel::readQs(0.8) *
                     std::sqrt(std::log((20.0 + 250e-9) / 500e-9));
  EXPECT_NEAR(m0.mean, 20.0, 4.5 * sd0 / std::sqrt(double(kSamples)));
  EXPECT_NEAR(std::sqrt(m0.var), sd0, 0.01 * sd0);
}

TEST(Device, SeedsReproduce) {
  PcmModel pcm;
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    Cell x = pcm.program(10.0, a), y = pcm.program(10.0, b),
         z = pcm.program(10.0, c);
    ASSERT_EQ(x.gProg, y.gProg);
    ASSERT_EQ(x.nu, y.nu);
    if (i == 0)
      EXPECT_NE(x.gProg, z.gProg);
  }
}

TEST(Rram, GaussianProgrammingAndClamp) {
  RramModel rram(25.0, 0.02);
  Rng rng(5);
  std::vector<double> g(kSamples);
  for (double &v : g)
    v = rram.program(12.5, rng).gProg;
  Moments m = moments(g);
  EXPECT_NEAR(std::sqrt(m.var), 0.5, 0.005);
  EXPECT_NEAR(m.mean, 12.5, 0.01);
  for (int i = 0; i < 1000; ++i) {
    double v = rram.program(25.0, rng).gProg;
    ASSERT_LE(v, 25.0);
    ASSERT_GE(rram.program(0.0, rng).gProg, 0.0);
  }
}

TEST(StuckAt, FaultRates) {
  auto inner = std::make_shared<RramModel>(25.0, 0.0);
  StuckAtModel faulty(inner, 0.01, 0.02);
  Rng rng(6);
  int at0 = 0, atMax = 0;
  for (int i = 0; i < kSamples; ++i) {
    Cell c = faulty.program(10.0, rng);
    double g = faulty.read(c, 100.0, rng);
    at0 += g == 0.0;
    atMax += g == 25.0;
  }
  // Binomial standard deviations: 44.5 and 62.6 at 2e5 trials.
  EXPECT_NEAR(at0, 0.01 * kSamples, 4.5 * 44.5);
  EXPECT_NEAR(atMax, 0.02 * kSamples, 4.5 * 62.6);
}
