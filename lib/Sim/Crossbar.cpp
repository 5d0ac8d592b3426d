//===- Crossbar.cpp - functional model of one crossbar tile ---------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Crossbar.h"
#include "imc/Sim/Device.h"

#include <algorithm>
#include <atomic>
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
  // adcRange * FS is exact for the default range 1, so the step is the
  // plain scheme's FS / L then.
  const double range = adcRange * double(adcFullScale());
  const double l = double(adcMaxCode());
  return range <= l ? 1.0 : range / l;
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
  const double step = cfg.adcStep();
  if (step == 1.0)
    return std::clamp(v, -l, l);
  return quantize(double(v), step, l);
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
  seed = noise->seed;
  outputNoise = noise->outputNoise;
  irDrop = noise->irDrop;

  // Noisy: program every cell of both sides of each pair, read at t. Each
  // row draws from its own stream (seeded from the tile's seed and the row),
  // so rows can be programmed on several threads and the result does not
  // depend on how many.
  const DeviceModel &dev = *noise->model;
  const double gStep = dev.gmax() / double(mask);
  levelDiff.assign(sliceDiff.size(), 0.0f);
  std::vector<double> prog0(sliceDiff.size()), progT(sliceDiff.size());
  const ReadTime readAt = dev.readTime(noise->driftTime);
  auto programRows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      Rng rng(mixSeed(noise->seed ^ mixSeed(uint64_t(r) + 1)));
      for (int64_t c = 0; c < n; ++c) {
        for (int64_t sl = 0; sl < s; ++sl) {
          // One side of each pair holds the slice's level, the other 0.
          const int64_t at = (sl * k + r) * n + c, d = sliceDiff[at];
          const Cell cp = dev.program(double(d > 0 ? d : 0) * gStep, rng);
          const Cell cn = dev.program(double(d < 0 ? -d : 0) * gStep, rng);
          const double gp = dev.read(cp, readAt, rng);
          const double gn = dev.read(cn, readAt, rng);
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

int64_t CrossbarTile::mvm(const float *x, int64_t vectors, float *y,
                          uint64_t stream) const {
  // Output noise: vector m of this call reads its own stream, so the result
  // depends on the seed, the call and m, not on how vectors are split.
  const uint64_t callSeed =
      mixSeed(seed ^ mixSeed(stream) ^ 0x6f75747075744e7aull);
  std::atomic<int64_t> retries{0};
  auto run = [&](int64_t m0, int64_t m1) {
    int64_t r = 0;
    for (int64_t m = m0; m < m1; ++m) {
      if (!quantized) {
        mvmIdeal(x + m * k, y + m * n);
        continue;
      }
      if (outputNoise > 0) {
        Rng rng(mixSeed(callSeed ^ mixSeed(uint64_t(m) + 1)));
        r += mvmQuantized(x + m * k, y + m * n, &rng);
      } else {
        r += mvmQuantized(x + m * k, y + m * n, nullptr);
      }
    }
    retries += r;
  };
  // Vectors are independent and each writes its own output row, so splitting
  // them over threads gives the same bits as one thread. Split only when
  // there is enough work to pay for starting the threads.
  const double work = double(vectors) * double(k) * double(n) *
                      (quantized ? double(cfg.cycles() * cfg.slices()) : 1.0);
  parallelRanges(vectors, work < 4e6 ? 1 : simThreads(), run);
  return retries.load();
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

void CrossbarTile::irDropSums(const int64_t *drive, int64_t g0, int64_t g1,
                              int64_t s, double *sums,
                              std::vector<double> &scratch) const {
  // Each pair is two bit lines; a cell's level sits on the side its sign
  // names. Along a bit line, with the sense amplifier next to row g0, the
  // wire segment p (between rows g0+p-1 and g0+p) carries J_p = sum_{q >= p}
  // i_q, the node of row p drops by r U_p with U_p = sum_{s <= p} J_s, and
  // to first order row p loses G_p r U_p of its current i_p = drive_p G_p.
  const int64_t rowsInGroup = g1 - g0;
  const double p = double(cfg.parallelRows);
  const double lambda =
      irDrop / (double((int64_t(1) << cfg.cellBits) - 1) * p * (p + 1) / 2);
  scratch.assign(2 * (rowsInGroup + 1) * n, 0.0);
  double *jPos = scratch.data(), *jNeg = jPos + n; // running J
  double *rowsJ = scratch.data() + 2 * n;          // J per row
  for (int64_t r = g1 - 1; r >= g0; --r) {
    const float *d = levelDiff.data() + (s * k + r) * n;
    const double dr = double(drive[r]);
    double *row = rowsJ + 2 * (r - g0) * n;
    for (int64_t c = 0; c < n; ++c) {
      const double gl = double(d[c]);
      if (gl > 0)
        jPos[c] += dr * gl;
      else
        jNeg[c] -= dr * gl;
      row[c] = jPos[c];
      row[n + c] = jNeg[c];
    }
  }
  // jPos / jNeg now become the running U.
  std::fill(jPos, jPos + 2 * n, 0.0);
  std::fill(sums, sums + n, 0.0);
  for (int64_t r = g0; r < g1; ++r) {
    const float *d = levelDiff.data() + (s * k + r) * n;
    const double dr = double(drive[r]);
    const double *row = rowsJ + 2 * (r - g0) * n;
    for (int64_t c = 0; c < n; ++c) {
      jPos[c] += row[c];
      jNeg[c] += row[n + c];
      const double gl = double(d[c]);
      if (gl > 0)
        sums[c] += dr * gl - lambda * gl * jPos[c];
      else if (gl < 0)
        sums[c] -= -dr * gl - lambda * -gl * jNeg[c];
    }
  }
}

// Out of line: inlined, it made the compiler schedule the integer path of
// mvmQuantized worse (measured with callgrind on the e2e CNN).
[[gnu::noinline]] bool
CrossbarTile::noisyConversion(const int64_t *drive, int64_t g0, int64_t g1,
                              int64_t s, int shift, bool last, Rng *outRng,
                              int64_t *acc, std::vector<double> &sums,
                              std::vector<double> &scratch) const {
  // Real-valued column sums (level units), then the same ADC.
  double *sum = sums.data();
  if (irDrop > 0) {
    irDropSums(drive, g0, g1, s, sum, scratch);
  } else {
    std::fill(sum, sum + n, 0.0);
    for (int64_t r = g0; r < g1; ++r) {
      if (!drive[r])
        continue;
      const double dr = double(drive[r]);
      const float *d = levelDiff.data() + (s * k + r) * n;
      for (int64_t c = 0; c < n; ++c)
        sum[c] += dr * double(d[c]);
    }
  }
  if (outRng) {
    const double sigma =
        outputNoise * cfg.adcRange * double(cfg.adcFullScale());
    for (int64_t c = 0; c < n; ++c)
      sum[c] += sigma * gaussian(*outRng);
  }
  const double l = double(cfg.adcMaxCode());
  const double step = cfg.adcStep();
  const int64_t weight = int64_t(1) << shift;
  if (last) { // nothing will be redone: no need to know about clipping
    for (int64_t c = 0; c < n; ++c)
      acc[c] +=
          int64_t(std::clamp(roundHalfEven(sum[c] / step), -l, l)) * weight;
    return false;
  }
  bool clipped = false;
  for (int64_t c = 0; c < n; ++c) {
    const double q = roundHalfEven(sum[c] / step);
    clipped |= std::fabs(q) > l;
    acc[c] += int64_t(std::clamp(q, -l, l)) * weight;
  }
  return clipped;
}

int64_t CrossbarTile::mvmQuantized(const float *x, float *y,
                                   Rng *outRng) const {
  const int64_t la = (int64_t(1) << (cfg.inputBits - 1)) - 1;
  double absMax = 0.0;
  for (int64_t r = 0; r < k; ++r)
    absMax = std::max(absMax, std::fabs(double(x[r])));
  const double scaleX = absMax / double(la);

  const int64_t cycles = cfg.cycles(), slices = cfg.slices();
  const int64_t dmask = (int64_t(1) << cfg.dacBits) - 1;
  const int64_t l = cfg.adcMaxCode();
  const double step = cfg.adcStep();
  const bool lossless = step == 1.0;
  const bool noisy = !levelDiff.empty();
  std::vector<int64_t> qx(k), acc(n), colSum(n), drive(k);
  std::vector<double> noisySum(n), scratch;

  // Bound management: while a try clips, redo the vector with its input
  // halved (the scale doubled); the last try keeps its clipped codes.
  double scale = scaleX;
  int64_t retries = 0;
  for (;;) {
    const bool last = retries == cfg.bmMaxIterations || scale == 0.0;
    // Signed input codes; chunk j of row r is sign * ((|q| >> d j) & dmask).
    for (int64_t r = 0; r < k; ++r)
      qx[r] = quantize(double(x[r]), scale, la);
    std::fill(acc.begin(), acc.end(), 0);
    bool clipped = false, redo = false;
    for (int64_t j = 0; j < cycles && !redo; ++j) {
      for (int64_t r = 0; r < k; ++r) {
        const int64_t mag =
            ((qx[r] < 0 ? -qx[r] : qx[r]) >> (j * cfg.dacBits)) & dmask;
        drive[r] = qx[r] < 0 ? -mag : mag;
      }
      for (int64_t g0 = 0; g0 < k && !redo; g0 += cfg.parallelRows) {
        const int64_t g1 = std::min(k, g0 + cfg.parallelRows);
        for (int64_t s = 0; s < slices && !redo; ++s) {
          const int shift = int(j * cfg.dacBits + s * cfg.cellBits);
          if (noisy) {
            clipped |= noisyConversion(drive.data(), g0, g1, s, shift, last,
                                       outRng, acc.data(), noisySum, scratch);
          } else {
            int64_t *sum = colSum.data();
            std::fill(sum, sum + n, 0);
            for (int64_t r = g0; r < g1; ++r) {
              const int64_t dr = drive[r];
              if (!dr)
                continue;
              const int16_t *d = sliceDiff.data() + (s * k + r) * n;
              for (int64_t c = 0; c < n; ++c)
                sum[c] += dr * d[c];
            }
            // Only a try that may be redone needs to know about clipping.
            if (lossless && last) {
              for (int64_t c = 0; c < n; ++c)
                acc[c] += std::clamp(colSum[c], -l, l) * (int64_t(1) << shift);
            } else {
              for (int64_t c = 0; c < n; ++c) {
                int64_t code = colSum[c];
                if (!lossless)
                  code = int64_t(roundHalfEven(double(code) / step));
                clipped |= code > l || code < -l;
                acc[c] += std::clamp(code, -l, l) * (int64_t(1) << shift);
              }
            }
          }
          redo = clipped && !last;
        }
      }
    }
    if (!redo)
      break;
    ++retries;
    scale *= 2.0;
  }
  for (int64_t c = 0; c < n; ++c)
    y[c] = float((((double(acc[c]) * step) * scale) * scaleW[c]) * gdc);
  return retries;
}

} // namespace imc::sim
