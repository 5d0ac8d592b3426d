//===- Crossbar.cpp - functional model of one crossbar tile ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Crossbar.h"
#include "imc/Sim/Device.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>
#include <vector>

namespace imc::sim {

int simThreads() {
  static const int threads = [] {
    if (const char *env = std::getenv("IMC_NUM_THREADS")) {
      const int v = std::atoi(env);
      if (v >= 1)
        return v;
    }
    return int(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return threads;
}

namespace {
/// Calls fn(begin, end) on `threads` contiguous pieces of [0, count), the
/// first on the calling thread, and waits for all of them.
template <typename Fn>
void parallelRanges(int64_t count, int64_t threads, const Fn &fn) {
  threads = std::max<int64_t>(1, std::min(threads, count));
  if (threads == 1)
    return fn(int64_t(0), count);
  std::vector<std::thread> pool;
  const int64_t chunk = (count + threads - 1) / threads;
  for (int64_t t = 1; t < threads; ++t)
    pool.emplace_back(fn, std::min(count, t * chunk),
                      std::min(count, (t + 1) * chunk));
  fn(int64_t(0), std::min(count, chunk));
  for (std::thread &th : pool)
    th.join();
}
} // namespace

double XbarConfig::adcStep() const {
  const int64_t fs = adcFullScale(), l = adcMaxCode();
  return fs <= l ? 1.0 : double(fs) / double(l);
}

double roundHalfEven(double x) {
  // std::nearbyint rounds in the current mode, which is to-nearest-even
  // unless a caller changed it; do it explicitly to not depend on that.
  double r = std::round(x); // half away from zero
  if (std::fabs(x - std::trunc(x)) == 0.5)
    r = 2.0 * std::round(x / 2.0);
  return r;
}

int64_t quantize(double x, double scale, int64_t maxCode) {
  if (scale == 0.0)
    return 0;
  double q = roundHalfEven(x / scale);
  return int64_t(std::clamp(q, double(-maxCode), double(maxCode)));
}

int64_t adcConvert(int64_t v, const XbarConfig &cfg) {
  const int64_t l = cfg.adcMaxCode();
  if (cfg.adcFullScale() <= l)
    return std::clamp(v, -l, l);
  return quantize(double(v), cfg.adcStep(), l);
}

CrossbarTile::CrossbarTile(const float *w, int64_t rows, int64_t cols,
                           const XbarConfig &cfg, bool quantizedMode,
                           const NoiseSpec *noise)
    : k(rows), n(cols), cfg(cfg), quantized(quantizedMode || noise) {
  if (!quantized) { // the member: noisy tiles are quantized too
    weights.assign(w, w + rows * cols);
    return;
  }
  const int64_t lw = (int64_t(1) << (cfg.weightBits - 1)) - 1;
  const int64_t s = cfg.slices(), mask = (int64_t(1) << cfg.cellBits) - 1;
  scaleW.assign(n, 0.0);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      scaleW[c] = std::max(scaleW[c], std::fabs(double(w[r * n + c])));
  for (double &sc : scaleW)
    sc /= double(lw);
  sliceDiff.assign(s * k * n, 0);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c) {
      const int64_t q = quantize(double(w[r * n + c]), scaleW[c], lw);
      const int64_t pos = q > 0 ? q : 0, neg = q < 0 ? -q : 0;
      for (int64_t sl = 0; sl < s; ++sl) {
        const int64_t shift = sl * cfg.cellBits;
        sliceDiff[(sl * k + r) * n + c] =
            int16_t(((pos >> shift) & mask) - ((neg >> shift) & mask));
      }
    }
  if (!noise)
    return;

  // Noisy: program every cell of both sides of each pair, read at t. Each
  // row draws from its own stream (seeded from the tile's seed and the row),
  // so rows can be programmed on several threads and the result does not
  // depend on how many.
  const DeviceModel &dev = *noise->model;
  const double gStep = dev.gmax() / double(mask);
  levelDiff.assign(sliceDiff.size(), 0.0f);
  std::vector<double> prog0(sliceDiff.size()), progT(sliceDiff.size());
  auto programRows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      Rng rng(mixSeed(noise->seed ^ mixSeed(uint64_t(r) + 1)));
      for (int64_t c = 0; c < n; ++c) {
        for (int64_t sl = 0; sl < s; ++sl) {
          // One side of each pair holds the slice's level, the other 0.
          const int64_t at = (sl * k + r) * n + c, d = sliceDiff[at];
          const Cell cp = dev.program(double(d > 0 ? d : 0) * gStep, rng);
          const Cell cn = dev.program(double(d < 0 ? -d : 0) * gStep, rng);
          const double gp = dev.read(cp, noise->driftTime, rng);
          const double gn = dev.read(cn, noise->driftTime, rng);
          levelDiff[at] = float((gp - gn) / gStep);
          prog0[at] = (cp.gProg - cn.gProg) / gStep;
          progT[at] = (gp - gn) / gStep;
        }
      }
    }
  };
  parallelRanges(k, k * n * s < 4096 ? 1 : simThreads(), programRows);
  // The drift-compensation probe, summed in a fixed order.
  std::vector<double> probe0(n, 0.0), probeT(n, 0.0);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      for (int64_t sl = 0; sl < s; ++sl) {
        const double weight = double(int64_t(1) << (sl * cfg.cellBits));
        const int64_t at = (sl * k + r) * n + c;
        probe0[c] += weight * prog0[at];
        probeT[c] += weight * progT[at];
      }
  if (noise->gdc) {
    double m0 = 0, mt = 0;
    for (int64_t c = 0; c < n; ++c) {
      m0 += std::fabs(probe0[c]);
      mt += std::fabs(probeT[c]);
    }
    gdc = mt > 0 ? m0 / mt : 1.0;
  }
}

void CrossbarTile::mvm(const float *x, int64_t vectors, float *y) const {
  auto run = [&](int64_t m0, int64_t m1) {
    for (int64_t m = m0; m < m1; ++m) {
      if (quantized)
        mvmQuantized(x + m * k, y + m * n);
      else
        mvmIdeal(x + m * k, y + m * n);
    }
  };
  // Vectors are independent and each writes its own output row, so splitting
  // them over threads gives the same bits as one thread. Split only when
  // there is enough work to pay for starting the threads.
  const double work = double(vectors) * double(k) * double(n) *
                      (quantized ? double(cfg.cycles() * cfg.slices()) : 1.0);
  parallelRanges(vectors, work < 4e6 ? 1 : simThreads(), run);
}

void CrossbarTile::mvmIdeal(const float *x, float *y) const {
  std::vector<double> acc(n, 0.0);
  for (int64_t r = 0; r < k; ++r) {
    const double xv = x[r];
    const float *wr = weights.data() + r * n;
    for (int64_t c = 0; c < n; ++c)
      acc[c] += xv * double(wr[c]);
  }
  for (int64_t c = 0; c < n; ++c)
    y[c] = float(acc[c]);
}

void CrossbarTile::mvmQuantized(const float *x, float *y) const {
  const int64_t la = (int64_t(1) << (cfg.inputBits - 1)) - 1;
  double absMax = 0.0;
  for (int64_t r = 0; r < k; ++r)
    absMax = std::max(absMax, std::fabs(double(x[r])));
  const double scaleX = absMax / double(la);

  // Signed input codes; chunk j of row r is sign * ((|q| >> d j) & dmask).
  std::vector<int64_t> qx(k);
  for (int64_t r = 0; r < k; ++r)
    qx[r] = quantize(double(x[r]), scaleX, la);

  const int64_t cycles = cfg.cycles(), slices = cfg.slices();
  const int64_t dmask = (int64_t(1) << cfg.dacBits) - 1;
  std::vector<int64_t> acc(n, 0), colSum(n);
  std::vector<double> noisySum(n);
  std::vector<int64_t> drive(k);
  for (int64_t j = 0; j < cycles; ++j) {
    for (int64_t r = 0; r < k; ++r) {
      const int64_t mag = ((qx[r] < 0 ? -qx[r] : qx[r]) >> (j * cfg.dacBits)) &
                          dmask;
      drive[r] = qx[r] < 0 ? -mag : mag;
    }
    for (int64_t g0 = 0; g0 < k; g0 += cfg.parallelRows) {
      const int64_t g1 = std::min(k, g0 + cfg.parallelRows);
      for (int64_t s = 0; s < slices; ++s) {
        if (!levelDiff.empty()) { // noisy: real-valued sums, same ADC
          std::fill(noisySum.begin(), noisySum.end(), 0.0);
          for (int64_t r = g0; r < g1; ++r) {
            if (!drive[r])
              continue;
            const float *d = levelDiff.data() + (s * k + r) * n;
            for (int64_t c = 0; c < n; ++c)
              noisySum[c] += double(drive[r]) * double(d[c]);
          }
          const int shift = int(j * cfg.dacBits + s * cfg.cellBits);
          const int64_t l = cfg.adcMaxCode();
          const double step = cfg.adcStep();
          for (int64_t c = 0; c < n; ++c) {
            const double code = std::clamp(roundHalfEven(noisySum[c] / step),
                                           double(-l), double(l));
            acc[c] += int64_t(code) * (int64_t(1) << shift);
          }
          continue;
        }
        std::fill(colSum.begin(), colSum.end(), 0);
        for (int64_t r = g0; r < g1; ++r) {
          if (!drive[r])
            continue;
          const int16_t *d = sliceDiff.data() + (s * k + r) * n;
          for (int64_t c = 0; c < n; ++c)
            colSum[c] += drive[r] * d[c];
        }
        const int shift = int(j * cfg.dacBits + s * cfg.cellBits);
        for (int64_t c = 0; c < n; ++c)
          acc[c] += adcConvert(colSum[c], cfg) * (int64_t(1) << shift);
      }
    }
  }
  const double step = cfg.adcStep();
  for (int64_t c = 0; c < n; ++c)
    y[c] = float((((double(acc[c]) * step) * scaleX) * scaleW[c]) * gdc);
}

} // namespace imc::sim
