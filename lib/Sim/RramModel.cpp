//===- RramModel.cpp - RRAM programming noise model -----------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/RramModel.h"

#include <algorithm>
#include <cmath>

namespace imc::sim {

Cell RramModel::program(const Level &lv, Rng &rng) const {
  Cell c;
  c.gProg = std::clamp(lv.gT + rel * gMax * gaussian(rng), 0.0, gMax);
  return c;
}

} // namespace imc::sim
