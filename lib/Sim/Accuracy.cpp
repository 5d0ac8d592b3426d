//===- Accuracy.cpp - the co-optimizer's accuracy proxy -------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Accuracy.h"
#include "imc/Sim/Device.h"
#include "imc/Sim/PcmModel.h"
#include "imc/Sim/RramModel.h"
#include "imc/Sim/StuckAtModel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace imc::sim {

std::shared_ptr<DeviceModel> deviceModel(const hw::DeviceParams &d) {
  std::shared_ptr<DeviceModel> m;
  if (d.model == "pcm")
    m = std::make_shared<PcmModel>(d.gmaxUS);
  else
    m = std::make_shared<RramModel>(d.gmaxUS,
                                    d.model == "rram" ? d.rramSigma : 0.0);
  if (d.stuckAt0 > 0 || d.stuckAtMax > 0)
    m = std::make_shared<StuckAtModel>(m, d.stuckAt0, d.stuckAtMax);
  return m;
}

XbarConfig xbarConfig(const hw::Target &t, const hw::XbarPrecision &p) {
  XbarConfig c;
  static_cast<hw::XbarPrecision &>(c) = p;
  c.adcRange = t.adcRange;
  c.inputBound = t.inputBound;
  c.bmMaxIterations = t.boundManagement == "iterative" ? t.bmMaxIterations : 0;
  return c;
}

namespace {
int64_t calibrationCols(const hw::Target &t) {
  return std::min<int64_t>(t.weightColsPerArray(), kCalibrationCols);
}

/// Standard normal numbers from a fixed seed (Rng and gaussian: Device.h).
std::vector<float> normals(size_t n, uint64_t seed, bool absolute) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float &x : v) {
    const double g = gaussian(rng);
    x = float(absolute ? std::fabs(g) : g);
  }
  return v;
}

double relativeError(const std::vector<float> &y,
                     const std::vector<double> &exact) {
  double num = 0, den = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double d = double(y[i]) - exact[i];
    num += d * d;
    den += exact[i] * exact[i];
  }
  return den > 0 ? std::sqrt(num / den) : 0.0;
}
} // namespace

std::string calibrationKey(const hw::Target &t, double driftSeconds) {
  const hw::XbarPrecision p = t.precision();
  const hw::DeviceParams &d = t.device;
  return fmt::format("{} {} | {} {} {} {} {} {} {} {} | {} {} {} {} | "
                     "{} {} {} {} {} {} {} | {}",
                     t.rows, calibrationCols(t), p.weightBits, p.cellBits,
                     p.inputBits, p.dacBits, p.adcBits, p.parallelRows,
                     int(p.mapping), int(t.unsignedActivations), t.adcRange,
                     t.inputBound, t.boundManagement, t.bmMaxIterations,
                     d.model, d.gmaxUS, d.rramSigma, d.stuckAt0, d.stuckAtMax,
                     d.outputNoise, d.irDrop, driftSeconds);
}

MvmError calibrationError(const hw::Target &t, double driftSeconds) {
  const int64_t k = t.rows, n = calibrationCols(t), m = kCalibrationVectors;
  const std::vector<float> w = normals(size_t(k * n), 0x5eed0001, false);
  const std::vector<float> x =
      normals(size_t(m * k), 0x5eed0002, t.unsignedActivations);
  std::vector<double> exact(size_t(m * n), 0.0);
  for (int64_t v = 0; v < m; ++v)
    for (int64_t r = 0; r < k; ++r) {
      const double xv = x[size_t(v * k + r)];
      for (int64_t c = 0; c < n; ++c)
        exact[size_t(v * n + c)] += xv * double(w[size_t(r * n + c)]);
    }
  hw::XbarPrecision p = t.precision();
  p.unsignedInput = t.unsignedActivations;
  const XbarConfig cfg = xbarConfig(t, p);
  MvmError e;
  std::vector<float> y(size_t(m * n));
  {
    CrossbarTile tile(w.data(), k, n, cfg, /*quantized=*/true);
    tile.mvm(x.data(), m, y.data());
    e.quantized = relativeError(y, exact);
  }
  const std::shared_ptr<DeviceModel> device = deviceModel(t.device);
  NoiseSpec noise;
  noise.model = device.get();
  noise.seed = 0x5eed0003;
  noise.driftTime = driftSeconds;
  noise.gdc = true;
  noise.outputNoise = t.device.outputNoise;
  noise.irDrop = t.device.irDrop;
  CrossbarTile tile(w.data(), k, n, cfg, /*quantized=*/false, &noise);
  tile.mvm(x.data(), m, y.data());
  e.noisy = relativeError(y, exact);
  return e;
}

} // namespace imc::sim
