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

} // namespace imc::sim
