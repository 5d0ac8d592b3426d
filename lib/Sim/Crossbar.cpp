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
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <system_error>
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
/// first on the calling thread, and waits for all of them. An exception in
/// any piece (std::bad_alloc, say) is rethrown here once all have ended; a
/// thread that cannot be started leaves its piece to the calling thread.
template <typename Fn>
void parallelRanges(int64_t count, int64_t threads, const Fn &fn) {
  threads = std::max<int64_t>(1, std::min(threads, count));
  if (threads == 1)
    return fn(int64_t(0), count);
  const int64_t chunk = (count + threads - 1) / threads;
  std::vector<std::exception_ptr> errors(threads);
  auto piece = [&](int64_t t) {
    try {
      fn(std::min(count, t * chunk), std::min(count, (t + 1) * chunk));
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  int64_t started = 1;
  try {
    pool.reserve(threads - 1);
    for (; started < threads; ++started)
      pool.emplace_back(piece, started);
  } catch (const std::system_error &) { // no more threads: run the rest here
  }
  piece(0);
  for (int64_t t = started; t < threads; ++t)
    piece(t);
  for (std::thread &th : pool)
    th.join();
  for (const std::exception_ptr &e : errors)
    if (e)
      std::rethrow_exception(e);
}
} // namespace

namespace {
/// Column sums of one row group and one slice: sum[c] = sum_r drive[r] *
/// slice[r][c] over rows [g0, g1), in the narrowest integer type T that holds
/// the ADC's full scale (|sum| <= FS). A 1-bit DAC drives -1, 0 or 1: adds
/// and subtracts only. Exact integer arithmetic, so every T and every
/// instruction set gives the same sums.
template <typename T>
inline void groupSums(const int16_t *slice, const int32_t *drive, int64_t g0,
                      int64_t g1, int64_t n, int64_t ld, T *sum) {
  std::fill(sum, sum + n, T(0));
  for (int64_t r = g0; r < g1; ++r) {
    const int32_t dr = drive[r];
    if (!dr)
      continue;
    const int16_t *d = slice + r * ld;
    if (dr == 1) {
      for (int64_t c = 0; c < n; ++c)
        sum[c] = T(sum[c] + d[c]);
    } else if (dr == -1) {
      for (int64_t c = 0; c < n; ++c)
        sum[c] = T(sum[c] - d[c]);
    } else {
      for (int64_t c = 0; c < n; ++c)
        sum[c] = T(sum[c] + T(dr) * T(d[c]));
    }
  }
}

// Compiled twice: with AVX2 (16 int16 lanes) where the CPU has it, and for
// the baseline (SSE2); the loader picks one (GCC/Clang function clones).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IMC_KERNEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define IMC_KERNEL_CLONES
#endif

IMC_KERNEL_CLONES void groupSums16(const int16_t *slice, const int32_t *drive,
                                   int64_t g0, int64_t g1, int64_t n,
                                   int64_t ld, int16_t *sum) {
  groupSums(slice, drive, g0, g1, n, ld, sum);
}

IMC_KERNEL_CLONES void groupSums32(const int16_t *slice, const int32_t *drive,
                                   int64_t g0, int64_t g1, int64_t n,
                                   int64_t ld, int32_t *sum) {
  groupSums(slice, drive, g0, g1, n, ld, sum);
}

void groupSums64(const int16_t *slice, const int32_t *drive, int64_t g0,
                 int64_t g1, int64_t n, int64_t ld, int64_t *sum) {
  groupSums(slice, drive, g0, g1, n, ld, sum);
}

/// Real-valued column sums of noisy levels (row-major k x n floats), in
/// double, rows in order: the same bits with or without AVX2 (no FMA).
IMC_KERNEL_CLONES void noisyGroupSums(const float *slice, const int64_t *drive,
                                      int64_t g0, int64_t g1, int64_t n,
                                      int64_t ld, double *sum) {
  std::fill(sum, sum + n, 0.0);
  for (int64_t r = g0; r < g1; ++r) {
    if (!drive[r])
      continue;
    const double dr = double(drive[r]);
    const float *d = slice + r * ld;
    for (int64_t c = 0; c < n; ++c)
      sum[c] += dr * double(d[c]);
  }
}

/// The body of quantizeRow: NaN -> 0; values are clamped to +-(L + 1) before
/// rounding (which cannot change the clamped result, and keeps them in
/// int32), then rounded half to even through a truncation, then clamped to
/// +-L.
IMC_KERNEL_CLONES void quantizeRowKernel(const float *x, int64_t k,
                                         double scale, int32_t maxCode,
                                         int32_t *q) {
  const double lim = double(maxCode) + 1.0;
  for (int64_t r = 0; r < k; ++r) {
    double v = double(x[r]) / scale;
    v = v != v ? 0.0 : v;
    v = v < -lim ? -lim : v > lim ? lim : v;
    const int32_t t = int32_t(v); // toward zero
    const int32_t f = t - int32_t(double(t) > v);
    const double d = v - double(f);
    const int32_t up = int32_t(d > 0.5) | (int32_t(d == 0.5) & (f & 1));
    const int32_t c = f + up;
    q[r] = c < -maxCode ? -maxCode : c > maxCode ? maxCode : c;
  }
}

/// Ideal mode: acc[c] = sum_r double(x[r]) * double(w[r][c]), rows in order.
IMC_KERNEL_CLONES void idealDot(const float *w, const float *x, int64_t k,
                                int64_t n, double *acc) {
  std::fill(acc, acc + n, 0.0);
  for (int64_t r = 0; r < k; ++r) {
    const double xv = x[r];
    const float *wr = w + r * n;
    for (int64_t c = 0; c < n; ++c)
      acc[c] += xv * double(wr[c]);
  }
}

/// acc[c] = sum_r qx[r] * codes[r][c]: the integer dot products of input and
/// weight codes, when they fit in 32 bits.
IMC_KERNEL_CLONES void dotCodes32(const int16_t *codes, const int32_t *qx,
                                  int64_t k, int64_t n, int32_t *acc) {
  std::fill(acc, acc + n, 0);
  for (int64_t r = 0; r < k; ++r) {
    const int32_t q = qx[r];
    if (!q)
      continue;
    const int16_t *w = codes + r * n;
    for (int64_t c = 0; c < n; ++c)
      acc[c] += q * int32_t(w[c]);
  }
}
} // namespace

void quantizeRow(const float *x, int64_t k, double scale, int64_t maxCode,
                 int32_t *q) {
  if (scale == 0.0) {
    std::fill(q, q + k, 0);
    return;
  }
  quantizeRowKernel(x, k, scale, int32_t(maxCode), q);
}

double XbarConfig::adcStep() const {
  // adcRange * FS is exact for the default range 1, so the step is the
  // plain scheme's FS / L then.
  const double range = adcRange * double(adcFullScale());
  const double l = double(adcMaxCode());
  return range <= l ? 1.0 : range / l;
}

int64_t adcConvert(int64_t v, const XbarConfig &cfg) {
  const int64_t l = cfg.adcMaxCode(), lo = cfg.adcMinCode();
  const double step = cfg.adcStep();
  if (step == 1.0)
    return std::clamp(v, lo, l);
  return std::max(lo, quantize(double(v), step, l));
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
  // The offset mapping's reference column is column n of the slice that
  // holds bit wb-1 (its other slices hold nothing there and are not read).
  ld = n + cfg.referenceColumns();
  refSlice = cfg.referenceColumns() ? cfg.referenceSlice() : -1;
  scaleW = hw::weightScales(w, k, n, n, cfg.weightBits);
  sliceDiff.assign(s * k * ld, 0);
  // A conversion can never exceed the ADC's codes: it is exact, and the
  // bit-serial sum collapses to one dot product of codes (mvmQuantized).
  const bool exact = !noise && cfg.adcFullScale() <= cfg.adcMaxCode();
  if (exact)
    codes.assign(k * n, 0);
  for (int64_t r = 0; r < k; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      const int64_t q = quantize(double(w[r * n + c]), scaleW[c], lw);
      if (exact)
        codes[r * n + c] = int16_t(q);
      for (int64_t sl = 0; sl < s; ++sl)
        sliceDiff[(sl * k + r) * ld + c] = int16_t(cfg.sliceValue(q, sl));
    }
    if (refSlice >= 0)
      sliceDiff[(refSlice * k + r) * ld + n] = int16_t(cfg.referenceLevel());
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
  const bool pairs = cfg.mapping == hw::WeightMapping::Differential;
  levelDiff.assign(sliceDiff.size(), 0.0f);
  std::vector<double> prog0(sliceDiff.size()), progT(sliceDiff.size());
  const ReadTime readAt = dev.readTime(noise->driftTime);
  std::vector<Level> levels(mask + 1); // the 2^c conductance levels
  for (int64_t v = 0; v <= mask; ++v)
    levels[v] = dev.level(double(v) * gStep);
  auto programRows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      Rng rng(mixSeed(noise->seed ^ mixSeed(uint64_t(r) + 1)));
      for (int64_t c = 0; c < ld; ++c) {
        for (int64_t sl = 0; sl < s; ++sl) {
          if (c == n && sl != refSlice)
            continue; // the reference column has cells in one slice only
          const int64_t at = (sl * k + r) * ld + c, d = sliceDiff[at];
          if (!pairs) { // one cell per slice, at its level
            const Cell cell = dev.program(levels[d], rng);
            const double g = dev.read(cell, readAt, rng);
            levelDiff[at] = float(g / gStep);
            prog0[at] = cell.gProg / gStep;
            progT[at] = g / gStep;
            continue;
          }
          // One side of each pair holds the slice's level, the other 0.
          const Cell cp = dev.program(levels[d > 0 ? d : 0], rng);
          const Cell cn = dev.program(levels[d < 0 ? -d : 0], rng);
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
  // The drift-compensation probe of the weight columns, summed in a fixed
  // order.
  std::vector<double> probe0(n, 0.0), probeT(n, 0.0);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      for (int64_t sl = 0; sl < s; ++sl) {
        const double weight =
            double(cfg.sliceSign(sl) * (int64_t(1) << cfg.sliceShift(sl)));
        const int64_t at = (sl * k + r) * ld + c;
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
  std::vector<double> acc(n);
  idealDot(weights.data(), x, k, n, acc.data());
  for (int64_t c = 0; c < n; ++c)
    y[c] = float(acc[c]);
}

void CrossbarTile::irDropSums(const int64_t *drive, int64_t g0, int64_t g1,
                              int64_t s, int64_t cols, double *sums,
                              std::vector<double> &scratch) const {
  // Each pair is two bit lines; a cell's level sits on the side its sign
  // names (single-ended columns: every level is on the positive side).
  // Along a bit line, with the sense amplifier next to row g0, the wire
  // segment p (between rows g0+p-1 and g0+p) carries J_p = sum_{q >= p}
  // i_q, the node of row p drops by r U_p with U_p = sum_{s <= p} J_s, and
  // to first order row p loses G_p r U_p of its current i_p = drive_p G_p.
  const int64_t rowsInGroup = g1 - g0, n = cols;
  const double p = double(cfg.parallelRows);
  const double lambda =
      irDrop / (double((int64_t(1) << cfg.cellBits) - 1) * p * (p + 1) / 2);
  scratch.assign(2 * (rowsInGroup + 1) * n, 0.0);
  double *jPos = scratch.data(), *jNeg = jPos + n; // running J
  double *rowsJ = scratch.data() + 2 * n;          // J per row
  for (int64_t r = g1 - 1; r >= g0; --r) {
    const float *d = levelDiff.data() + (s * k + r) * ld;
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
    const float *d = levelDiff.data() + (s * k + r) * ld;
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
                              int64_t s, int64_t cols, int shift, int64_t sign,
                              bool last, Rng *outRng, int64_t *acc,
                              std::vector<double> &sums,
                              std::vector<double> &scratch) const {
  // Real-valued column sums (level units), then the same ADC.
  double *sum = sums.data();
  if (irDrop > 0) {
    irDropSums(drive, g0, g1, s, cols, sum, scratch);
  } else {
    noisyGroupSums(levelDiff.data() + s * k * ld, drive, g0, g1, cols, ld,
                   sum);
  }
  if (outRng) {
    const double sigma =
        outputNoise * cfg.adcRange * double(cfg.adcFullScale());
    for (int64_t c = 0; c < cols; ++c)
      sum[c] += sigma * gaussian(*outRng);
  }
  const double l = double(cfg.adcMaxCode()), lo = double(cfg.adcMinCode());
  const double step = cfg.adcStep();
  const int64_t weight = sign * (int64_t(1) << shift);
  if (last) {          // nothing will be redone: no need to know about clipping
    if (step == 1.0) { // x / 1 == x: skip the division
      for (int64_t c = 0; c < cols; ++c)
        acc[c] += clampCode(roundHalfEven(sum[c]), lo, l) * weight;
    } else {
      for (int64_t c = 0; c < cols; ++c)
        acc[c] += clampCode(roundHalfEven(sum[c] / step), lo, l) * weight;
    }
    return false;
  }
  bool clipped = false;
  for (int64_t c = 0; c < cols; ++c) {
    const double q = roundHalfEven(sum[c] / step);
    clipped |= std::fabs(q) > l;
    acc[c] += clampCode(q, lo, l) * weight;
  }
  return clipped;
}

int64_t CrossbarTile::mvmQuantized(const float *x, float *y,
                                   Rng *outRng) const {
  const int64_t la = cfg.inputMaxCode();
  double absMax = 0.0;
  for (int64_t r = 0; r < k; ++r)
    absMax = std::max(absMax, std::fabs(double(x[r])));
  // inputBound * absMax is exact for the default bound 1.
  const double scaleX = (cfg.inputBound * absMax) / double(la);
  // Unsigned inputs: a negative value (which the compiler proved cannot
  // occur) would drive nothing.
  auto codesOf = [&](double scale, int32_t *q) {
    quantizeRow(x, k, scale, la, q);
    if (cfg.unsignedInput)
      for (int64_t r = 0; r < k; ++r)
        q[r] = q[r] < 0 ? 0 : q[r];
  };

  if (!codes.empty()) {
    // Every conversion is exact (|v| <= FS <= L: code = v, step 1), so
    // acc = sum_{j,g,s} +-v 2^(dj + shift_s) (- the reference column's) =
    // sum_k qx_k q_k (the chunks and slices recombine to the codes, for
    // every weight mapping): the same integer as the bit-serial loop
    // below, computed as one dot product. Nothing can clip, so bound
    // management never retries.
    std::vector<int32_t> q32(k);
    codesOf(scaleX, q32.data());
    std::vector<int64_t> acc(n, 0);
    const int64_t lw = (int64_t(1) << (cfg.weightBits - 1)) - 1;
    if (double(k) * double(la) * double(lw) < 2147483647.0) {
      std::vector<int32_t> acc32(n);
      dotCodes32(codes.data(), q32.data(), k, n, acc32.data());
      std::copy(acc32.begin(), acc32.end(), acc.begin());
    } else {
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < n; ++c)
          acc[c] += int64_t(q32[r]) * codes[r * n + c];
    }
    for (int64_t c = 0; c < n; ++c)
      y[c] = float((((double(acc[c]) * 1.0) * scaleX) * scaleW[c]) * gdc);
    return 0;
  }

  const int64_t cycles = cfg.cycles(), slices = cfg.slices();
  const int64_t dmask = (int64_t(1) << cfg.dacBits) - 1;
  const int64_t l = cfg.adcMaxCode(), lo = cfg.adcMinCode();
  const double step = cfg.adcStep();
  const bool lossless = step == 1.0;
  const bool noisy = !levelDiff.empty();
  // Columns ld = n + the reference column; acc[n] gathers the reference's
  // conversions, subtracted from every column's at the end.
  std::vector<int64_t> qx(k), acc(ld), colSum(ld), drive(k);
  std::vector<double> noisySum(ld), scratch;
  // The integer path sums in the narrowest type that holds FS.
  const int64_t fs = cfg.adcFullScale();
  const int width = fs <= INT16_MAX ? 16 : fs <= INT32_MAX ? 32 : 64;
  std::vector<int32_t> drive32(noisy ? 0 : k), drive32q(k);
  std::vector<int16_t> sum16(width == 16 ? ld : 0);
  std::vector<int32_t> sum32(width == 32 ? ld : 0);

  // Bound management: while a try clips, redo the vector with its input
  // halved (the scale doubled); the last try keeps its clipped codes.
  double scale = scaleX;
  int64_t retries = 0;
  for (;;) {
    const bool last = retries == cfg.bmMaxIterations || scale == 0.0;
    // Input codes; chunk j of row r is sign * ((|q| >> d j) & dmask).
    codesOf(scale, drive32q.data());
    std::copy(drive32q.begin(), drive32q.end(), qx.begin());
    std::fill(acc.begin(), acc.end(), 0);
    bool clipped = false, redo = false;
    for (int64_t j = 0; j < cycles && !redo; ++j) {
      for (int64_t r = 0; r < k; ++r) {
        const int64_t mag =
            ((qx[r] < 0 ? -qx[r] : qx[r]) >> (j * cfg.dacBits)) & dmask;
        drive[r] = qx[r] < 0 ? -mag : mag;
      }
      if (!noisy)
        for (int64_t r = 0; r < k; ++r)
          drive32[r] = int32_t(drive[r]); // |drive| < 2^16
      for (int64_t g0 = 0; g0 < k && !redo; g0 += cfg.parallelRows) {
        const int64_t g1 = std::min(k, g0 + cfg.parallelRows);
        // A group with no driven row reads 0 on every column (with or
        // without IR drop): codes 0, no clipping, nothing to add. Output
        // noise still has to be drawn, so only skip without it.
        if (!outRng && std::all_of(drive.begin() + g0, drive.begin() + g1,
                                   [](int64_t d) { return d == 0; }))
          continue;
        for (int64_t s = 0; s < slices && !redo; ++s) {
          const int shift = int(j * cfg.dacBits + cfg.sliceShift(s));
          const int64_t sign = cfg.sliceSign(s);
          // The reference column is read with its slice only.
          const int64_t cols = s == refSlice ? ld : n;
          if (noisy) {
            clipped |= noisyConversion(drive.data(), g0, g1, s, cols, shift,
                                       sign, last, outRng, acc.data(),
                                       noisySum, scratch);
          } else {
            const int16_t *slice = sliceDiff.data() + s * k * ld;
            if (width == 16) {
              groupSums16(slice, drive32.data(), g0, g1, cols, ld,
                          sum16.data());
              std::copy(sum16.begin(), sum16.begin() + cols, colSum.begin());
            } else if (width == 32) {
              groupSums32(slice, drive32.data(), g0, g1, cols, ld,
                          sum32.data());
              std::copy(sum32.begin(), sum32.begin() + cols, colSum.begin());
            } else {
              groupSums64(slice, drive32.data(), g0, g1, cols, ld,
                          colSum.data());
            }
            const int64_t weight = sign * (int64_t(1) << shift);
            // Only a try that may be redone needs to know about clipping.
            if (lossless && last) {
              for (int64_t c = 0; c < cols; ++c)
                acc[c] += std::clamp(colSum[c], lo, l) * weight;
            } else {
              for (int64_t c = 0; c < cols; ++c) {
                int64_t code = colSum[c];
                if (!lossless)
                  code = int64_t(roundHalfEven(double(code) / step));
                clipped |= code > l || code < -l;
                acc[c] += std::clamp(code, lo, l) * weight;
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
  const int64_t ref = refSlice >= 0 ? acc[n] : 0;
  for (int64_t c = 0; c < n; ++c)
    y[c] = float((((double(acc[c] - ref) * step) * scale) * scaleW[c]) * gdc);
  return retries;
}

} // namespace imc::sim
