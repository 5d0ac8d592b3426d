//===- CrossbarTest.cpp - the bit-true crossbar model ---------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The quantized MVM is compared, bit for bit, with a naive reference written
// here from the scheme in Crossbar.h's header comment (one loop per step,
// per column, rounding with std::nearbyint), not with the code under test.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Crossbar.h"
#include "imc/Sim/Device.h"
#include "imc/Sim/PcmModel.h"

#include "CrossbarReference.h"

#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace imc::sim;
using namespace imc::test;

namespace {

//===----------------------------------------------------------------------===//
// Reference implementation of the documented scheme
//===----------------------------------------------------------------------===//


std::vector<float> randomVector(size_t n, std::mt19937 &rng, float lo = -1,
                                float hi = 1) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &f : v)
    f = dist(rng);
  return v;
}

class RoundingModeCheck : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(std::fegetround(), FE_TONEAREST); }
};

//===----------------------------------------------------------------------===//
// Scalar helpers
//===----------------------------------------------------------------------===//

using Crossbar = RoundingModeCheck;

TEST_F(Crossbar, RoundHalfEvenTies) {
  EXPECT_EQ(roundHalfEven(0.5), 0.0);
  EXPECT_EQ(roundHalfEven(1.5), 2.0);
  EXPECT_EQ(roundHalfEven(2.5), 2.0);
  EXPECT_EQ(roundHalfEven(3.5), 4.0);
  EXPECT_EQ(roundHalfEven(-0.5), 0.0);
  EXPECT_TRUE(std::signbit(roundHalfEven(-0.5))); // -0
  EXPECT_EQ(roundHalfEven(-1.5), -2.0);
  EXPECT_EQ(roundHalfEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfEven(-3.5), -4.0);
  EXPECT_EQ(roundHalfEven(1e15 + 0.5), 1e15);       // exact tie, even below
  EXPECT_EQ(roundHalfEven(1e15 + 1.5), 1e15 + 2.0); // exact tie, even above
}

TEST_F(Crossbar, RoundHalfEvenNonTies) {
  EXPECT_EQ(roundHalfEven(0.0), 0.0);
  EXPECT_EQ(roundHalfEven(0.49), 0.0);
  EXPECT_EQ(roundHalfEven(0.51), 1.0);
  EXPECT_EQ(roundHalfEven(0.49999999999999994), 0.0); // largest below 0.5
  EXPECT_EQ(roundHalfEven(1.4999), 1.0);
  EXPECT_EQ(roundHalfEven(2.5000001), 3.0);
  EXPECT_EQ(roundHalfEven(-2.5000001), -3.0);
  EXPECT_EQ(roundHalfEven(-0.7), -1.0);
  EXPECT_EQ(roundHalfEven(7.0), 7.0);
  EXPECT_EQ(roundHalfEven(-7.0), -7.0);
  EXPECT_EQ(roundHalfEven(9007199254740993.0), 9007199254740993.0); // 2^53+1
  EXPECT_EQ(roundHalfEven(4503599627370497.0), 4503599627370497.0); // 2^52+1
}

TEST_F(Crossbar, RoundHalfEvenAgreesWithFpuOnGrid) {
  // Every quarter in [-64, 64]: ties and non-ties, against the FPU rounding.
  for (int i = -256; i <= 256; ++i) {
    const double x = i / 4.0;
    EXPECT_EQ(roundHalfEven(x), std::nearbyint(x)) << x;
  }
}

TEST_F(Crossbar, RoundHalfEvenAgreesWithFpuOnRandomValues) {
  // Random magnitudes from 2^-3 to 2^60, both signs, and exact ties k + 0.5
  // up to 2^51, bit for bit (sign of zero included) against the FPU's
  // round-to-nearest-even.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  std::uniform_int_distribution<int> ex(-3, 60);
  for (int i = 0; i < 200000; ++i) {
    double x = std::ldexp(mant(rng), ex(rng));
    if (i % 3 == 0)
      x = std::floor(std::fmod(x, 2251799813685248.0)) + 0.5; // a tie
    if (i % 2)
      x = -x;
    const double got = roundHalfEven(x), want = std::nearbyint(x);
    ASSERT_EQ(got, want) << x;
    ASSERT_EQ(std::signbit(got), std::signbit(want)) << x;
  }
}

TEST_F(Crossbar, Quantize) {
  // Exact scales (powers of two) so the expected codes are by hand.
  EXPECT_EQ(quantize(3.0, 0.5, 127), 6);
  EXPECT_EQ(quantize(0.25, 0.5, 127), 0); // 0.5 -> 0
  EXPECT_EQ(quantize(0.75, 0.5, 127), 2); // 1.5 -> 2
  EXPECT_EQ(quantize(1.25, 0.5, 127), 2); // 2.5 -> 2
  EXPECT_EQ(quantize(-1.25, 0.5, 7), -2); // -2.5 -> -2
  EXPECT_EQ(quantize(-0.25, 0.5, 7), 0);  // -0.5 -> -0
  EXPECT_EQ(quantize(0.3, 0.25, 127), 1); // 1.2 -> 1
  // Clipping at +-maxCode.
  EXPECT_EQ(quantize(63.5, 0.5, 127), 127);
  EXPECT_EQ(quantize(63.75, 0.5, 127), 127); // 127.5 -> 128 -> 127
  EXPECT_EQ(quantize(100.0, 0.5, 127), 127);
  EXPECT_EQ(quantize(-100.0, 0.5, 127), -127);
  EXPECT_EQ(quantize(1e300, 1e-300, 127), 127);
  EXPECT_EQ(quantize(std::numeric_limits<double>::infinity(), 1.0, 7), 7);
  EXPECT_EQ(quantize(-std::numeric_limits<double>::infinity(), 1.0, 7), -7);
  // Scale 0 (an all-zero tensor) quantizes everything to 0.
  EXPECT_EQ(quantize(0.0, 0.0, 127), 0);
  EXPECT_EQ(quantize(5.0, 0.0, 127), 0);
  EXPECT_EQ(quantize(-5.0, 0.0, 127), 0);
  // NaN (and inf / inf) carries no charge.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(quantize(std::nan(""), 1.0, 127), 0);
  EXPECT_EQ(quantize(inf, inf, 127), 0);
  EXPECT_EQ(quantize(1.0, inf, 127), 0);
}

TEST_F(Crossbar, QuantizeRowEqualsQuantize) {
  // The branch-free row kernel against the scalar definition: random values,
  // exact ties at several scales, clipping, NaN and infinities.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x(4096);
  for (float &v : x)
    v = u(rng);
  for (int i = 0; i < 64; ++i)
    x[i] = float(i - 32) * 0.5f; // ties at scale 1 and 0.25
  x[100] = std::nanf("");
  x[101] = inf;
  x[102] = -inf;
  x[103] = 1e30f;
  x[104] = -1e30f;
  for (int64_t maxCode : {int64_t(7), int64_t(127), int64_t(32767)})
    for (double scale : {1.0, 0.25, 3.0 / 127, 1e-30, 1e30, 0.0}) {
      std::vector<int32_t> q(x.size());
      quantizeRow(x.data(), int64_t(x.size()), scale, maxCode, q.data());
      for (size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(q[i], quantize(double(x[i]), scale, maxCode))
            << "x " << x[i] << " scale " << scale << " L " << maxCode;
    }
}

TEST_F(Crossbar, ConfigDerivedQuantities) {
  const XbarConfig d; // defaults: 8/2/8/1/8/32
  EXPECT_EQ(d.slices(), 4);
  EXPECT_EQ(d.cycles(), 7);
  EXPECT_EQ(d.adcFullScale(), 96); // 32 * 1 * 3
  EXPECT_EQ(d.adcMaxCode(), 127);
  EXPECT_EQ(d.adcStep(), 1.0); // 96 <= 127: lossless
  const XbarConfig c = makeConfig(8, 3, 8, 2, 8, 32);
  EXPECT_EQ(c.slices(), 3);         // ceil(7 / 3)
  EXPECT_EQ(c.cycles(), 4);         // ceil(7 / 2)
  EXPECT_EQ(c.adcFullScale(), 672); // 32 * 3 * 7
  EXPECT_EQ(c.adcStep(), 672.0 / 127.0);
  EXPECT_EQ(makeConfig(8, 1, 8, 1, 4, 14).adcStep(), 2.0); // 14 / 7
}

TEST_F(Crossbar, AdcLosslessIsIdentity) {
  const XbarConfig c; // FS 96 <= 127
  for (int64_t v = -96; v <= 96; ++v)
    EXPECT_EQ(adcConvert(v, c), v);
  // Exactly at the limit: FS = L = 7 (7 rows, 1-bit DAC, 1-bit cells, 4-bit
  // ADC) is still lossless.
  const XbarConfig e = makeConfig(8, 1, 8, 1, 4, 7);
  for (int64_t v = -7; v <= 7; ++v)
    EXPECT_EQ(adcConvert(v, e), v);
  // A value beyond the full scale still clips to the largest code.
  EXPECT_EQ(adcConvert(200, c), 127);
  EXPECT_EQ(adcConvert(-200, c), -127);
}

TEST_F(Crossbar, AdcLossyStepTwo) {
  // 14 rows x 1-bit DAC x 1-bit cells: FS = 14; 4-bit ADC: L = 7; step 2.
  const XbarConfig c = makeConfig(8, 1, 8, 1, 4, 14);
  ASSERT_EQ(c.adcFullScale(), 14);
  const std::pair<int64_t, int64_t> cases[] = {
      {0, 0},   {1, 0},                        // 0.5 -> 0 (tie to even)
      {2, 1},   {3, 2},                        // 1.5 -> 2
      {5, 2},                                  // 2.5 -> 2
      {7, 4},                                  // 3.5 -> 4
      {9, 4},                                  // 4.5 -> 4
      {11, 6},                                 // 5.5 -> 6
      {13, 6},                                 // 6.5 -> 6
      {14, 7},  {-1, 0},                       // -0.5 -> -0
      {-3, -2}, {-5, -2},  {-14, -7}, {15, 7}, // 7.5 -> 8, clipped to 7
      {16, 7},  {-30, -7},                     // beyond full scale: clipped
  };
  for (auto [v, code] : cases)
    EXPECT_EQ(adcConvert(v, c), code) << "v = " << v;
}

TEST_F(Crossbar, AdcLossyStepThree) {
  // 7 rows x 1-bit DAC x 2-bit cells: FS = 21; 4-bit ADC: L = 7; step 3.
  const XbarConfig c = makeConfig(8, 2, 8, 1, 4, 7);
  ASSERT_EQ(c.adcStep(), 3.0);
  const std::pair<int64_t, int64_t> cases[] = {
      {1, 0},  {2, 1},  {4, 1},  {5, 2},  {-5, -2}, {-4, -1},
      {20, 7}, {21, 7}, {22, 7}, {30, 7}, {-30, -7}};
  for (auto [v, code] : cases)
    EXPECT_EQ(adcConvert(v, c), code) << "v = " << v;
}

TEST_F(Crossbar, AdcLossyInexactStep) {
  // 128 rows: FS = 384, L = 127, step = 3.0236...; codes by hand.
  const XbarConfig c = makeConfig(8, 2, 8, 1, 8, 128);
  const std::pair<int64_t, int64_t> cases[] = {
      {0, 0},     {1, 0},      // 0.33
      {2, 1},     {-2, -1},    // 0.66
      {100, 33},  {-100, -33}, // 33.07
      {191, 63},  {193, 64},   // 63.17, 63.83
      {384, 127}, {-384, -127}, {1000, 127}};
  for (auto [v, code] : cases)
    EXPECT_EQ(adcConvert(v, c), code) << "v = " << v;
}

//===----------------------------------------------------------------------===//
// CrossbarTile
//===----------------------------------------------------------------------===//

TEST_F(Crossbar, IdealModeMatchesDoubleReference) {
  std::mt19937 rng(1);
  const int64_t k = 37, n = 11, m = 3;
  const std::vector<float> w = randomVector(k * n, rng, -2, 2);
  const std::vector<float> x = randomVector(m * k, rng, -3, 3);
  const CrossbarTile tile(w.data(), k, n, XbarConfig(), /*quantized=*/false);
  EXPECT_EQ(tile.rows(), k);
  EXPECT_EQ(tile.cols(), n);
  std::vector<float> y(m * n, -1.0f);
  tile.mvm(x.data(), m, y.data());
  for (int64_t v = 0; v < m; ++v)
    for (int64_t c = 0; c < n; ++c) {
      double ref = 0; // products of floats are exact in double
      for (int64_t r = 0; r < k; ++r)
        ref += double(x[v * k + r]) * double(w[r * n + c]);
      EXPECT_EQ(y[v * n + c], float(ref)) << "vector " << v << " col " << c;
    }
}

// A batch large enough to be split over threads gives, bit for bit, what the
// same vectors give one at a time (single-vector calls never split), in all
// three modes.
TEST_F(Crossbar, ThreadedBatchMatchesOneVectorAtATime) {
  std::mt19937 rng(7);
  const int64_t k = 128, n = 64, m = 601;
  const std::vector<float> w = randomVector(k * n, rng, -1, 1);
  const std::vector<float> x = randomVector(m * k, rng, -2, 2);
  const PcmModel pcm;
  NoiseSpec noise;
  noise.model = &pcm;
  noise.seed = 5;
  noise.driftTime = 3600;
  for (int mode = 0; mode < 3; ++mode) {
    const CrossbarTile tile(w.data(), k, n, XbarConfig(), mode > 0,
                            mode == 2 ? &noise : nullptr);
    std::vector<float> batch(m * n), single(m * n);
    tile.mvm(x.data(), m, batch.data());
    for (int64_t v = 0; v < m; ++v)
      tile.mvm(x.data() + v * k, 1, single.data() + v * n);
    EXPECT_EQ(0, std::memcmp(batch.data(), single.data(),
                             batch.size() * sizeof(float)))
        << "mode " << mode << ", " << simThreads() << " threads";
  }
}

TEST_F(Crossbar, IdealModeCopiesWeights) {
  std::vector<float> w = {1, 2, 3, 4}; // 2x2
  const CrossbarTile tile(w.data(), 2, 2, XbarConfig(), false);
  w.assign(4, 100.0f);
  const float x[2] = {1, 10};
  float y[2];
  tile.mvm(x, 1, y);
  EXPECT_EQ(y[0], 31.0f); // 1*1 + 10*3
  EXPECT_EQ(y[1], 42.0f); // 1*2 + 10*4
}

TEST_F(Crossbar, WeightScales) {
  // Columns of a 3x2 block: [1, -3, 2] and [0.5, 0.25, -0.125]; Lw = 127.
  const std::vector<float> w = {1, 0.5f, -3, 0.25f, 2, -0.125f};
  const CrossbarTile tile(w.data(), 3, 2, XbarConfig(), true);
  ASSERT_EQ(tile.weightScales().size(), 2u);
  EXPECT_EQ(tile.weightScales()[0], 3.0 / 127.0);
  EXPECT_EQ(tile.weightScales()[1], 0.5 / 127.0);
}

TEST_F(Crossbar, QuantizedHandComputedLossless) {
  // wb 3 (Lw 3), 1-bit cells (2 slices), ab 3 (La 3), 1-bit DAC (2 cycles),
  // P = 3, 8-bit ADC: FS = 3 <= 127, lossless.
  //   W col 0 = [3, -1.5, 0.5]: s_w = 1, codes [3, -2, 0] (-1.5 -> -2,
  //   0.5 -> 0); col 1 all zero.
  //   x = [2.5, 1, -3]: s_x = 1, codes [2, 1, -3] (2.5 -> 2).
  //   col 0: 2*3 + 1*(-2) + (-3)*0 = 4 -> y = 4; col 1 -> 0.
  const std::vector<float> w = {3, 0, -1.5f, 0, 0.5f, 0};
  const CrossbarTile tile(w.data(), 3, 2, makeConfig(3, 1, 3, 1, 8, 3), true);
  const float x[3] = {2.5f, 1, -3};
  float y[2];
  tile.mvm(x, 1, y);
  EXPECT_EQ(y[0], 4.0f);
  EXPECT_EQ(y[1], 0.0f);
}

TEST_F(Crossbar, QuantizedHandComputedLossy) {
  // As above but a 2-bit ADC (L = 1): FS = 3, step = 3.
  //   W col 0 = [3, 3, 3] -> codes [3, 3, 3], both slices of each are 1.
  //   x = [3, 3, 0] -> codes [3, 3, 0], both DAC chunks are 1 for rows 0-1.
  //   Every (cycle, slice) conversion sees v = 2 -> rne(2/3) = 1; the
  //   shift-and-add gives acc = 1 + 2 + 2 + 4 = 9; y = 9 * 3 = 27 (exact
  //   would be 18).
  //   W col 1 = [-1.5, 0.5, 3] -> codes [-2, 0, 3]: slice 0 differences
  //   [0, 0, 1], slice 1 [-1, 0, 1]; row 2's input is 0, so v = 0 (slice 0)
  //   and v = -1 -> rne(-1/3) = 0 (slice 1): y = 0 (exact -6).
  const std::vector<float> w = {3, -1.5f, 3, 0.5f, 3, 3};
  const XbarConfig cfg = makeConfig(3, 1, 3, 1, 2, 3);
  ASSERT_EQ(cfg.adcStep(), 3.0);
  const CrossbarTile tile(w.data(), 3, 2, cfg, true);
  const float x[3] = {3, 3, 0};
  float y[2];
  tile.mvm(x, 1, y);
  EXPECT_EQ(y[0], 27.0f);
  EXPECT_EQ(y[1], 0.0f);
  // With a lossless ADC the same tile gives the exact 18 and -6.
  const CrossbarTile exact(w.data(), 3, 2, makeConfig(3, 1, 3, 1, 8, 3), true);
  exact.mvm(x, 1, y);
  EXPECT_EQ(y[0], 18.0f);
  EXPECT_EQ(y[1], -6.0f);
}

TEST_F(Crossbar, DocumentedWorkedExample) {
  // docs/quantization.md: K = 2, N = 1, wb 4, c 2, ab 4, d 1, P 2.
  // W = [0.875, -0.375], x = [0.875, -0.3f]; s_w = s_x = 0.125, q = [7, -3],
  // qx = [7, -2]; lossless (b = 4) acc = 55 -> 0.859375; lossy (b = 3,
  // step 2) acc = 16 -> ((16 * 2) * 0.125) * 0.125 = 0.5.
  const float w[2] = {0.875f, -0.375f};
  const float x[2] = {0.875f, -0.3f};
  float y;
  CrossbarTile(w, 2, 1, makeConfig(4, 2, 4, 1, 4, 2), true).mvm(x, 1, &y);
  EXPECT_EQ(y, 0.859375f);
  CrossbarTile(w, 2, 1, makeConfig(4, 2, 4, 1, 3, 2), true).mvm(x, 1, &y);
  EXPECT_EQ(y, 0.5f);
  // Ideal: f32(0.875 * 0.875 + (-0.3f) * (-0.375)) in double.
  CrossbarTile(w, 2, 1, makeConfig(4, 2, 4, 1, 3, 2), false).mvm(x, 1, &y);
  EXPECT_EQ(y, float(0.765625 + double(-0.3f) * -0.375));
  EXPECT_FLOAT_EQ(y, 0.87812501192f);
}

TEST_F(Crossbar, ReferenceAgreesWithHandComputation) {
  // The reference itself, on the hand-computed cases above.
  const std::vector<float> w = {3, -1.5f, 3, 0.5f, 3, 3};
  const float x[3] = {3, 3, 0};
  std::vector<float> y = referenceMvm(w, 3, 2, x, makeConfig(3, 1, 3, 1, 2, 3));
  EXPECT_EQ(y[0], 27.0f);
  EXPECT_EQ(y[1], 0.0f);
  y = referenceMvm(w, 3, 2, x, makeConfig(3, 1, 3, 1, 8, 3));
  EXPECT_EQ(y[0], 18.0f);
  EXPECT_EQ(y[1], -6.0f);
}

struct QuantCase {
  const char *name;
  XbarConfig cfg;
  int64_t rows, cols, vectors;
  unsigned seed;
  bool zeroVector = false, zeroColumn = false, ties = false;
  bool nonNegativeInput = false;
};

using imc::hw::WeightMapping;
/// A case of the default target at another mapping and input sign
/// (unsigned inputs are made non-negative unless `keepNegatives`).
QuantCase mapped(const char *name, XbarConfig cfg, WeightMapping m,
                 bool unsignedInput, unsigned seed, int64_t rows = 64,
                 int64_t cols = 16, bool keepNegatives = false) {
  QuantCase q{name, withMapping(cfg, m, unsignedInput), rows, cols, 3, seed};
  q.nonNegativeInput = unsignedInput && !keepNegatives;
  return q;
}

std::ostream &operator<<(std::ostream &os, const QuantCase &c) {
  return os << c.name;
}

class QuantizedMvm : public ::testing::TestWithParam<QuantCase> {
protected:
  void SetUp() override { ASSERT_EQ(std::fegetround(), FE_TONEAREST); }
};

TEST_P(QuantizedMvm, MatchesReferenceBitForBit) {
  const QuantCase &c = GetParam();
  std::mt19937 rng(c.seed);
  std::vector<float> w = randomVector(c.rows * c.cols, rng, -1, 1);
  std::vector<float> x = randomVector(c.vectors * c.rows, rng, -2, 2);
  // A few outliers so that most codes are small and some chunks are zero.
  w[rng() % w.size()] = 4.0f;
  x[rng() % x.size()] = -7.5f;
  if (c.nonNegativeInput)
    for (float &f : x)
      f = std::fabs(f);
  if (c.zeroColumn)
    for (int64_t r = 0; r < c.rows; ++r)
      w[r * c.cols + c.cols / 2] = 0.0f;
  if (c.zeroVector)
    std::fill(x.begin(), x.begin() + c.rows, 0.0f);
  if (c.ties) {
    // Values on a half-integer grid of an exact scale (max 3 = L for 3-bit
    // codes): every other value is a rounding tie.
    for (float &f : w)
      f = float(int(rng() % 13) - 6) / 2.0f;
    for (float &f : x)
      f = float(int(rng() % 13) - 6) / 2.0f;
    // Pin every column's and every vector's abs-max to 3 (scale exactly 1).
    for (int64_t n = 0; n < c.cols; ++n)
      w[n] = n % 2 ? 3.0f : -3.0f;
    for (int64_t v = 0; v < c.vectors; ++v)
      x[v * c.rows + c.rows - 1] = v % 2 ? 3.0f : -3.0f;
  }
  const CrossbarTile tile(w.data(), c.rows, c.cols, c.cfg, true);
  std::vector<float> y(c.vectors * c.cols, std::nanf(""));
  tile.mvm(x.data(), c.vectors, y.data());
  for (int64_t v = 0; v < c.vectors; ++v) {
    const std::vector<float> ref =
        referenceMvm(w, c.rows, c.cols, x.data() + v * c.rows, c.cfg);
    for (int64_t n = 0; n < c.cols; ++n)
      EXPECT_EQ(y[v * c.cols + n], ref[n]) << "vector " << v << " col " << n;
  }
  if (c.zeroVector) {
    for (int64_t n = 0; n < c.cols; ++n)
      EXPECT_EQ(y[n], 0.0f);
  }
  if (c.zeroColumn) {
    for (int64_t v = 0; v < c.vectors; ++v)
      EXPECT_EQ(y[v * c.cols + c.cols / 2], 0.0f);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Crossbar, QuantizedMvm,
    ::testing::Values(
        // Default target: FS 96 <= 127, lossless.
        QuantCase{"Default", makeConfig(8, 2, 8, 1, 8, 32), 64, 16, 3, 11},
        QuantCase{"DefaultFullTile", makeConfig(8, 2, 8, 1, 8, 32), 128, 16, 2,
                  12},
        // parallel_rows = rows: FS 384 > 127, lossy.
        QuantCase{"ParallelRowsEqualsRows", makeConfig(8, 2, 8, 1, 8, 128), 128,
                  16, 3, 13},
        // 2-bit DAC: 4 cycles, FS 288 > 127 lossy; with a 10-bit ADC lossless.
        QuantCase{"Dac2Lossy", makeConfig(8, 2, 8, 2, 8, 32), 64, 16, 3, 14},
        QuantCase{"Dac2Lossless", makeConfig(8, 2, 8, 2, 10, 32), 64, 16, 3,
                  15},
        // 3-bit DAC, 7 magnitude bits: 3 cycles, the last one partial.
        QuantCase{"Dac3", makeConfig(8, 2, 8, 3, 8, 32), 64, 16, 2, 16},
        // 1-bit cells: 7 slices, FS 32.
        QuantCase{"Cell1", makeConfig(8, 1, 8, 1, 8, 32), 64, 16, 3, 17},
        // 3-bit cells: 3 slices (the last one partial), FS 224 > 127.
        QuantCase{"Cell3Lossy", makeConfig(8, 3, 8, 1, 8, 32), 64, 16, 3, 18},
        QuantCase{"Cell3Lossless", makeConfig(8, 3, 8, 1, 9, 32), 64, 16, 3,
                  19},
        // 7-bit cells: one slice of up to 127 per cell.
        QuantCase{"Cell7", makeConfig(8, 7, 8, 1, 12, 16), 48, 8, 2, 20},
        // 16-bit weights and inputs in 4-bit cells / DAC: FS 1800 <= 2047.
        QuantCase{"Wide16Bit", makeConfig(16, 4, 16, 4, 12, 8), 40, 8, 2, 21},
        // Odd sizes: a partial row group (37 = 32 + 5), 11 columns.
        QuantCase{"Odd37x11", makeConfig(8, 2, 8, 1, 8, 32), 37, 11, 3, 22},
        QuantCase{"Odd37x11Lossy", makeConfig(8, 2, 8, 1, 4, 5), 37, 11, 3, 23},
        // A reduced ADC range: within the codes (step 1, clipping at L =
        // 31 < FS = 96), and beyond them (step 48 / 15); a DAC bound.
        QuantCase{"AdcRangeClipsAtL", makeConfig(8, 2, 8, 1, 6, 32, 0.25), 64,
                  16, 3, 27},
        QuantCase{"AdcRangeLossy", makeConfig(8, 2, 8, 1, 5, 32, 0.5), 64, 16,
                  3, 28},
        QuantCase{"InputBound", withInputBound(makeConfig(8, 2, 8, 1, 8, 32),
                                               0.3),
                  64, 16, 3, 29},
        // A zero input vector (scale 0) and a zero weight column.
        QuantCase{"ZeroInputVector", makeConfig(8, 2, 8, 1, 8, 32), 64, 16, 3,
                  24, true, false},
        QuantCase{"ZeroWeightColumn", makeConfig(8, 2, 8, 1, 8, 32), 64, 16, 3,
                  25, false, true},
        QuantCase{"ZeroInputLossy", makeConfig(8, 2, 8, 1, 8, 128), 128, 16, 2,
                  26, true, true},
        // Rounding ties everywhere: 3-bit weights and inputs, scale 1.
        QuantCase{"Ties", makeConfig(3, 1, 3, 1, 8, 4), 24, 6, 4, 27, false,
                  false, true},
        QuantCase{"TiesLossy", makeConfig(3, 1, 3, 1, 3, 8), 24, 6, 4, 28,
                  false, false, true},
        // Weight mappings and unsigned inputs (docs/quantization.md): each
        // lossless (the exact dot product of codes) and lossy (every
        // conversion through the ADC, the reference column's too).
        mapped("OffsetLossless", makeConfig(8, 2, 8, 1, 8, 32),
               WeightMapping::Offset, false, 40),
        mapped("OffsetLossy", makeConfig(8, 2, 8, 1, 6, 32),
               WeightMapping::Offset, false, 41),
        mapped("OffsetUnsignedLossy", makeConfig(8, 2, 8, 1, 6, 32),
               WeightMapping::Offset, true, 42),
        mapped("OffsetUnsignedCell1", makeConfig(8, 1, 8, 1, 5, 64),
               WeightMapping::Offset, true, 43, 128, 16),
        mapped("OffsetCell3Odd", makeConfig(7, 3, 6, 2, 7, 5),
               WeightMapping::Offset, true, 44, 37, 11),
        mapped("TwosLossless", makeConfig(8, 2, 8, 1, 8, 32),
               WeightMapping::TwosComplement, false, 45),
        mapped("TwosLossy", makeConfig(8, 2, 8, 1, 5, 32),
               WeightMapping::TwosComplement, false, 46),
        mapped("TwosUnsignedLossy", makeConfig(8, 1, 8, 1, 5, 64),
               WeightMapping::TwosComplement, true, 47, 128, 16),
        mapped("TwosCell3Odd", makeConfig(9, 3, 7, 3, 6, 7),
               WeightMapping::TwosComplement, true, 48, 37, 11),
        mapped("DifferentialUnsigned", makeConfig(8, 2, 8, 1, 6, 32),
               WeightMapping::Differential, true, 49),
        mapped("UnsignedNegativesDriveNothing", makeConfig(8, 2, 8, 1, 6, 32),
               WeightMapping::Offset, true, 50, 64, 16, true)),
    [](const ::testing::TestParamInfo<QuantCase> &info) {
      return std::string(info.param.name);
    });

TEST_F(Crossbar, QuantizedEightBitCells) {
  // cell_bits = 8 is a valid target (range [1, 8]): a slice holds up to 255.
  // 9-bit weights in 8-bit cells: 1 slice; FS = 16 * 255 = 4080 <= 4095.
  const XbarConfig cfg = makeConfig(9, 8, 8, 1, 13, 16);
  std::mt19937 rng(99);
  const int64_t k = 16, n = 4;
  std::vector<float> w = randomVector(k * n, rng);
  w[0] = 1.0f; // column 0 has code 255 in row 0
  const std::vector<float> x = randomVector(k, rng);
  const CrossbarTile tile(w.data(), k, n, cfg, true);
  std::vector<float> y(n);
  tile.mvm(x.data(), 1, y.data());
  const std::vector<float> ref = referenceMvm(w, k, n, x.data(), cfg);
  for (int64_t c = 0; c < n; ++c)
    EXPECT_EQ(y[c], ref[c]) << "col " << c;
}

TEST_F(Crossbar, LosslessEqualsIntegerArithmeticOnCodes) {
  // Property: with an ADC that never clips or rounds, the bit-serial,
  // bit-sliced, grouped computation reconstructs the plain integer dot
  // product of the codes: y = f32((sum qx * qw) * s_x * s_w).
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t wb = 2 + rng() % 15, ab = 2 + rng() % 15;
    const int64_t cb = 1 + rng() % 7, db = 1 + rng() % 8;
    const int64_t k = 1 + rng() % 70, n = 1 + rng() % 9;
    const int64_t p = 1 + rng() % k;
    XbarConfig cfg = makeConfig(wb, cb, ab, db, 24, p);
    if (cfg.adcFullScale() > cfg.adcMaxCode())
      continue; // keep the ADC lossless
    SCOPED_TRACE(::testing::Message()
                 << "trial " << trial << ": wb " << wb << " cb " << cb << " ab "
                 << ab << " db " << db << " k " << k << " n " << n << " p "
                 << p);
    const std::vector<float> w = randomVector(k * n, rng, -5, 5);
    const std::vector<float> x = randomVector(k, rng, -5, 5);
    const CrossbarTile tile(w.data(), k, n, cfg, true);
    std::vector<float> y(n);
    tile.mvm(x.data(), 1, y.data());

    const int64_t lw = pow2(wb - 1) - 1, la = pow2(ab - 1) - 1;
    double xMax = 0;
    for (float f : x)
      xMax = std::max(xMax, std::fabs(double(f)));
    const double sx = xMax / double(la);
    for (int64_t c = 0; c < n; ++c) {
      double wMax = 0;
      for (int64_t r = 0; r < k; ++r)
        wMax = std::max(wMax, std::fabs(double(w[r * n + c])));
      const double sw = wMax / double(lw);
      int64_t dot = 0;
      for (int64_t r = 0; r < k; ++r)
        dot += refQuantize(x[r], sx, la) * refQuantize(w[r * n + c], sw, lw);
      EXPECT_EQ(y[c], float((double(dot) * sx) * sw)) << "col " << c;
    }
  }
}

TEST_F(Crossbar, QuantizedCloseToIdeal) {
  // Sanity bound: 8-bit lossless quantization of a 64x16 block stays within
  // a few percent of the exact product's scale.
  std::mt19937 rng(5);
  const int64_t k = 64, n = 16;
  const std::vector<float> w = randomVector(k * n, rng);
  const std::vector<float> x = randomVector(k, rng);
  const CrossbarTile q(w.data(), k, n, XbarConfig(), true);
  const CrossbarTile ideal(w.data(), k, n, XbarConfig(), false);
  std::vector<float> yq(n), yi(n);
  q.mvm(x.data(), 1, yq.data());
  ideal.mvm(x.data(), 1, yi.data());
  for (int64_t c = 0; c < n; ++c)
    EXPECT_NEAR(yq[c], yi[c], 0.25) << "col " << c;
}

} // namespace
