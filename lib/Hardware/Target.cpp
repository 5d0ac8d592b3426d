//===- Target.cpp - imc hardware target parsing and validation ------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Hardware/Target.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using json = nlohmann::json;

namespace imc::hw {

namespace {

/// Thrown inside the parser only; parseTarget turns it into an error string.
struct FieldError {
  std::string message;
};

/// Reads the fields of one JSON object, checking each against its range and
/// rejecting fields it does not know (a typo must not be silently ignored).
class ObjectReader {
public:
  ObjectReader(const json &obj, std::string path)
      : obj(obj), path(std::move(path)) {
    if (!obj.is_object())
      throw FieldError{fmt::format("'{}' must be a JSON object", label())};
  }

  int64_t integer(const char *key, IntRange r) {
    return integer(key, r.lo, r.hi);
  }
  int64_t integer(const char *key, int64_t lo, int64_t hi) {
    const json &v = field(key);
    if (!v.is_number_integer())
      throw FieldError{fmt::format("field '{}' must be an integer in [{}, {}]",
                                   name(key), lo, hi)};
    // An unsigned value above INT64_MAX would wrap in get<int64_t>().
    const bool tooBig =
        v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(hi);
    if (tooBig || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      throw FieldError{
          fmt::format("field '{}' must be an integer in [{}, {}], got {}",
                      name(key), lo, hi, v.dump())};
    return v.get<int64_t>();
  }

  /// A number in [lo, hi], or in (lo, hi] with `openLo`.
  double number(const char *key, double lo, double hi, bool openLo = false) {
    const json &v = field(key);
    const char open = openLo ? '(' : '[';
    if (!v.is_number())
      throw FieldError{fmt::format("field '{}' must be a number in {}{}, {}]",
                                   name(key), open, lo, hi)};
    double x = v.get<double>();
    if (!(openLo ? x > lo : x >= lo) || !(x <= hi))
      throw FieldError{
          fmt::format("field '{}' must be a number in {}{}, {}], got {}",
                      name(key), open, lo, hi, x)};
    return x;
  }

  /// Whether optional field `key` is present (it then counts as known).
  bool has(const char *key) {
    if (!obj.contains(key))
      return false;
    seen.insert(key);
    return true;
  }

  /// A non-empty string of valid UTF-8, at most kMaxStringBytes long.
  std::string string(const char *key) {
    const json &v = field(key);
    if (!v.is_string() || v.get<std::string>().empty() ||
        v.get<std::string>().size() > kMaxStringBytes)
      throw FieldError{fmt::format("field '{}' must be a non-empty string of "
                                   "at most {} bytes",
                                   name(key), kMaxStringBytes)};
    if (!isValidUtf8(v.get<std::string>()))
      throw FieldError{fmt::format("field '{}' is not valid UTF-8", name(key))};
    return v.get<std::string>();
  }

  /// true or false.
  bool boolean(const char *key) {
    const json &v = field(key);
    if (!v.is_boolean())
      throw FieldError{
          fmt::format("field '{}' must be true or false", name(key))};
    return v.get<bool>();
  }

  /// An optional number: kDerived when absent.
  double optNumber(const char *key, double lo, double hi) {
    if (!obj.contains(key)) {
      seen.insert(key);
      return kDerived;
    }
    return number(key, lo, hi);
  }

  bool has(const char *key) const { return obj.contains(key); }

  ObjectReader object(const char *key) {
    return ObjectReader(field(key), name(key));
  }

  /// Call after reading every field: any field left over is unknown.
  void finish() const {
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (!seen.count(it.key()))
        throw FieldError{
            fmt::format("unknown field {}", quoteForMessage(name(it.key())))};
  }

private:
  std::string label() const { return path.empty() ? "(top level)" : path; }
  std::string name(const std::string &key) const {
    return path.empty() ? key : path + "." + key;
  }
  const json &field(const char *key) {
    seen.insert(key);
    auto it = obj.find(key);
    if (it == obj.end())
      throw FieldError{fmt::format("missing field '{}'", name(key))};
    return *it;
  }

  const json &obj;
  std::string path;
  std::set<std::string> seen;
};

Target readTarget(const json &root) {
  ObjectReader top(root, "");
  Target t;
  t.name = top.string("name");

  ObjectReader xbar = top.object("crossbar");
  t.rows = xbar.integer("rows", 1, 4096);
  t.cols = xbar.integer("cols", 1, 4096);
  t.cellBits = xbar.integer("cell_bits", XbarPrecision::kCellBits);
  t.dacBits = xbar.integer("dac_bits", XbarPrecision::kDacBits);
  t.adcBits = xbar.integer("adc_bits", XbarPrecision::kAdcBits);
  if (xbar.has("cols_per_adc")) {
    if (xbar.has("adcs_per_array"))
      throw FieldError{"give one of 'crossbar.adcs_per_array' and "
                       "'crossbar.cols_per_adc', not both"};
    t.colsPerAdc = xbar.integer("cols_per_adc", 1, 4096);
    if (t.colsPerAdc > t.cols)
      throw FieldError{fmt::format(
          "field 'crossbar.cols_per_adc' must be at most crossbar.cols ({}), "
          "got {}",
          t.cols, t.colsPerAdc)};
    t.adcsPerArray = (t.cols + t.colsPerAdc - 1) / t.colsPerAdc;
  } else {
    t.adcsPerArray = xbar.integer("adcs_per_array", 1, 4096);
  }
  if (xbar.has("adc_kind")) {
    t.adcKind = xbar.string("adc_kind");
    if (t.adcKind != "sar" && t.adcKind != "flash" && t.adcKind != "sense_amp")
      throw FieldError{fmt::format("field 'crossbar.adc_kind' must be one of "
                                   "sar, flash, sense_amp, got {}",
                                   quoteForMessage(t.adcKind))};
  }
  t.parallelRows = xbar.integer("parallel_rows", XbarPrecision::kParallelRows);
  t.numTiles = xbar.integer("num_tiles", 1, 1 << 20);
  if (xbar.has("adc_range"))
    t.adcRange = xbar.number("adc_range", 0, 1, /*openLo=*/true);
  if (xbar.has("input_bound"))
    t.inputBound = xbar.number("input_bound", 0, 1, /*openLo=*/true);
  if (xbar.has("input_bit_density"))
    t.inputBitDensity = xbar.number("input_bit_density", 0, 1);
  if (xbar.has("bound_management")) {
    t.boundManagement = xbar.string("bound_management");
    if (t.boundManagement != "none" && t.boundManagement != "iterative")
      throw FieldError{fmt::format("field 'crossbar.bound_management' must be "
                                   "one of none, iterative, got {}",
                                   quoteForMessage(t.boundManagement))};
  }
  if (xbar.has("bm_max_iterations"))
    t.bmMaxIterations = xbar.integer("bm_max_iterations", 1, 16);
  if (xbar.has("weight_mapping")) {
    const std::string m = xbar.string("weight_mapping");
    if (!parseWeightMapping(m, t.weightMapping))
      throw FieldError{fmt::format("field 'crossbar.weight_mapping' must be "
                                   "one of differential, offset, "
                                   "twos_complement, got {}",
                                   quoteForMessage(m))};
  }
  xbar.finish();

  ObjectReader prec = top.object("precision");
  t.weightBits = prec.integer("weight_bits", XbarPrecision::kWeightBits);
  t.activationBits = prec.integer("activation_bits", XbarPrecision::kInputBits);
  if (prec.has("unsigned_activations"))
    t.unsignedActivations = prec.boolean("unsigned_activations");
  prec.finish();

  ObjectReader dpu = top.object("dpu");
  t.dpuLanes = dpu.integer("lanes", 1, 1 << 16);
  t.dpuClockMHz = dpu.number("clock_mhz", 1, 1e5);
  if (dpu.has("precision")) {
    t.dpuPrecision = dpu.string("precision");
    t.dpuPrecisionSpecified = true;
    if (t.dpuPrecision != "fp32" && t.dpuPrecision != "fp16" &&
        t.dpuPrecision != "int32" && t.dpuPrecision != "int8")
      throw FieldError{fmt::format("field 'dpu.precision' must be one of "
                                   "fp32, fp16, int32, int8, got {}",
                                   quoteForMessage(t.dpuPrecision))};
  }
  dpu.finish();

  // With a technology section, every energy and latency constant may be left
  // out (and is then derived, docs/cost-model.md); without one, all of them
  // are required.
  const bool tech = root.is_object() && root.contains("technology");
  if (tech) {
    ObjectReader x = top.object("technology");
    Technology &y = t.technology.emplace();
    y.nodeNm = x.number("node_nm", 7, 130);
    y.vdd = x.number("vdd", 0.5, 1.5);
    y.cell = x.string("cell");
    if (y.cell != "sram" && y.cell != "rram" && y.cell != "pcm")
      throw FieldError{fmt::format("field 'technology.cell' must be one of "
                                   "sram, rram, pcm, got {}",
                                   quoteForMessage(y.cell))};
    y.cellAreaF2 = x.number("cell_area_f2", 1, 1e4);
    y.gOnUS = x.number("g_on_us", 1e-3, 1e6);
    y.gOffUS = x.number("g_off_us", 0, 1e6);
    y.readVoltage = x.number("read_voltage", 0.01, 5);
    y.readPulseNs = x.number("read_pulse_ns", 0.01, 1e6);
    y.writeEnergyPJ = x.number("write_energy_pj", 0, 1e6);
    y.writeLatencyNs = x.number("write_latency_ns", 0, 1e9);
    y.endurance = x.number("endurance", 1, 1e20);
    y.adcSarClockGHz = x.number("adc_sar_clock_ghz", 1e-6, 1000);
    y.bufferKiB = x.number("buffer_kib", 0, 1 << 20);
    if (x.has("cell_cap_ff"))
      y.cellCapFF = x.number("cell_cap_ff", 0, 1e3, /*openLo=*/true);
    x.finish();
    if (y.gOffUS > y.gOnUS)
      throw FieldError{fmt::format(
          "field 'technology.g_off_us' must be at most technology.g_on_us "
          "({}), got {}",
          y.gOnUS, y.gOffUS)};
  }
  auto section = [&](const char *key) -> std::optional<ObjectReader> {
    if (tech && !top.has(key))
      return std::nullopt;
    return top.object(key);
  };
  auto num = [&](ObjectReader &r, const char *key, double hi) {
    return tech ? r.optNumber(key, 0, hi) : r.number(key, 0, hi);
  };

  if (std::optional<ObjectReader> e = section("energy_pj")) {
    t.energy.dacPerRowPJ = num(*e, "dac_per_row", 1e6);
    t.energy.cellReadPJ = num(*e, "cell_read", 1e6);
    t.energy.adcPerConvPJ = num(*e, "adc_per_conversion", 1e6);
    t.energy.shiftAddPJ = num(*e, "shift_add", 1e6);
    t.energy.cellWritePJ = num(*e, "cell_write", 1e6);
    t.energy.dpuAddPJ = num(*e, "dpu_add", 1e6);
    t.energy.dpuMulPJ = num(*e, "dpu_mul", 1e6);
    e->finish();
  } else {
    t.energy = {kDerived, kDerived, kDerived, kDerived,
                kDerived, kDerived, kDerived};
  }

  if (root.contains("device")) {
    ObjectReader d = top.object("device");
    t.device.specified = true;
    t.device.model = d.string("model");
    if (t.device.model != "pcm" && t.device.model != "rram" &&
        t.device.model != "ideal")
      throw FieldError{fmt::format("field 'device.model' must be one of "
                                   "pcm, rram, ideal, got {}",
                                   quoteForMessage(t.device.model))};
    t.device.gmaxUS = d.number("gmax_us", 0.1, 1e6);
    t.device.rramSigma = d.number("rram_sigma", 0, 1);
    t.device.stuckAt0 = d.number("stuck_at_0", 0, 1);
    t.device.stuckAtMax = d.number("stuck_at_max", 0, 1);
    if (d.has("output_noise"))
      t.device.outputNoise = d.number("output_noise", 0, 1);
    if (d.has("ir_drop"))
      t.device.irDrop = d.number("ir_drop", 0, 1);
    d.finish();
  }

  if (std::optional<ObjectReader> l = section("latency_ns")) {
    t.latency.arrayReadNs = num(*l, "array_read", 1e9);
    t.latency.adcConvNs = num(*l, "adc_conversion", 1e9);
    t.latency.rowWriteNs = num(*l, "row_write", 1e9);
    l->finish();
  } else {
    t.latency = {kDerived, kDerived, kDerived};
  }
  top.finish();

  // Cross-field constraints.
  if (t.adcsPerArray > t.cols)
    throw FieldError{fmt::format(
        "field 'crossbar.adcs_per_array' must be at most crossbar.cols ({}), "
        "got {}",
        t.cols, t.adcsPerArray)};
  if (t.parallelRows > t.rows)
    throw FieldError{fmt::format(
        "field 'crossbar.parallel_rows' must be at most crossbar.rows ({}), "
        "got {}",
        t.rows, t.parallelRows)};
  if (t.weightColsPerArray() < 1) {
    const XbarPrecision p = t.precision();
    throw FieldError{fmt::format(
        "field 'crossbar.cols' must be at least {} ({} {} of {}-bit cells "
        "hold one {}-bit weight{}), got {}",
        p.cellsPerWeight() + p.referenceColumns(), p.slices(),
        p.mapping == WeightMapping::Differential ? "differential pairs"
                                                 : "columns",
        t.cellBits, t.weightBits,
        p.referenceColumns() ? ", with a reference column" : "", t.cols)};
  }
  // The fields were read within the ranges XbarPrecision defines; this
  // cannot fail unless the two drift apart.
  if (std::string why = t.precision().validate(); !why.empty())
    throw FieldError{why};
  return t;
}

} // namespace

std::optional<Target> parseTarget(const std::string &jsonText,
                                  const std::string &origin,
                                  std::string &error) {
  if (jsonText.size() > kMaxTargetBytes) {
    error = fmt::format("{}: a target is at most {} bytes of JSON, got {}",
                        origin, kMaxTargetBytes, jsonText.size());
    return std::nullopt;
  }
  json root;
  try {
    root = json::parse(jsonText);
  } catch (const json::exception &e) {
    // Malformed text, invalid UTF-8 (parse_error) or a number out of range
    // such as 1e999 (out_of_range). nlohmann's message is
    // "[json.exception.parse_error.101] parse error at line 3, column 5:
    // ..."; keep the part after the tag.
    std::string msg = e.what();
    if (auto pos = msg.find("] "); pos != std::string::npos)
      msg = msg.substr(pos + 2);
    error = fmt::format("{}: invalid JSON: {}", origin, msg);
    return std::nullopt;
  }
  try {
    return readTarget(root);
  } catch (const FieldError &e) {
    error = fmt::format("{}: {}", origin, e.message);
    return std::nullopt;
  }
}

static std::string &bundledTargetDir() {
  static std::string dir;
  return dir;
}

void setBundledTargetDir(const std::string &dir) { bundledTargetDir() = dir; }

static bool isRegularFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<std::string> resolveTargetPath(const std::string &target,
                                             std::string &error) {
  if (isRegularFile(target))
    return target;
  const std::string &dir = bundledTargetDir();
  const bool bareName =
      !target.empty() && target.find('/') == std::string::npos &&
      (target.size() < 5 || target.compare(target.size() - 5, 5, ".json"));
  if (bareName && !dir.empty() && isRegularFile(dir + "/" + target + ".json"))
    return dir + "/" + target + ".json";
  std::vector<std::string> names;
  if (DIR *d = dir.empty() ? nullptr : ::opendir(dir.c_str())) {
    while (const dirent *e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0)
        names.push_back(n.substr(0, n.size() - 5));
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  error = fmt::format(
      "no target file {} (and no bundled target of that "
      "name; bundled: {})",
      quoteForMessage(target, 256),
      names.empty() ? "none found" : fmt::format("{}", fmt::join(names, ", ")));
  return std::nullopt;
}

std::optional<Target> loadTarget(const std::string &target,
                                 std::string &error) {
  std::optional<std::string> path = resolveTargetPath(target, error);
  if (!path)
    return std::nullopt;
  std::ifstream in(*path, std::ios::binary);
  if (!in) {
    error = fmt::format("{}: cannot open target file", *path);
    return std::nullopt;
  }
  // Read at most one byte past the limit: parseTarget names the excess.
  std::string text(kMaxTargetBytes + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  return parseTarget(text, *path, error);
}

std::string targetToJson(const Target &t) {
  json j;
  j["name"] = t.name;
  j["crossbar"] = {{"rows", t.rows},
                   {"cols", t.cols},
                   {"cell_bits", t.cellBits},
                   {"dac_bits", t.dacBits},
                   {"adc_bits", t.adcBits},

                   {"parallel_rows", t.parallelRows},
                   {"num_tiles", t.numTiles}};
  if (t.colsPerAdc)
    j["crossbar"]["cols_per_adc"] = t.colsPerAdc;
  else
    j["crossbar"]["adcs_per_array"] = t.adcsPerArray;
  if (t.adcKind != "sar")
    j["crossbar"]["adc_kind"] = t.adcKind;
  if (t.adcRange != 1.0) // optional fields stay implicit at their defaults
    j["crossbar"]["adc_range"] = t.adcRange;
  if (t.inputBound != 1.0)
    j["crossbar"]["input_bound"] = t.inputBound;
  if (t.inputBitDensity != 0.5)
    j["crossbar"]["input_bit_density"] = t.inputBitDensity;
  if (t.boundManagement != "none")
    j["crossbar"]["bound_management"] = t.boundManagement;
  if (t.bmMaxIterations != 3)
    j["crossbar"]["bm_max_iterations"] = t.bmMaxIterations;
  if (t.weightMapping != WeightMapping::Differential)
    j["crossbar"]["weight_mapping"] = weightMappingName(t.weightMapping);
  j["precision"] = {{"weight_bits", t.weightBits},
                    {"activation_bits", t.activationBits}};
  if (t.unsignedActivations)
    j["precision"]["unsigned_activations"] = true;
  j["dpu"] = {{"lanes", t.dpuLanes}, {"clock_mhz", t.dpuClockMHz}};
  if (t.dpuPrecisionSpecified)
    j["dpu"]["precision"] = t.dpuPrecision;
  // Derived constants (NaN) stay out, so they are derived again on reading.
  auto put = [](json &obj, const char *key, double v) {
    if (!std::isnan(v))
      obj[key] = v;
  };
  json e = json::object();
  put(e, "dac_per_row", t.energy.dacPerRowPJ);
  put(e, "cell_read", t.energy.cellReadPJ);
  put(e, "adc_per_conversion", t.energy.adcPerConvPJ);
  put(e, "shift_add", t.energy.shiftAddPJ);
  put(e, "cell_write", t.energy.cellWritePJ);
  put(e, "dpu_add", t.energy.dpuAddPJ);
  put(e, "dpu_mul", t.energy.dpuMulPJ);
  if (!e.empty() || !t.technology)
    j["energy_pj"] = e;
  if (const auto &y = t.technology)
    j["technology"] = {{"node_nm", y->nodeNm},
                       {"vdd", y->vdd},
                       {"cell", y->cell},
                       {"cell_area_f2", y->cellAreaF2},
                       {"g_on_us", y->gOnUS},
                       {"g_off_us", y->gOffUS},
                       {"read_voltage", y->readVoltage},
                       {"read_pulse_ns", y->readPulseNs},
                       {"write_energy_pj", y->writeEnergyPJ},
                       {"write_latency_ns", y->writeLatencyNs},
                       {"endurance", y->endurance},
                       {"adc_sar_clock_ghz", y->adcSarClockGHz},
                       {"buffer_kib", y->bufferKiB}};
  if (t.technology && t.technology->cellCapFF > 0)
    j["technology"]["cell_cap_ff"] = t.technology->cellCapFF;
  if (t.device.specified) { // the default device stays implicit
    j["device"] = {{"model", t.device.model},
                   {"gmax_us", t.device.gmaxUS},
                   {"rram_sigma", t.device.rramSigma},
                   {"stuck_at_0", t.device.stuckAt0},
                   {"stuck_at_max", t.device.stuckAtMax}};
    if (t.device.outputNoise != 0)
      j["device"]["output_noise"] = t.device.outputNoise;
    if (t.device.irDrop != 0)
      j["device"]["ir_drop"] = t.device.irDrop;
  }
  json l = json::object();
  put(l, "array_read", t.latency.arrayReadNs);
  put(l, "adc_conversion", t.latency.adcConvNs);
  put(l, "row_write", t.latency.rowWriteNs);
  if (!l.empty() || !t.technology)
    j["latency_ns"] = l;
  return j.dump(2);
}

} // namespace imc::hw
