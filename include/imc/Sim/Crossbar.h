//===- Crossbar.h - functional model of one crossbar tile --------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The quantized MVM scheme (docs/quantization.md), step by step:
//  1. weights: per tile column n, s_w[n] = max_k |W[k,n]| / Lw with
//     Lw = 2^(wb-1) - 1; codes q = clamp(rne(W / s_w), -Lw, Lw); stored
//     as the weight mapping says (hw::XbarPrecision::sliceValue): a
//     differential pair of magnitudes (q+ = max(q,0), q- = max(-q,0)) in
//     S = ceil((wb-1)/c) slices of c bits, least significant first; or
//     offset binary u = q + 2^(wb-1) in ceil(wb/c) slices plus a reference
//     column of level 2^((wb-1) mod c) read with slice floor((wb-1)/c); or
//     the low wb-1 bits of the two's complement in ceil((wb-1)/c) slices and
//     the sign in one more, weighted -2^(wb-1).
//  2. inputs: per vector, s_x = input_bound * max_k |x_k| / La, La =
//     2^(ab-1) - 1 (unsigned inputs: 2^ab - 1; input_bound in (0, 1],
//     default 1: abs-max noise management; below 1 the DAC's range is that
//     fraction of the abs-max and larger inputs clip); codes qx =
//     clamp(rne(x / s_x), -La, La) (unsigned: and >= 0), s_x computed as
//     (input_bound * max) / La; the magnitude is applied in C =
//     ceil((ab-1)/d) DAC cycles of d bits (unsigned: ceil(ab/d)), the sign
//     by the DAC polarity.
//  3. each conversion sums P = parallel_rows rows of one slice column:
//     v = sum_k sign_k chunk_j(|qx_k|) D_s[k] (the cell values; a pair's
//     difference); the ADC of b bits has full scale FS = P (2^d-1)(2^c-1),
//     codes [-L, L] with L = 2^(b-1)-1 when sums can be negative, else
//     [0, L] with L = 2^b - 1; its range is R = adc_range * FS (adc_range
//     in (0, 1], default 1): if R <= L, step = 1 and code = clamp(v), else
//     step = R / L and code = clamp(rne(v / step)).
//  4. shift-and-add in integers: acc = sum code * sign_s 2^(d j + shift_s),
//     less the reference column's conversions (offset);
//     y = f32(((acc * step) * s_x) * s_w[n]) in double.
//  5. bound management (optional, bmMaxIterations = B > 0): if any
//     conversion of a vector clips (|rne(v / step)| > L), the vector is
//     redone with s_x replaced by 2^i s_x (try i = 1 .. B; the codes are
//     re-quantized, the dequantization uses 2^i s_x); the first try without
//     clipping, or try B, is kept.
// rne is round-half-to-even. Ideal mode skips all of it: y = f32(sum x W) in
// double.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_CROSSBAR_H
#define IMC_SIM_CROSSBAR_H

#include "imc/Hardware/Codes.h"
#include "imc/Hardware/Precision.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace imc::sim {

class DeviceModel;
class Rng;

/// Device noise for --mode noisy (docs/noise.md): each slice cell of the
/// differential pair is a device programmed to its level's conductance,
/// level / (2^c - 1) x gmax, and read `driftTime` seconds after programming;
/// column sums are then real-valued (in level units) before the same ADC.
/// With `gdc`, global drift compensation scales the tile's outputs by the
/// ratio of a probe response (all rows driven) before and after drift.
///
/// Peripheral non-idealities (noisy mode only): `outputNoise` adds a Gaussian
/// of sigma = outputNoise x adc_range x FS to each conversion's column sum
/// before the ADC; `irDrop` (> 0) attenuates each row's current by the
/// first-order voltage drop along the bit line (docs/noise.md, "IR drop").
struct NoiseSpec {
  const DeviceModel *model = nullptr;
  uint64_t seed = 0;
  double driftTime = 0;
  bool gdc = true;
  double outputNoise = 0;
  double irDrop = 0;
};

/// Peripheral and precision settings of one tile: the precision (slices,
/// cycles, full scale: hw::XbarPrecision, the one copy of those rules) and
/// the peripherals' ranges.
struct XbarConfig : hw::XbarPrecision {
  /// The ADC's range as a fraction of FS, in (0, 1].
  double adcRange = 1.0;
  /// The DAC's range as a fraction of the vector's abs-max, in (0, 1].
  double inputBound = 1.0;
  /// Bound-management retries per vector; 0 turns it off.
  int64_t bmMaxIterations = 0;

  /// Conversion step in column-sum units: adcRange * FS / L, or 1 when that
  /// range fits in L codes (the ADC is then lossless up to clipping at L).
  double adcStep() const;
};

// roundHalfEven, clampCode and quantize: the one copy is in
// imc/Hardware/Codes.h (the cost model counts programmed levels with it).
using hw::clampCode;
using hw::quantize;
using hw::roundHalfEven;

/// quantize() of a row of inputs at one scale into 32-bit codes (maxCode <
/// 2^30): q[r] = quantize(x[r], scale, maxCode), bit for bit, computed
/// without branches so that it vectorizes.
void quantizeRow(const float *x, int64_t k, double scale, int64_t maxCode,
                 int32_t *q);

/// The ADC of step 3: returns the integer code for column sum `v` (clipped
/// to [-L, L]).
int64_t adcConvert(int64_t v, const XbarConfig &cfg);

/// Threads the functional engine uses: $IMC_NUM_THREADS if set (>= 1), else
/// the hardware's concurrency.
int simThreads();

/// A programmed tile: weight codes and per-column scales (quantized mode), or
/// the float weights (ideal mode).
class CrossbarTile {
public:
  CrossbarTile(const float *weights, int64_t rows, int64_t cols,
               const XbarConfig &cfg, bool quantized,
               const NoiseSpec *noise = nullptr);

  /// y[m, :] = x[m, :] * W for `vectors` rows of x (row-major, rows() wide).
  /// Large calls are split over simThreads() threads; results do not depend
  /// on the thread count. With output noise, vector m of the call draws from
  /// its own stream, seeded from the tile's seed, `stream` (the simulator
  /// passes the xbar.mvm's result id) and m. Returns the number of
  /// bound-management retries.
  int64_t mvm(const float *x, int64_t vectors, float *y,
              uint64_t stream = 0) const;

  int64_t rows() const { return k; }
  int64_t cols() const { return n; }
  /// Per-column weight scales (quantized mode).
  const std::vector<double> &weightScales() const { return scaleW; }
  /// The drift-compensation factor applied to the outputs (noisy mode).
  double gdcScale() const { return gdc; }

private:
  void mvmIdeal(const float *x, float *y) const;
  /// Returns the bound-management retries of this vector.
  int64_t mvmQuantized(const float *x, float *y, Rng *outRng) const;
  /// One conversion of noisy mode (rows [g0, g1), slice s, the first
  /// `cols` columns): real-valued sums, output noise from `outRng` if set,
  /// ADC, added to `acc` times sign * 2^shift. Returns whether a code
  /// clipped (only when !last).
  bool noisyConversion(const int64_t *drive, int64_t g0, int64_t g1, int64_t s,
                       int64_t cols, int shift, int64_t sign, bool last,
                       Rng *outRng, int64_t *acc, std::vector<double> &sums,
                       std::vector<double> &scratch) const;
  /// Noisy column sums of one conversion (rows [g0, g1), slice s, the first
  /// `cols` columns) with the first-order IR drop of docs/noise.md;
  /// `scratch` holds 2 (g1-g0+1) cols.
  void irDropSums(const int64_t *drive, int64_t g0, int64_t g1, int64_t s,
                  int64_t cols, double *sums,
                  std::vector<double> &scratch) const;

  int64_t k, n;
  int64_t ld = 0;        // columns per slice row: n + reference columns
  int64_t refSlice = -1; // offset mapping: the reference column's slice
  XbarConfig cfg;
  bool quantized;
  std::vector<float> weights;     // ideal: k x n floats
  std::vector<double> scaleW;     // quantized: per column
  std::vector<int16_t> sliceDiff; // quantized: [slice][k][ld] of the
                                  // cells' values (sliceValue; the
                                  // differential slice_s(q+) - slice_s(q-)
                                  // needs 9 bits for 8-bit cells)
  std::vector<int16_t> codes;     // quantized with an exact ADC: the signed
                                  // weight codes q, [k][n]
  std::vector<float> levelDiff;   // noisy: the same, from read conductances
  double gdc = 1.0;
  uint64_t seed = 0;      // noisy: the tile's seed
  double outputNoise = 0; // noisy: NoiseSpec::outputNoise
  double irDrop = 0;      // noisy: NoiseSpec::irDrop
};

} // namespace imc::sim

#endif // IMC_SIM_CROSSBAR_H
