//===- RramModel.h - RRAM programming noise model ---------------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_RRAMMODEL_H
#define IMC_SIM_RRAMMODEL_H

#include "imc/Sim/Device.h"

namespace imc::sim {

/// RRAM-style Gaussian programming noise, sigma = `relSigma` x gmax; no drift
/// and no read noise.
class RramModel : public DeviceModel {
public:
  RramModel(double gmax, double relSigma) : DeviceModel(gmax), rel(relSigma) {}
  std::string name() const override { return "rram"; }
  using DeviceModel::program;
  Cell program(const Level &lv, Rng &rng) const override;
  using DeviceModel::read;
  double read(const Cell &c, const ReadTime &, Rng &) const override {
    return c.gProg;
  }

private:
  double rel;
};

} // namespace imc::sim

#endif // IMC_SIM_RRAMMODEL_H
