//===- NoisyTest.cpp - crossbar tiles on noisy devices --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Crossbar.h"
#include "imc/Sim/Device.h"
#include "imc/Sim/PcmModel.h"
#include "imc/Sim/RramModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace imc::sim;

namespace {

struct Fixture {
  int64_t k = 64, n = 16, m = 8;
  std::vector<float> w, x;
  XbarConfig cfg;
  Fixture() {
    Rng rng(11);
    w.resize(k * n);
    x.resize(m * k);
    for (float &v : w)
      v = float(gaussian(rng));
    for (float &v : x)
      v = float(std::fabs(gaussian(rng))); // post-ReLU activations
  }
  std::vector<float> run(const NoiseSpec *noise) const {
    // As the simulator builds them: quantized only without noise.
    CrossbarTile tile(w.data(), k, n, cfg, /*quantizedMode=*/noise == nullptr,
                      noise);
    std::vector<float> y(m * n);
    tile.mvm(x.data(), m, y.data());
    return y;
  }
};

double meanAbs(const std::vector<float> &v) {
  double s = 0;
  for (float f : v)
    s += std::fabs(f);
  return s / double(v.size());
}

} // namespace

// A device without noise stores every level exactly: the noisy path is the
// quantized scheme, bit for bit (GDC's ratio is exactly 1).
TEST(Noisy, NoiseFreeDeviceIsBitExactQuantized) {
  Fixture f;
  RramModel exact(25.0, 0.0);
  NoiseSpec spec{&exact, 7, 1e6, true};
  EXPECT_EQ(f.run(&spec), f.run(nullptr));
}

TEST(Noisy, SeedsReproduceAndDiffer) {
  Fixture f;
  PcmModel pcm;
  NoiseSpec a{&pcm, 1, 3600, true}, b{&pcm, 1, 3600, true},
      c{&pcm, 2, 3600, true};
  EXPECT_EQ(f.run(&a), f.run(&b));
  EXPECT_NE(f.run(&a), f.run(&c));
}

// A year of PCM drift shrinks conductances by about (T / t0)^-nu with nu
// around 0.05-0.1, i.e. to roughly 30-50%; global drift compensation puts the
// output scale back (the probe ratio).
TEST(Noisy, DriftShrinksAndGdcRestores) {
  Fixture f;
  PcmModel pcm;
  const double year = 365.0 * 24 * 3600;
  NoiseSpec fresh{&pcm, 3, 0.0, false}, drifted{&pcm, 3, year, false},
      compensated{&pcm, 3, year, true};
  const double m0 = meanAbs(f.run(&fresh)), m1 = meanAbs(f.run(&drifted)),
               m2 = meanAbs(f.run(&compensated));
  EXPECT_LT(m1 / m0, 0.6);
  EXPECT_GT(m1 / m0, 0.2);
  EXPECT_NEAR(m2 / m0, 1.0, 0.15);
  // And the noisy result stays close to the noise-free one right after
  // programming: mean absolute error relative to the output scale (a mean,
  // not a max, so the bound does not hinge on one unlucky sample; measured
  // 0.067).
  std::vector<float> q = f.run(nullptr), y = f.run(&fresh);
  double err = 0;
  for (size_t i = 0; i < q.size(); ++i)
    err += std::fabs(double(q[i]) - double(y[i]));
  err /= double(q.size());
  EXPECT_LT(err / meanAbs(q), 0.15);
  EXPECT_GT(err, 0.0);
}
