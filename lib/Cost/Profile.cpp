//===- Profile.cpp - a workload profile and its fast evaluation -----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// workloadOf(Profile) mirrors, for one target, imc-map (the policies and
// their utilization), TilePlan/imc-tile (row and column blocks, all-zero
// blocks dropped, partial sums accumulated, column blocks inserted) and
// convert-imc-to-xbar (tiles numbered in program order, at the target's
// precision). The GoogleTest ProfileTest compares the result with
// cost::estimate on the compiled program, network by network and target by
// target: any drift between this file and those passes fails it.
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Profile.h"
#include "imc/Cost/Placement.h"
#include "imc/Cost/Replicate.h"
#include "imc/Support/MapPolicy.h"
#include "imc/Support/Overrides.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <tuple>
#include <utility>

namespace imc::cost {

using format::Instr;
using format::Opcode;
using format::Program;
using json = nlohmann::json;

/// Version 2 added the weights' cell levels.
/// 3: level tables per weight mapping (2: differential only; 1: none).
constexpr int64_t kProfileVersion = 3;

//===----------------------------------------------------------------------===//
// Building a profile
//===----------------------------------------------------------------------===//

/// The structure of a K x N matrix: the largest G (dividing K and N) for
/// which every non-zero lies in one of G equal diagonal blocks, and the
/// zeros inside those blocks.
static ProfileWeight structureOf(const std::vector<float> &data, int64_t k,
                                 int64_t n, bool splat) {
  ProfileWeight w;
  w.rows = k;
  w.cols = n;
  if (splat) {
    const bool zero = data.empty() || data[0] == 0.0f;
    w.nonZeros = zero ? 0 : k * n;
    w.zerosInBlocks = zero ? k * n : 0;
    return w;
  }
  for (float v : data)
    w.nonZeros += v != 0.0f;
  const int64_t g0 = std::gcd(k, n);
  for (int64_t g = g0; g >= 1; --g) {
    if (g0 % g)
      continue;
    const int64_t bk = k / g, bn = n / g;
    bool diagonal = true;
    int64_t inside = 0; // non-zeros inside the diagonal blocks
    for (int64_t r = 0; r < k && diagonal; ++r) {
      const int64_t gr = r / bk;
      for (int64_t c = 0; c < n; ++c) {
        const bool nz = data[r * n + c] != 0.0f;
        if (c / bn == gr)
          inside += nz;
        else if (nz) {
          diagonal = false;
          break;
        }
      }
    }
    if (!diagonal)
      continue;
    w.groups = g;
    w.zerosInBlocks = g * bk * bn - inside;
    return w;
  }
  return w; // g = 1 always succeeds
}

const ProfileWeight::Levels *ProfileWeight::levelsFor(int64_t tileRows) const {
  if (levels.empty())
    return nullptr;
  if (tileRows >= rows)
    return levels.back().rows == rows ? &levels.back() : nullptr;
  for (const Levels &l : levels)
    if (l.rows == tileRows)
      return &l;
  return nullptr;
}

/// The level tables of a weight: every power-of-two array height below its
/// rows, then its rows (the heights are independent: each table is computed
/// whole by one call of `parallel`'s body).
static std::vector<ProfileWeight::Levels>
levelTables(const format::Constant &c, int64_t k, int64_t n,
            const ParallelFor &parallel) {
  std::vector<float> dense;
  const float *w = c.data.data();
  if (c.isSplat(k * n)) {
    dense.assign(size_t(k * n), c.data[0]);
    w = dense.data();
  }
  std::vector<ProfileWeight::Levels> out;
  for (int64_t r = 1; r < k; r *= 2)
    out.push_back({r, {}});
  out.push_back({k, {}});
  auto body = [&](size_t i) {
    out[i].sums = hw::levelSums(w, k, n, out[i].rows);
  };
  if (parallel)
    parallel(out.size(), body);
  else
    for (size_t i = 0; i < out.size(); ++i)
      body(i);
  return out;
}

Profile profileOf(const Program &allDigital, std::string name,
                  const ParallelFor &parallel) {
  Profile p;
  p.name = std::move(name);
  p.program = allDigital;
  std::map<uint32_t, const format::Constant *> constants;
  for (const format::Constant &c : allDigital.constants)
    constants[c.value] = &c;
  std::vector<char> seen(allDigital.values.size(), 0);
  for (const Instr &in : allDigital.code) {
    if (in.op != Opcode::DpuMatmul || seen[in.operands[1]])
      continue;
    auto it = constants.find(in.operands[1]);
    if (it == constants.end())
      continue;
    seen[in.operands[1]] = 1;
    const auto &shape = allDigital.values[in.operands[1]].shape;
    const int64_t elements = shape[0] * shape[1];
    ProfileWeight w = structureOf(it->second->data, shape[0], shape[1],
                                  it->second->isSplat(elements));
    w.value = in.operands[1];
    w.levels = levelTables(*it->second, shape[0], shape[1], parallel);
    p.weights.push_back(w);
  }
  // The values are not needed: every constant becomes a splat zero.
  for (format::Constant &c : p.program.constants)
    c.data.assign(1, 0.0f);
  return p;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static const char kB64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static std::string base64(const std::vector<uint8_t> &in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const uint32_t b = uint32_t(in[i]) << 16 |
                       (i + 1 < in.size() ? uint32_t(in[i + 1]) << 8 : 0) |
                       (i + 2 < in.size() ? uint32_t(in[i + 2]) : 0);
    out += kB64[b >> 18 & 63];
    out += kB64[b >> 12 & 63];
    out += i + 1 < in.size() ? kB64[b >> 6 & 63] : '=';
    out += i + 2 < in.size() ? kB64[b & 63] : '=';
  }
  return out;
}

static std::optional<std::vector<uint8_t>> unbase64(const std::string &in) {
  if (in.size() % 4)
    return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(in.size() / 4 * 3);
  auto val = [](char c) -> int {
    const char *p = std::strchr(kB64, c);
    return c && p ? int(p - kB64) : -1;
  };
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad || (v[j] = val(c)) < 0)
        return std::nullopt;
    }
    const uint32_t b = uint32_t(v[0]) << 18 | uint32_t(v[1]) << 12 |
                       uint32_t(v[2]) << 6 | uint32_t(v[3]);
    out.push_back(uint8_t(b >> 16));
    if (pad < 2)
      out.push_back(uint8_t(b >> 8));
    if (pad < 1)
      out.push_back(uint8_t(b));
  }
  return out;
}

std::string profilesToJson(const std::vector<Profile> &profiles) {
  json list = json::array();
  for (const Profile &p : profiles) {
    json j;
    j["format"] = "imc-profile";
    j["version"] = kProfileVersion;
    j["name"] = p.name;
    json ws = json::array();
    for (const ProfileWeight &w : p.weights) {
      json levels = json::array();
      for (const ProfileWeight::Levels &l : w.levels) {
        json row = json::array({l.rows});
        for (int64_t v : l.sums)
          row.push_back(v);
        levels.push_back(std::move(row));
      }
      ws.push_back({{"value", w.value},
                    {"rows", w.rows},
                    {"cols", w.cols},
                    {"groups", w.groups},
                    {"non_zeros", w.nonZeros},
                    {"zeros_in_blocks", w.zerosInBlocks},
                    {"levels", std::move(levels)}});
    }
    j["weights"] = ws;
    j["program"] = base64(format::serialize(p.program));
    list.push_back(j);
  }
  return (profiles.size() == 1 ? list[0] : list).dump(1);
}

namespace {
struct ProfileError {
  std::string message;
};

int64_t integer(const json &o, const char *key, int64_t lo, int64_t hi) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer())
    throw ProfileError{fmt::format("'{}' must be an integer", key)};
  const int64_t v =
      it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
          ? INT64_MAX
          : it->get<int64_t>();
  if (v < lo || v > hi)
    throw ProfileError{
        fmt::format("'{}' must be in [{}, {}], got {}", key, lo, hi, v)};
  return v;
}

/// The level tables of weight `w` (ProfileWeight::levels): heights 1, 2, 4,
/// ... below its rows, then its rows; each sum at most what its tiles can
/// hold.
std::vector<ProfileWeight::Levels> readLevels(const json &o,
                                              const ProfileWeight &w) {
  auto it = o.find("levels");
  auto bad = [&](const std::string &why) {
    return ProfileError{fmt::format("weight %{}: 'levels' {}", w.value, why)};
  };
  if (it == o.end() || !it->is_array())
    throw bad("must be an array");
  std::vector<ProfileWeight::Levels> out;
  int64_t expect = 1;
  // A weight code has at most weight_bits - 1 magnitude bits, so its digits
  // sum to at most 15 x 255 levels (cell_bits 8).
  const double most = double(w.rows) * double(w.cols) * 15.0 * 255.0;
  for (const json &row : *it) {
    if (!row.is_array() || row.size() != 1 + hw::LevelTable().size())
      throw bad(fmt::format("entries must be arrays of {} integers",
                            1 + hw::LevelTable().size()));
    ProfileWeight::Levels l;
    const int64_t want = std::min(expect, w.rows);
    if (!row[0].is_number_integer() || row[0].get<int64_t>() != want)
      throw bad(fmt::format("entry {} must be for {} rows", out.size(), want));
    l.rows = want;
    for (size_t i = 0; i < l.sums.size(); ++i) {
      const json &v = row[i + 1];
      if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
          double(v.get<int64_t>()) > most)
        throw bad(fmt::format("entry {}: sums must be integers in [0, {}]",
                              out.size(), most));
      l.sums[i] = v.get<int64_t>();
    }
    out.push_back(l);
    if (want == w.rows)
      break;
    expect *= 2;
  }
  if (out.empty() || out.back().rows != w.rows || out.size() != it->size())
    throw bad("must hold heights 1, 2, 4, ... below the weight's rows, then "
              "its rows");
  return out;
}

Profile readProfile(const json &j) {
  if (!j.is_object())
    throw ProfileError{"a profile must be a JSON object"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "format" && it.key() != "version" && it.key() != "name" &&
        it.key() != "weights" && it.key() != "program")
      throw ProfileError{
          fmt::format("unknown field {}", quoteForMessage(it.key()))};
  if (!j.contains("format") || j["format"] != "imc-profile")
    throw ProfileError{"'format' must be \"imc-profile\""};
  if (integer(j, "version", 1, kProfileVersion) != kProfileVersion)
    throw ProfileError{fmt::format(
        "version {} profiles lack the cell levels of every weight mapping: "
        "make the profile again (version {})",
        j["version"].get<int64_t>(), kProfileVersion)};
  Profile p;
  if (!j.contains("name") || !j["name"].is_string())
    throw ProfileError{"'name' must be a string"};
  p.name = j["name"].get<std::string>();
  if (std::string e = format::checkString(p.name); !e.empty())
    throw ProfileError{"'name' " + e};
  if (!j.contains("program") || !j["program"].is_string())
    throw ProfileError{"'program' must be a base64 string"};
  std::optional<std::vector<uint8_t>> bytes =
      unbase64(j["program"].get<std::string>());
  if (!bytes)
    throw ProfileError{"'program' is not valid base64"};
  std::string why;
  std::optional<Program> prog =
      format::deserialize(bytes->data(), bytes->size(), why);
  if (!prog)
    throw ProfileError{"program: " + why};
  std::optional<hw::Target> t =
      hw::parseTarget(prog->targetJson, "program TARGET section", why);
  if (!t)
    throw ProfileError{why};
  if (std::string e = format::verifyProgram(*prog, *t); !e.empty())
    throw ProfileError{"program: " + e};
  if (std::string e = checkCostable(*prog, *t); !e.empty())
    throw ProfileError{"program: " + e};
  for (const Instr &in : prog->code)
    if (in.op == Opcode::XbarProgram || in.op == Opcode::XbarMvm ||
        in.op == Opcode::XbarAccumulate)
      throw ProfileError{"program: a profile's program is all-digital, "
                         "found a crossbar instruction"};
  p.program = std::move(*prog);
  if (!j.contains("weights") || !j["weights"].is_array())
    throw ProfileError{"'weights' must be an array"};
  // Which constants are right operands of a dpu.matmul.
  std::vector<char> isConstant(p.program.values.size(), 0),
      isRhs(p.program.values.size(), 0), used(p.program.values.size(), 0);
  for (const format::Constant &c : p.program.constants)
    isConstant[c.value] = 1;
  for (const Instr &in : p.program.code)
    if (in.op == Opcode::DpuMatmul)
      isRhs[in.operands[1]] = 1;
  for (const json &o : j["weights"]) {
    if (!o.is_object())
      throw ProfileError{"each weight must be an object"};
    for (auto f = o.begin(); f != o.end(); ++f)
      if (f.key() != "value" && f.key() != "rows" && f.key() != "cols" &&
          f.key() != "groups" && f.key() != "non_zeros" &&
          f.key() != "zeros_in_blocks" && f.key() != "levels")
        throw ProfileError{
            fmt::format("unknown weight field {}", quoteForMessage(f.key()))};
    ProfileWeight w;
    w.value = uint32_t(integer(o, "value", 0, int64_t(UINT32_MAX)));
    if (w.value >= p.program.values.size() || !isConstant[w.value] ||
        !isRhs[w.value] || used[w.value])
      throw ProfileError{fmt::format(
          "weight %{} is not a constant right operand of a dpu.matmul, or "
          "listed twice",
          w.value)};
    used[w.value] = 1;
    const auto &shape = p.program.values[w.value].shape;
    w.rows = integer(o, "rows", 1, INT64_MAX);
    w.cols = integer(o, "cols", 1, INT64_MAX);
    if (shape.size() != 2 || shape[0] != w.rows || shape[1] != w.cols)
      throw ProfileError{fmt::format("weight %{}: rows and cols do not match "
                                     "its shape",
                                     w.value)};
    w.groups = integer(o, "groups", 1, std::min(w.rows, w.cols));
    if (w.rows % w.groups || w.cols % w.groups)
      throw ProfileError{fmt::format("weight %{}: groups must divide rows "
                                     "and cols",
                                     w.value)};
    const int64_t inBlocks = w.rows / w.groups * w.cols; // = G bk bn
    w.nonZeros = integer(o, "non_zeros", 0, inBlocks);
    w.zerosInBlocks = integer(o, "zeros_in_blocks", 0, inBlocks);
    if (w.nonZeros + w.zerosInBlocks != inBlocks)
      throw ProfileError{fmt::format("weight %{}: non_zeros + zeros_in_blocks "
                                     "must equal the weights of its blocks",
                                     w.value)};
    w.levels = readLevels(o, w);
    p.weights.push_back(w);
  }
  for (const Instr &in : p.program.code)
    if (in.op == Opcode::DpuMatmul && isConstant[in.operands[1]] &&
        !used[in.operands[1]])
      throw ProfileError{fmt::format("the constant %{} of a dpu.matmul has no "
                                     "weight entry",
                                     in.operands[1])};
  return p;
}
} // namespace

std::optional<std::vector<Profile>> parseProfiles(const std::string &text,
                                                  std::string &error) {
  try {
    const json j = json::parse(text);
    std::vector<Profile> out;
    if (j.is_array()) {
      if (j.empty())
        throw ProfileError{"an empty list of profiles"};
      for (size_t i = 0; i < j.size(); ++i) {
        try {
          out.push_back(readProfile(j[i]));
        } catch (const ProfileError &e) {
          throw ProfileError{fmt::format("profile {}: {}", i, e.message)};
        }
      }
    } else {
      out.push_back(readProfile(j));
    }
    return out;
  } catch (const ProfileError &e) {
    error = e.message;
  } catch (const json::exception &e) {
    error = fmt::format("invalid JSON: {}", e.what());
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The workload for a target
//===----------------------------------------------------------------------===//

namespace {
/// Most weight blocks one evaluation tiles (the compiler's kMaxWeightBlocks).
constexpr int64_t kMaxBlocks = int64_t(1) << 20;

/// One weight-stationary product: its matmul and weight, and the decisions.
struct Product {
  size_t instr;
  const ProfileWeight *w;
  std::string layer;
  int64_t macs;
  int64_t tiles = 0, nonZeroWeights = 0;
  double utilization = 0;
  ProductEnergy energy; ///< policy energy only
  bool xbar = false;
};

/// Non-zero weights of the block [r0, r0+nr) x [c0, c0+nc) (exact when the
/// diagonal blocks hold no zero, which the caller checks).
int64_t blockNonZeros(const ProfileWeight &w, int64_t r0, int64_t nr,
                      int64_t c0, int64_t nc) {
  if (w.nonZeros == 0)
    return 0;
  if (w.groups == 1)
    return nr * nc;
  const int64_t bk = w.rows / w.groups, bn = w.cols / w.groups;
  int64_t n = 0;
  for (int64_t g = r0 / bk; g < w.groups && g * bk < r0 + nr; ++g) {
    const int64_t rows = std::min(r0 + nr, (g + 1) * bk) - std::max(r0, g * bk);
    const int64_t cols = std::min(c0 + nc, (g + 1) * bn) - std::max(c0, g * bn);
    if (rows > 0 && cols > 0)
      n += rows * cols;
  }
  return n;
}
} // namespace

std::optional<Workload> workloadOf(const Profile &p, const hw::Target &t,
                                   const MapOptions &o, std::string &error) {
  const Program &prog = p.program;
  if (o.policy != "analog" && o.policy != "digital" && o.policy != "budget" &&
      o.policy != "energy") {
    error = "unknown policy '" + o.policy +
            "' (expected 'analog', 'digital', 'budget' or 'energy')";
    return std::nullopt;
  }
  if (!(o.maxAnalogRatio >= 0.0 && o.maxAnalogRatio <= 1.0) ||
      !(o.minUtilization >= 0.0 && o.minUtilization <= 1.0)) {
    error = "max-analog-ratio and min-utilization must be in [0, 1]";
    return std::nullopt;
  }
  std::map<std::string, bool> pinned; // layer -> xbar?
  if (!parseOverrides(o.overrides, pinned, error))
    return std::nullopt;

  const int64_t tileRows = t.rows, tileCols = t.weightColsPerArray();
  std::vector<const ProfileWeight *> weightOf(prog.values.size(), nullptr);
  for (const ProfileWeight &w : p.weights)
    weightOf[w.value] = &w;

  // imc-map: every product, its MACs, tiles and utilization.
  std::optional<Model> model; // policy energy
  std::vector<Product> products;
  std::vector<int64_t> productOf(prog.code.size(), -1);
  int64_t blocks = 0, columnBlocks = 0;
  for (size_t i = 0; i < prog.code.size(); ++i) {
    const Instr &in = prog.code[i];
    if (in.op != Opcode::DpuMatmul || !weightOf[in.operands[1]])
      continue;
    const ProfileWeight &w = *weightOf[in.operands[1]];
    Product pr{i, &w, prog.strings[in.layer],
               prog.values[in.operands[0]].shape[0] * w.rows * w.cols};
    const int64_t nr = (w.rows + tileRows - 1) / tileRows,
                  nc = (w.cols + tileCols - 1) / tileCols;
    if (nr > kMaxBlocks / nc || nr * nc > kMaxBlocks - blocks) {
      error = fmt::format("layer {}: more than {} weight blocks of the "
                          "target's array, more than imc compiles",
                          quoteForMessage(pr.layer), kMaxBlocks);
      return std::nullopt;
    }
    blocks += nr * nc;
    columnBlocks += nc;
    // Zeros inside the diagonal blocks: the tiling is exact when no tile
    // can be all zero, i.e. when there are fewer such zeros than weights in
    // the smallest tile (they then only lower the non-zero count);
    // otherwise which tiles are dropped depends on where the zeros are.
    int64_t smallest = 0;
    for (int64_t c = 0; c < w.cols; c += tileCols)
      for (int64_t r = 0; r < w.rows; r += tileRows) {
        const int64_t z = blockNonZeros(w, r, std::min(tileRows, w.rows - r), c,
                                        std::min(tileCols, w.cols - c));
        pr.tiles += z > 0;
        pr.nonZeroWeights += z;
        if (z > 0 && (smallest == 0 || z < smallest))
          smallest = z;
      }
    if (w.zerosInBlocks > 0 && w.nonZeros > 0 && (nr > 1 || nc > 1) &&
        w.zerosInBlocks >= smallest) {
      error = fmt::format("layer {}: {} of its weights inside their blocks "
                          "are zero, as many as its smallest tile holds, so "
                          "which tiles are all-zero depends on the values: "
                          "compile for the target instead",
                          quoteForMessage(pr.layer), w.zerosInBlocks);
      return std::nullopt;
    }
    if (w.nonZeros > 0 && w.zerosInBlocks > 0) // every tile keeps a weight
      pr.nonZeroWeights = w.nonZeros;
    if (o.policy == "energy") {
      // imc-map's energy policy on imc-tile's plan (column-block major).
      std::vector<WeightBlock> plan;
      for (int64_t c = 0; c < w.cols; c += tileCols)
        for (int64_t r = 0; r < w.rows; r += tileRows) {
          const int64_t nr = std::min(tileRows, w.rows - r),
                        nc = std::min(tileCols, w.cols - c);
          plan.push_back({r, nr, c, nc, blockNonZeros(w, r, nr, c, nc) == 0});
        }
      if (!model)
        model.emplace(t);
      pr.energy = productEnergy(*model, prog.values[in.operands[0]].shape[0],
                                w.rows, w.cols, w.nonZeros, plan);
    }
    pr.utilization = pr.tiles ? double(pr.nonZeroWeights) /
                                    double(pr.tiles * tileRows * tileCols)
                              : 0.0;
    productOf[i] = int64_t(products.size());
    products.push_back(pr);
  }
  int64_t totalMacs = 0, analogMacs = 0;
  std::vector<Product *> open;
  for (Product &pr : products) {
    totalMacs += pr.macs;
    if (auto it = pinned.find(pr.layer); it != pinned.end()) {
      pr.xbar = it->second;
      analogMacs += pr.xbar ? pr.macs : 0;
    } else {
      open.push_back(&pr);
    }
  }
  for (const auto &[name, engine] : pinned)
    if (std::none_of(products.begin(), products.end(),
                     [&](const Product &pr) { return pr.layer == name; })) {
      error = "override names layer '" + name +
              "', which has no weight-stationary product";
      return std::nullopt;
    }
  if (o.policy == "analog") {
    for (Product *pr : open)
      pr->xbar = !(pr->utilization < o.minUtilization);
  } else if (o.policy == "energy") {
    for (Product *pr : open)
      pr->xbar = pr->energy.crossbarsCostLess();
  } else if (o.policy == "budget") {
    std::stable_sort(open.begin(), open.end(), budgetBefore<Product>);
    for (Product *pr : open) {
      pr->xbar =
          withinAnalogBudget(analogMacs, pr->macs, totalMacs, o.maxAnalogRatio);
      analogMacs += pr->xbar ? pr->macs : 0;
    }
  } // digital: none

  // imc-tile's replication (cost::chooseReplicas), over every crossbar
  // product in program order as the pass sees them (all-zero and dead ones
  // too: they become constants or are dropped only afterwards).
  std::vector<int64_t> replicasOf(products.size(), 1);
  if (o.replicate != "1") {
    std::vector<ReplicaCandidate> cands;
    std::vector<size_t> which;
    for (size_t i = 0; i < products.size(); ++i) {
      const Product &pr = products[i];
      if (!pr.xbar)
        continue;
      const Instr &in = prog.code[pr.instr];
      cands.push_back({pr.tiles, prog.values[in.operands[0]].shape[0],
                       std::min(pr.w->rows, tileRows),
                       std::min(pr.w->cols, tileCols)});
      which.push_back(i);
    }
    if (std::string why = chooseReplicas(cands, o.replicate, Model(t));
        !why.empty()) {
      error = why;
      return std::nullopt;
    }
    int64_t all = 0; // weight blocks after replication, as imc-tile counts
    for (size_t c = 0; c < cands.size(); ++c) {
      const ProfileWeight &w = *products[which[c]].w;
      const int64_t nb = ((w.rows + tileRows - 1) / tileRows) *
                         ((w.cols + tileCols - 1) / tileCols);
      replicasOf[which[c]] = cands[c].replicas;
      if (cands[c].replicas > (kMaxBlocks - all) / std::max<int64_t>(nb, 1)) {
        error =
            fmt::format("layer {}: more than {} weight blocks of the "
                        "target's array with replicas, more than imc "
                        "compiles",
                        quoteForMessage(products[which[c]].layer), kMaxBlocks);
        return std::nullopt;
      }
      all += nb * cands[c].replicas;
    }
  }

  // An analog product whose weights are all zero becomes a constant (no
  // tile): what only fed it is dead and dropped by the compiler's
  // canonicalizer, so it is not costed here either.
  std::vector<char> live(prog.code.size(), 0), needed(prog.values.size(), 0);
  for (uint32_t v : prog.outputs)
    needed[v] = 1;
  for (size_t i = prog.code.size(); i-- > 0;) {
    const Instr &in = prog.code[i];
    if (!needed[in.result])
      continue;
    live[i] = 1;
    if (productOf[i] >= 0 && products[size_t(productOf[i])].xbar &&
        products[size_t(productOf[i])].w->nonZeros == 0)
      continue;
    for (uint32_t o : in.operands)
      needed[o] = 1;
  }

  // Lowering, instruction by instruction; the values the expansion makes
  // are numbered after the program's: a result per product and a sum per
  // column block (more with replicas: the builder grows).
  WorkloadBuilder b(prog.strings, prog.values.size() + size_t(columnBlocks) +
                                      products.size());
  uint32_t fresh = uint32_t(prog.values.size());
  // Unsigned input codes where the target allows them and the input is
  // non-negative, as convert-imc-to-xbar decides.
  std::vector<char> nonNegative;
  if (t.unsignedActivations)
    nonNegative = format::nonNegativeValues(prog);
  std::vector<char> sent(prog.values.size(), 0); // inputs sent to the arrays
  std::map<std::tuple<uint32_t, int64_t, int64_t>, uint32_t> chunkOf;
  for (size_t i = 0; i < prog.code.size(); ++i) {
    const Instr &in = prog.code[i];
    if (!live[i])
      continue;
    if (productOf[i] < 0) {
      b.instr(in, prog.values);
      continue;
    }
    const Product &pr = products[size_t(productOf[i])];
    const ProfileWeight &w = *pr.w;
    if (!pr.xbar) { // the DPU skips the zeros of constant weights
      b.instr(in, prog.values, w.nonZeros);
      continue;
    }
    // imc-tile's tileMvm (TilePlan: row blocks of tileRows, column blocks
    // of tileCols, column-block major; all-zero blocks get no tile), then
    // convert-imc-to-xbar (tiles numbered in that order). Slices of the
    // input and inserts into the result are free views; each column block
    // of several row blocks accumulates its partial sums.
    const uint32_t x0 = in.operands[0];
    hw::XbarPrecision prec = t.precision();
    prec.unsignedInput = t.unsignedActivations && nonNegative[x0];
    const int64_t rowsIn = prog.values[x0].shape[0];
    const int64_t replicas = replicasOf[size_t(productOf[i])];
    const int64_t chunk = replicaChunk(rowsIn, replicas);
    const int64_t nr = (w.rows + tileRows - 1) / tileRows,
                  nc = (w.cols + tileCols - 1) / tileCols;
    const int64_t lastRows = w.rows - (nr - 1) * tileRows;
    const uint32_t result = fresh++;
    // Every tile of the weight multiplies the same vectors: the weight's
    // levels in all go with its first tiles (hw::levelSums).
    const ProfileWeight::Levels *lv = w.levelsFor(tileRows);
    if (!lv) {
      error = fmt::format("layer {}: the profile holds no cell levels for "
                          "arrays of {} rows (it holds powers of two): make "
                          "the profile again",
                          quoteForMessage(pr.layer), tileRows);
      return std::nullopt;
    }
    // The tables count every weight of the matrix; the all-zero blocks
    // that get no tile hold no levels, except that the offset mapping
    // stores a zero as 2^(wb-1): referenceLevel() levels each.
    int64_t dropped = 0;
    if (prec.mapping == hw::WeightMapping::Offset &&
        !(w.groups == 1 && w.nonZeros > 0))
      for (int64_t c0 = 0; c0 < w.cols; c0 += tileCols)
        for (int64_t r0 = 0; r0 < w.rows; r0 += tileRows) {
          const int64_t nrow = std::min(tileRows, w.rows - r0),
                        ncol = std::min(tileCols, w.cols - c0);
          if (blockNonZeros(w, r0, nrow, c0, ncol) == 0)
            dropped += nrow * ncol * prec.referenceLevel();
        }
    // Replicas (imc-tile's replicateMvm): consecutive row chunks of the
    // input, each through its own copy of the tiles; a chunk is a value of
    // its own (alike chunks of one input are one value, as the compiler's
    // CSE makes them).
    for (int64_t m0 = 0; m0 < rowsIn; m0 += chunk) {
      const int64_t m = std::min(chunk, rowsIn - m0);
      uint32_t x = x0;
      if (replicas > 1) {
        auto [it, inserted] =
            chunkOf.try_emplace(std::make_tuple(x0, m0, m), fresh);
        if (inserted)
          b.view(&x0, 1, fresh++);
        x = it->second;
        if (x >= sent.size())
          sent.resize(x + 1, 0);
      }
      int64_t levels = lv->sums[hw::levelIndex(prec)] - dropped;
      auto take = [&] { return std::exchange(levels, 0); };
      // The input goes to the arrays once (with its first tiles), however
      // many products and tiles multiply it.
      int64_t inputBits = 0;
      if (!sent[x]) {
        sent[x] = 1;
        inputBits = m * w.rows * prec.inputBits;
      }
      auto send = [&] { return std::exchange(inputBits, 0); };
      for (int64_t j = 0; j < nc; ++j) {
        const int64_t c0 = j * tileCols, ncol = std::min(tileCols, w.cols - c0);
        int64_t partials = 0;
        if (w.groups == 1 && w.nonZeros > 0) { // dense: every block a tile
          if (nr > 1)
            b.tileRun(in.layer, x, result, tileRows, ncol, prec, m, nr - 1,
                      take(), send());
          b.tileRun(in.layer, x, result, lastRows, ncol, prec, m, 1, take(),
                    send());
          partials = nr;
        } else {
          for (int64_t r = 0; r < nr; ++r) {
            const int64_t r0 = r * tileRows,
                          nrow = std::min(tileRows, w.rows - r0);
            if (blockNonZeros(w, r0, nrow, c0, ncol) == 0)
              continue;
            b.tileRun(in.layer, x, result, nrow, ncol, prec, m, 1, take(),
                      send());
            ++partials;
          }
        }
        if (partials > 1)
          b.accumulate(in.layer, &result, 1, partials, fresh++, m * ncol);
      }
    }
    b.view(&result, 1, in.result);
  }
  return b.finish();
}

std::optional<std::string> workloadKey(const hw::Target &t,
                                       const MapOptions &o) {
  if (o.policy == "energy" || o.replicate != "1")
    return std::nullopt; // they read Model(t)
  // workloadOf reads the array's rows and weight columns, the precision
  // (the converters only to copy them into the tiles) and whether inputs
  // may be unsigned; the mapping options are the caller's, the same for
  // every target it keys.
  const hw::XbarPrecision p = t.precision();
  return fmt::format("{} {} {} {} {} {} {}", t.rows, t.weightColsPerArray(),
                     p.weightBits, p.cellBits, p.inputBits, int(p.mapping),
                     int(t.unsignedActivations));
}

bool evaluate(const Profile &p, const hw::Target &t, const MapOptions &o,
              Report &r, std::string &error) {
  std::optional<Workload> w = workloadOf(p, t, o, error);
  if (!w)
    return false;
  r = Report();
  r.target = t.name;
  r.tilesAvailable = t.numTiles;
  r.costOnly = true;
  evaluate(*w, Model(t), r);
  return true;
}

} // namespace imc::cost
