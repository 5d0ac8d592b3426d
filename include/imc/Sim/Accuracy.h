//===- Accuracy.h - the co-optimizer's accuracy proxy -------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// How much a target's crossbars distort a matrix-vector product: one tile of
// the target's geometry, programmed with a fixed calibration matrix and fed
// fixed calibration vectors through the functional model (Crossbar.h: the
// weight, input and ADC quantization, and the target's device noise), its
// outputs against the exact products. A property of the design's
// precisions, peripherals and device, not of a network: the co-optimizer
// computes it once per distinct setting (docs/coopt.md, "Accuracy proxy").
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_ACCURACY_H
#define IMC_SIM_ACCURACY_H

#include "imc/Hardware/Target.h"
#include "imc/Sim/Crossbar.h"

#include <memory>
#include <string>

namespace imc::sim {

class DeviceModel;

/// The device model a target's `device` section names (docs/noise.md).
std::shared_ptr<DeviceModel> deviceModel(const hw::DeviceParams &d);

/// A tile's configuration on target `t` at precision `p`: the precision
/// and the target's peripherals (ADC range, DAC range, bound management).
XbarConfig xbarConfig(const hw::Target &t, const hw::XbarPrecision &p);

/// The calibration problem: a `rows` x `cols` matrix of standard normal
/// weights and `kCalibrationVectors` vectors of standard normal inputs
/// (their absolute values when the target's inputs may be unsigned: inputs
/// after a ReLU), from fixed seeds; rows = the array's rows, cols = its
/// weight columns, at most kCalibrationCols.
constexpr int64_t kCalibrationVectors = 32;
constexpr int64_t kCalibrationCols = 32;

/// The relative RMS error of the tile's outputs, ||Y - XW||_F / ||XW||_F,
/// on target `t`: quantized (precisions and peripherals only) and noisy
/// (with the device model, read `driftSeconds` after programming, global
/// drift compensation on, programming seed fixed).
struct MvmError {
  double quantized = 0;
  double noisy = 0;
};
MvmError calibrationError(const hw::Target &t, double driftSeconds = 0);

/// Everything calibrationError reads from `t`, as a key: targets with equal
/// keys have equal errors.
std::string calibrationKey(const hw::Target &t, double driftSeconds = 0);

} // namespace imc::sim

#endif // IMC_SIM_ACCURACY_H
