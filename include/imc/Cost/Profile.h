//===- Profile.h - a workload profile and its fast evaluation ----*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A workload profile is what costing a network on any target needs, without
// compiling it for that target: the network compiled once all-digital (every
// weight-stationary product a dpu.matmul; no weights' values, only their
// shapes), and per weight matrix its block structure and non-zeros. The
// evaluator maps, tiles and lowers each product for a target exactly as
// imc-map, imc-tile and convert-imc-to-xbar do, feeds the result to the
// WorkloadBuilder, and costs it with evaluate: the same report as
// cost::estimate on the program compiled for that target
// (docs/cost-model.md, "Profiles").
//
//===----------------------------------------------------------------------===//

#ifndef IMC_COST_PROFILE_H
#define IMC_COST_PROFILE_H

#include "imc/Cost/Report.h"
#include "imc/Cost/Workload.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Codes.h"
#include "imc/Hardware/Target.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace imc::cost {

/// A weight matrix of the profile: the constant right operand `value` of a
/// dpu.matmul, `rows` x `cols`, block-diagonal with `groups` equal diagonal
/// blocks (1: dense) outside of which every weight is zero; `nonZeros` in
/// all, `zerosInBlocks` of them zero inside the diagonal blocks.
struct ProfileWeight {
  uint32_t value = 0;
  int64_t rows = 0, cols = 0;
  int64_t groups = 1;
  int64_t nonZeros = 0;
  int64_t zerosInBlocks = 0;
  /// The conductance levels its tiles are programmed with (hw::levelSums),
  /// for arrays of `rows` rows: every power of two below the weight's rows,
  /// then the weight's rows (any array at least that tall), in increasing
  /// order.
  struct Levels {
    int64_t rows = 0;
    hw::LevelTable sums{};
  };
  std::vector<Levels> levels;
  /// The levels of a tiling into blocks of `tileRows` rows, or nullptr when
  /// the profile does not hold them.
  const Levels *levelsFor(int64_t tileRows) const;
};

struct Profile {
  std::string name;
  /// The all-digital program; its constants carry no data.
  format::Program program;
  std::vector<ProfileWeight> weights; ///< in program order of their matmuls
};

/// The profile of an all-digital program (imc.profile and imc-opt
/// --imc-profile make it; see lib/Pipeline): the weight structure is read
/// from the constants, which the profile then drops.
/// `parallel(n, body)` runs body(0) ... body(n - 1), on several threads if
/// it likes (lib/Cost has none of its own); by default in order. The result
/// does not depend on it.
using ParallelFor =
    std::function<void(size_t, const std::function<void(size_t)> &)>;
Profile profileOf(const format::Program &allDigital, std::string name,
                  const ParallelFor &parallel = {});

/// Profiles as JSON (docs/cost-model.md, "Profiles"): one profile, or a
/// list of them (a multi-workload profile).
std::string profilesToJson(const std::vector<Profile> &profiles);
/// Parses and validates profiles (untrusted input: every field checked,
/// one-line errors naming what is wrong).
std::optional<std::vector<Profile>> parseProfiles(const std::string &json,
                                                  std::string &error);

/// The imc-map and imc-tile options the evaluator follows (the defaults of
/// --imc-pipeline).
struct MapOptions {
  std::string policy = "analog"; ///< analog | digital | budget | energy
  double minUtilization = 0.0;
  double maxAnalogRatio = 1.0;
  std::string overrides; ///< layer=xbar|dpu, comma-separated
  std::string replicate = "1";
};

/// The workload the program compiled from `p` for `t` with `o` has, built
/// without compiling. Fails (one line in `error`) on options or weight
/// structures it cannot reproduce exactly.
std::optional<Workload> workloadOf(const Profile &p, const hw::Target &t,
                                   const MapOptions &o, std::string &error);

/// What of a target workloadOf(p, t, o) reads, as a key: two targets with
/// equal keys get workloads that differ at most in their tiles' converters
/// (ADC bits, DAC bits, rows a conversion), which
/// evaluate(w, Model(t), r, Converters::OfTarget) takes from the target, so
/// one workload serves both (the co-optimizer's sharing, docs/coopt.md).
/// std::nullopt when the workload depends on the whole cost model (the
/// energy policy, replicas): no sharing then.
std::optional<std::string> workloadKey(const hw::Target &t,
                                       const MapOptions &o);

/// evaluate(workloadOf(p, t, o)) with the report header set: the report
/// cost::estimate gives for the program compiled for `t`.
bool evaluate(const Profile &p, const hw::Target &t, const MapOptions &o,
              Report &r, std::string &error);

} // namespace imc::cost

#endif // IMC_COST_PROFILE_H
