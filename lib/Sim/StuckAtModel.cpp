//===- StuckAtModel.cpp - stuck-at faults over another model --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/StuckAtModel.h"

#include <algorithm>
#include <cmath>

namespace imc::sim {

Cell StuckAtModel::program(const Level &lv, Rng &rng) const {
  const double u = double(rng() >> 11) * 0x1.0p-53;
  Cell c = inner->program(lv, rng);
  if (u < p0) {
    c.gProg = 0;
    c.nu = -1; // marks a stuck device
  } else if (u < p0 + p1) {
    c.gProg = gMax;
    c.nu = -1;
  }
  return c;
}

double StuckAtModel::read(const Cell &c, const ReadTime &rt, Rng &rng) const {
  return c.nu < 0 ? c.gProg : inner->read(c, rt, rng);
}

} // namespace imc::sim
