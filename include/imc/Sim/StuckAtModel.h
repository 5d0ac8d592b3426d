//===- StuckAtModel.h - stuck-at faults over another model ------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_STUCKATMODEL_H
#define IMC_SIM_STUCKATMODEL_H

#include "imc/Sim/Device.h"

#include <memory>

namespace imc::sim {

/// Stuck-at faults on top of another model: with probability p0 a device is
/// stuck at 0 uS, with p1 at gmax, whatever it was programmed to.
class StuckAtModel : public DeviceModel {
public:
  StuckAtModel(std::shared_ptr<DeviceModel> inner, double p0, double p1)
      : DeviceModel(inner->gmax()), inner(std::move(inner)), p0(p0), p1(p1) {}
  std::string name() const override { return inner->name() + "+stuck-at"; }
  using DeviceModel::program;
  Level level(double gT) const override { return inner->level(gT); }
  Cell program(const Level &lv, Rng &rng) const override;
  using DeviceModel::read;
  ReadTime readTime(double t) const override { return inner->readTime(t); }
  double read(const Cell &c, const ReadTime &rt, Rng &rng) const override;

private:
  std::shared_ptr<DeviceModel> inner;
  double p0, p1;
};

} // namespace imc::sim

#endif // IMC_SIM_STUCKATMODEL_H
