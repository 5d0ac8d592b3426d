//===- TargetTest.cpp - target JSON parsing and validation ----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Hardware/Target.h"

#include "TestUtils.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

using imc::hw::kMaxStringBytes;
using imc::hw::kMaxTargetBytes;
using imc::hw::loadTarget;
using imc::hw::parseTarget;
using imc::hw::resolveTargetPath;
using imc::hw::setBundledTargetDir;
using imc::hw::Target;
using imc::hw::targetToJson;
using json = nlohmann::json;
using ::testing::HasSubstr;

namespace {

/// The default target without its technology section: every energy and
/// latency constant is then required.
json defaultJson() {
  json j = json::parse(imc::test::readTextFile(imc::test::defaultTargetPath()));
  j.erase("technology");
  return j;
}

/// Parses `j` and expects a failure; returns the message.
std::string parseError(const json &j) {
  std::string error;
  std::optional<Target> t = parseTarget(j.dump(), "t.json", error);
  EXPECT_FALSE(t.has_value()) << "accepted: " << j.dump();
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find('\n'), std::string::npos) << "not one line: " << error;
  EXPECT_EQ(error.rfind("t.json: ", 0), 0u) << "no origin prefix: " << error;
  return error;
}

std::optional<Target> parseOk(const json &j) {
  std::string error;
  std::optional<Target> t = parseTarget(j.dump(), "t.json", error);
  EXPECT_TRUE(t.has_value()) << error;
  return t;
}

//===----------------------------------------------------------------------===//
// The default target and derived quantities
//===----------------------------------------------------------------------===//

TEST(Target, DefaultTargetParses) {
  std::string error;
  std::optional<Target> t = loadTarget(imc::test::defaultTargetPath(), error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(t->name, "default-rram-128");
  EXPECT_EQ(t->rows, 128);
  EXPECT_EQ(t->cols, 128);
  EXPECT_EQ(t->cellBits, 2);
  EXPECT_EQ(t->dacBits, 1);
  EXPECT_EQ(t->adcBits, 8);
  EXPECT_EQ(t->adcsPerArray, 1);
  EXPECT_EQ(t->parallelRows, 32);
  EXPECT_EQ(t->numTiles, 64);
  EXPECT_EQ(t->weightBits, 8);
  EXPECT_EQ(t->activationBits, 8);
  EXPECT_EQ(t->dpuLanes, 64);
  EXPECT_EQ(t->dpuClockMHz, 1000.0);
  EXPECT_EQ(t->energy.dacPerRowPJ, 0.390625);
  EXPECT_EQ(t->energy.cellReadPJ, 0.00183);
  EXPECT_EQ(t->energy.adcPerConvPJ, 1.5625);
  EXPECT_EQ(t->energy.shiftAddPJ, 0.039);
  EXPECT_EQ(t->energy.cellWritePJ, 1.0);
  EXPECT_EQ(t->energy.dpuAddPJ, 0.9);
  EXPECT_EQ(t->energy.dpuMulPJ, 3.7);
  EXPECT_EQ(t->latency.arrayReadNs, 100.0);
  EXPECT_EQ(t->latency.adcConvNs, 0.78);
  EXPECT_EQ(t->latency.rowWriteNs, 100.0);
}

TEST(Target, DefaultDerivedQuantities) {
  std::string error;
  std::optional<Target> t = loadTarget(imc::test::defaultTargetPath(), error);
  ASSERT_TRUE(t.has_value()) << error;
  // 8-bit signed weights: 7 magnitude bits in 2-bit cells -> ceil(7/2) = 4.
  EXPECT_EQ(t->weightSlices(), 4);
  // A differential pair of 4 slices -> 8 cells per weight.
  EXPECT_EQ(t->cellsPerWeight(), 8);
  // 128 columns / 8 cells -> 16 weight columns.
  EXPECT_EQ(t->weightColsPerArray(), 16);
  // 8-bit activations: 7 magnitude bits through a 1-bit DAC -> 7 cycles.
  EXPECT_EQ(t->inputCycles(), 7);
  // 32 rows * (2^1 - 1) * (2^2 - 1) = 96.
  EXPECT_EQ(t->adcFullScale(), 96);
  // 8-bit signed ADC: 2^7 - 1 = 127.
  EXPECT_EQ(t->adcMaxCode(), 127);
}

TEST(Target, DerivedQuantitiesOtherConfigs) {
  Target t;
  t.weightBits = 16;
  t.cellBits = 3; // ceil(15 / 3) = 5 slices, 10 cells
  t.activationBits = 8;
  t.dacBits = 2; // ceil(7 / 2) = 4 cycles
  t.parallelRows = 4;
  t.adcBits = 24;
  t.cols = 64;
  EXPECT_EQ(t.weightSlices(), 5);
  EXPECT_EQ(t.cellsPerWeight(), 10);
  EXPECT_EQ(t.weightColsPerArray(), 6); // floor(64 / 10)
  EXPECT_EQ(t.inputCycles(), 4);
  EXPECT_EQ(t.adcFullScale(), 4 * 3 * 7); // 84
  EXPECT_EQ(t.adcMaxCode(), 8388607);     // 2^23 - 1

  t.weightBits = 9;
  t.cellBits = 8; // ceil(8 / 8) = 1
  EXPECT_EQ(t.weightSlices(), 1);
  t.weightBits = 2;
  t.cellBits = 8; // ceil(1 / 8) = 1
  EXPECT_EQ(t.weightSlices(), 1);
  t.activationBits = 16;
  t.dacBits = 16; // ceil(15 / 16) = 1
  EXPECT_EQ(t.inputCycles(), 1);
  t.dacBits = 4; // ceil(15 / 4) = 4
  EXPECT_EQ(t.inputCycles(), 4);
  t.adcBits = 2; // 2^1 - 1
  EXPECT_EQ(t.adcMaxCode(), 1);
}

//===----------------------------------------------------------------------===//
// Rejections
//===----------------------------------------------------------------------===//

TEST(Target, MissingField) {
  json j = defaultJson();
  j["crossbar"].erase("rows");
  EXPECT_THAT(parseError(j), HasSubstr("missing field 'crossbar.rows'"));

  j = defaultJson();
  j.erase("name");
  EXPECT_THAT(parseError(j), HasSubstr("missing field 'name'"));

  j = defaultJson();
  j["energy_pj"].erase("dpu_mul");
  EXPECT_THAT(parseError(j), HasSubstr("missing field 'energy_pj.dpu_mul'"));

  j = defaultJson();
  j.erase("latency_ns");
  EXPECT_THAT(parseError(j), HasSubstr("missing field 'latency_ns'"));
}

TEST(Target, MissingFieldEverywhere) {
  // Removing any one field of the default target must be reported by name.
  const json base = defaultJson();
  for (auto it = base.begin(); it != base.end(); ++it) {
    json j = base;
    j.erase(it.key());
    EXPECT_THAT(parseError(j), HasSubstr("missing field '" + it.key() + "'"));
    if (!it->is_object())
      continue;
    for (auto f = it->begin(); f != it->end(); ++f) {
      json k = base;
      k[it.key()].erase(f.key());
      EXPECT_THAT(parseError(k), HasSubstr("missing field '" + it.key() + "." +
                                           f.key() + "'"));
    }
  }
}

TEST(Target, WrongType) {
  json j = defaultJson();
  j["crossbar"]["rows"] = "128";
  std::string e = parseError(j);
  EXPECT_THAT(e, HasSubstr("field 'crossbar.rows' must be an integer in "
                           "[1, 4096]"));

  j = defaultJson();
  j["crossbar"]["cols"] = 128.5;
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.cols' must be an "
                                       "integer in [1, 4096]"));

  j = defaultJson();
  j["precision"]["weight_bits"] = true;
  EXPECT_THAT(parseError(j), HasSubstr("field 'precision.weight_bits' must "
                                       "be an integer in [2, 16]"));

  j = defaultJson();
  j["dpu"]["clock_mhz"] = "fast";
  EXPECT_THAT(parseError(j), HasSubstr("field 'dpu.clock_mhz' must be a "
                                       "number"));

  j = defaultJson();
  j["energy_pj"]["adc_per_conversion"] = nullptr;
  EXPECT_THAT(parseError(j), HasSubstr("field 'energy_pj.adc_per_conversion' "
                                       "must be a number"));

  j = defaultJson();
  j["name"] = 5;
  EXPECT_THAT(parseError(j),
              HasSubstr("field 'name' must be a non-empty string"));

  j = defaultJson();
  j["name"] = "";
  EXPECT_THAT(parseError(j),
              HasSubstr("field 'name' must be a non-empty string"));

  // A float that happens to be integral is still not an integer.
  j = defaultJson();
  j["crossbar"]["num_tiles"] = 64.0;
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.num_tiles' must be "
                                       "an integer"));
}

TEST(Target, NumberFieldsAcceptIntegers) {
  // Number fields accept integers.
  json j = defaultJson();
  j["energy_pj"]["cell_write"] = 2;
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->energy.cellWritePJ, 2.0);
}

struct RangeCase {
  const char *section, *key;
  json bad;
  const char *expect;
};

TEST(Target, OutOfRange) {
  // Each field just outside its documented range, low and high.
  const RangeCase cases[] = {
      {"crossbar", "rows", 0,
       "'crossbar.rows' must be an integer in [1, "
       "4096], got 0"},
      {"crossbar", "rows", 4097,
       "'crossbar.rows' must be an integer in [1, "
       "4096], got 4097"},
      {"crossbar", "cols", 0,
       "'crossbar.cols' must be an integer in [1, "
       "4096], got 0"},
      {"crossbar", "cols", 4097,
       "'crossbar.cols' must be an integer in [1, "
       "4096], got 4097"},
      {"crossbar", "cell_bits", 0,
       "'crossbar.cell_bits' must be an integer "
       "in [1, 8], got 0"},
      {"crossbar", "cell_bits", 9,
       "'crossbar.cell_bits' must be an integer "
       "in [1, 8], got 9"},
      {"crossbar", "dac_bits", 0,
       "'crossbar.dac_bits' must be an integer in "
       "[1, 16], got 0"},
      {"crossbar", "dac_bits", 17,
       "'crossbar.dac_bits' must be an integer "
       "in [1, 16], got 17"},
      {"crossbar", "adc_bits", 1,
       "'crossbar.adc_bits' must be an integer in "
       "[2, 24], got 1"},
      {"crossbar", "adc_bits", 25,
       "'crossbar.adc_bits' must be an integer "
       "in [2, 24], got 25"},
      {"crossbar", "adcs_per_array", 0,
       "'crossbar.adcs_per_array' must be an "
       "integer in [1, 4096], got 0"},
      {"crossbar", "adcs_per_array", 4097,
       "'crossbar.adcs_per_array' must be an integer in [1, 4096], got 4097"},
      {"crossbar", "parallel_rows", 0,
       "'crossbar.parallel_rows' must be an "
       "integer in [1, 4096], got 0"},
      {"crossbar", "parallel_rows", 4097,
       "'crossbar.parallel_rows' must be an integer in [1, 4096], got 4097"},
      {"crossbar", "num_tiles", 0,
       "'crossbar.num_tiles' must be an integer "
       "in [1, 1048576], got 0"},
      {"crossbar", "num_tiles", 1048577,
       "'crossbar.num_tiles' must be an integer in [1, 1048576], got "
       "1048577"},
      {"crossbar", "rows", -5,
       "'crossbar.rows' must be an integer in [1, "
       "4096], got -5"},
      {"precision", "weight_bits", 1,
       "'precision.weight_bits' must be an "
       "integer in [2, 16], got 1"},
      {"precision", "weight_bits", 17,
       "'precision.weight_bits' must be an "
       "integer in [2, 16], got 17"},
      {"precision", "activation_bits", 1,
       "'precision.activation_bits' must "
       "be an integer in [2, 16], got 1"},
      {"precision", "activation_bits", 17,
       "'precision.activation_bits' must "
       "be an integer in [2, 16], got "
       "17"},
      {"dpu", "lanes", 0,
       "'dpu.lanes' must be an integer in [1, 65536], got "
       "0"},
      {"dpu", "lanes", 65537,
       "'dpu.lanes' must be an integer in [1, 65536], "
       "got 65537"},
      {"dpu", "clock_mhz", 0.5,
       "'dpu.clock_mhz' must be a number in [1, "
       "100000], got 0.5"},
      {"dpu", "clock_mhz", 100001,
       "'dpu.clock_mhz' must be a number in [1, "
       "100000], got 100001"},
      {"energy_pj", "cell_read", -0.25,
       "'energy_pj.cell_read' must be a "
       "number in [0, 1000000], got -0.25"},
      {"energy_pj", "dpu_add", 1000001,
       "'energy_pj.dpu_add' must be a "
       "number in [0, 1000000], got "
       "1000001"},
      {"latency_ns", "adc_conversion", -1,
       "'latency_ns.adc_conversion' must "
       "be a number in [0, 1000000000], "
       "got -1"},
      {"latency_ns", "row_write", 2e9,
       "'latency_ns.row_write' must be a "
       "number in [0, 1000000000], got "
       "2000000000"},
  };
  for (const RangeCase &c : cases) {
    SCOPED_TRACE(std::string(c.section) + "." + c.key + " = " + c.bad.dump());
    json j = defaultJson();
    j[c.section][c.key] = c.bad;
    EXPECT_THAT(parseError(j), HasSubstr(c.expect));
  }
}

TEST(Target, RangeBoundariesAccepted) {
  // The inclusive limits themselves are valid (keeping cross-field rules).
  json j = defaultJson();
  j["crossbar"]["rows"] = 4096;
  j["crossbar"]["cols"] = 4096;
  j["crossbar"]["cell_bits"] = 8;
  j["crossbar"]["dac_bits"] = 16;
  j["crossbar"]["adc_bits"] = 24;
  j["crossbar"]["adcs_per_array"] = 4096;
  j["crossbar"]["parallel_rows"] = 4096;
  j["crossbar"]["num_tiles"] = 1 << 20;
  j["precision"]["weight_bits"] = 16;
  j["precision"]["activation_bits"] = 16;
  j["dpu"]["lanes"] = 1 << 16;
  j["dpu"]["clock_mhz"] = 1e5;
  j["energy_pj"]["cell_read"] = 0;
  j["energy_pj"]["dpu_mul"] = 1e6;
  j["latency_ns"]["row_write"] = 1e9;
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->numTiles, 1048576);
  EXPECT_EQ(t->adcMaxCode(), 8388607);

  json k = defaultJson();
  k["crossbar"]["rows"] = 1;
  k["crossbar"]["parallel_rows"] = 1;
  k["crossbar"]["cell_bits"] = 1;
  k["crossbar"]["adc_bits"] = 2;
  k["precision"]["weight_bits"] = 2;
  k["precision"]["activation_bits"] = 2;
  k["dpu"]["clock_mhz"] = 1;
  k["crossbar"]["cols"] = 2; // one weight: 2 x ceil(1/1) cells
  k["crossbar"]["adcs_per_array"] = 1;
  t = parseOk(k);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->weightColsPerArray(), 1);
}

TEST(Target, HugeIntegerRejected) {
  // Values beyond int64 must not wrap into range.
  std::string text = defaultJson().dump();
  const std::string from = "\"rows\":128";
  ASSERT_NE(text.find(from), std::string::npos);
  for (const char *huge : {"9223372036854775808", "18446744073709551615",
                           "18446744073709551617"}) {
    SCOPED_TRACE(huge);
    std::string t = text;
    t.replace(t.find(from), from.size(), std::string("\"rows\":") + huge);
    std::string error;
    EXPECT_FALSE(parseTarget(t, "t.json", error).has_value());
    EXPECT_THAT(error, HasSubstr("crossbar.rows"));
  }
}

TEST(Target, IntegerFieldRejectsNonIntegerLiterals) {
  // Documented: 128.0 and 1e2 are numbers, not integer literals.
  std::string text = defaultJson().dump();
  const std::string from = "\"rows\":128";
  for (const char *lit : {"128.0", "1e2", "1.28e2"}) {
    SCOPED_TRACE(lit);
    std::string t = text;
    t.replace(t.find(from), from.size(), std::string("\"rows\":") + lit);
    std::string error;
    EXPECT_FALSE(parseTarget(t, "t.json", error).has_value());
    EXPECT_EQ(error, "t.json: field 'crossbar.rows' must be an integer in "
                     "[1, 4096]");
  }
}

TEST(Target, HugeIntegerReportedAsWritten) {
  // An out-of-range unsigned literal is rejected; the message must quote the
  // value of the file, not its two's-complement reinterpretation.
  std::string text = defaultJson().dump();
  const std::string from = "\"rows\":128";
  std::string t = text;
  t.replace(t.find(from), from.size(), "\"rows\":18446744073709551615");
  std::string error;
  EXPECT_FALSE(parseTarget(t, "t.json", error).has_value());
  EXPECT_THAT(error, HasSubstr("got 18446744073709551615"));
}

TEST(Target, UnknownField) {
  json j = defaultJson();
  j["crossbar"]["rowz"] = 128; // a typo next to the real field
  EXPECT_THAT(parseError(j), HasSubstr("unknown field 'crossbar.rowz'"));

  j = defaultJson();
  j["comment"] = "hello";
  EXPECT_THAT(parseError(j), HasSubstr("unknown field 'comment'"));

  j = defaultJson();
  j["latency_ns"]["array_reads"] = 1;
  EXPECT_THAT(parseError(j), HasSubstr("unknown field "
                                       "'latency_ns.array_reads'"));

  // A typo that replaces a field is reported as the missing field.
  j = defaultJson();
  j["precision"]["weight_bit"] = j["precision"]["weight_bits"];
  j["precision"].erase("weight_bits");
  EXPECT_THAT(parseError(j), HasSubstr("missing field "
                                       "'precision.weight_bits'"));
}

TEST(Target, InvalidJsonSyntax) {
  for (const char *text : {"", "{", "{\"name\": }", "{\"name\": \"x\",}",
                           "not json", "{\"name\": \"x\"} trailing"}) {
    SCOPED_TRACE(text);
    std::string error;
    EXPECT_FALSE(parseTarget(text, "bad.json", error).has_value());
    EXPECT_EQ(error.rfind("bad.json: invalid JSON: ", 0), 0u) << error;
    EXPECT_THAT(error, HasSubstr("parse error"));
    // nlohmann's internal "[json.exception...]" tag is stripped.
    EXPECT_THAT(error, ::testing::Not(HasSubstr("json.exception")));
  }
  std::string error;
  EXPECT_FALSE(
      parseTarget("{\n  \"name\": \"x\",\n  oops\n}", "bad.json", error));
  EXPECT_THAT(error, HasSubstr("line 3"));
}

TEST(Target, NonObjectSections) {
  json j = defaultJson();
  j["crossbar"] = json::array({1, 2});
  EXPECT_THAT(parseError(j), HasSubstr("'crossbar' must be a JSON object"));

  j = defaultJson();
  j["precision"] = 8;
  EXPECT_THAT(parseError(j), HasSubstr("'precision' must be a JSON object"));

  j = defaultJson();
  j["energy_pj"] = "cheap";
  EXPECT_THAT(parseError(j), HasSubstr("'energy_pj' must be a JSON object"));

  j = defaultJson();
  j["dpu"] = nullptr;
  EXPECT_THAT(parseError(j), HasSubstr("'dpu' must be a JSON object"));

  EXPECT_THAT(parseError(json::array({defaultJson()})),
              HasSubstr("'(top level)' must be a JSON object"));
  EXPECT_THAT(parseError(json(42)),
              HasSubstr("'(top level)' must be a JSON object"));
}

TEST(Target, CrossFieldAdcsPerArray) {
  json j = defaultJson();
  j["crossbar"]["adcs_per_array"] = 129; // cols = 128
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.adcs_per_array' must "
                                       "be at most crossbar.cols (128), got "
                                       "129"));
  j["crossbar"]["adcs_per_array"] = 128;
  EXPECT_TRUE(parseOk(j));
}

TEST(Target, AdcKindAndColumnsPerAdc) {
  json j = defaultJson();
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->adcKind, "sar");
  EXPECT_EQ(t->colsPerAdc, 0);
  // Columns per ADC instead of ADCs per array: ceil(128 / 24) = 6 ADCs.
  j["crossbar"].erase("adcs_per_array");
  j["crossbar"]["cols_per_adc"] = 24;
  j["crossbar"]["adc_kind"] = "sense_amp";
  t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->adcsPerArray, 6);
  EXPECT_EQ(t->colsPerAdc, 24);
  EXPECT_EQ(t->adcKind, "sense_amp");
  // Written back as given.
  EXPECT_EQ(json::parse(targetToJson(*t)), j);
  j["crossbar"]["adc_kind"] = "flash";
  EXPECT_EQ(parseOk(j)->adcKind, "flash");

  json both = defaultJson();
  both["crossbar"]["cols_per_adc"] = 8;
  EXPECT_EQ(parseError(both),
            "t.json: give one of 'crossbar.adcs_per_array' and "
            "'crossbar.cols_per_adc', not both");
  json wide = j;
  wide["crossbar"]["cols_per_adc"] = 129;
  EXPECT_EQ(parseError(wide), "t.json: field 'crossbar.cols_per_adc' must be "
                              "at most crossbar.cols (128), got 129");
  wide["crossbar"]["cols_per_adc"] = 0;
  EXPECT_EQ(parseError(wide), "t.json: field 'crossbar.cols_per_adc' must be "
                              "an integer in [1, 4096], got 0");
  json kind = defaultJson();
  kind["crossbar"]["adc_kind"] = "pipelined";
  EXPECT_EQ(parseError(kind), "t.json: field 'crossbar.adc_kind' must be one "
                              "of sar, flash, sense_amp, got 'pipelined'");
}

TEST(Target, CrossFieldParallelRows) {
  json j = defaultJson();
  j["crossbar"]["parallel_rows"] = 129; // rows = 128
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.parallel_rows' must "
                                       "be at most crossbar.rows (128), got "
                                       "129"));
  j["crossbar"]["parallel_rows"] = 128;
  EXPECT_TRUE(parseOk(j));
}

TEST(Target, CrossFieldColsTooSmallForOneWeight) {
  // 8-bit weights in 2-bit cells need 2 x 4 = 8 columns.
  json j = defaultJson();
  j["crossbar"]["cols"] = 7;
  std::string e = parseError(j);
  EXPECT_THAT(e, HasSubstr("field 'crossbar.cols' must be at least 8"));
  EXPECT_THAT(e, HasSubstr("got 7"));
  j["crossbar"]["cols"] = 8;
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->weightColsPerArray(), 1);

  // 16-bit weights in 1-bit cells need 2 x 15 = 30 columns.
  j = defaultJson();
  j["precision"]["weight_bits"] = 16;
  j["crossbar"]["cell_bits"] = 1;
  j["crossbar"]["cols"] = 29;
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.cols' must be at "
                                       "least 30"));
}

//===----------------------------------------------------------------------===//
// Serialization and files
//===----------------------------------------------------------------------===//

void expectSameTarget(const Target &a, const Target &b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  EXPECT_EQ(a.cellBits, b.cellBits);
  EXPECT_EQ(a.dacBits, b.dacBits);
  EXPECT_EQ(a.adcBits, b.adcBits);
  EXPECT_EQ(a.adcsPerArray, b.adcsPerArray);
  EXPECT_EQ(a.parallelRows, b.parallelRows);
  EXPECT_EQ(a.numTiles, b.numTiles);
  EXPECT_EQ(a.weightBits, b.weightBits);
  EXPECT_EQ(a.activationBits, b.activationBits);
  EXPECT_EQ(a.dpuLanes, b.dpuLanes);
  EXPECT_EQ(a.dpuClockMHz, b.dpuClockMHz);
  EXPECT_EQ(a.energy.dacPerRowPJ, b.energy.dacPerRowPJ);
  EXPECT_EQ(a.energy.cellReadPJ, b.energy.cellReadPJ);
  EXPECT_EQ(a.energy.adcPerConvPJ, b.energy.adcPerConvPJ);
  EXPECT_EQ(a.energy.shiftAddPJ, b.energy.shiftAddPJ);
  EXPECT_EQ(a.energy.cellWritePJ, b.energy.cellWritePJ);
  EXPECT_EQ(a.energy.dpuAddPJ, b.energy.dpuAddPJ);
  EXPECT_EQ(a.energy.dpuMulPJ, b.energy.dpuMulPJ);
  EXPECT_EQ(a.latency.arrayReadNs, b.latency.arrayReadNs);
  EXPECT_EQ(a.latency.adcConvNs, b.latency.adcConvNs);
  EXPECT_EQ(a.latency.rowWriteNs, b.latency.rowWriteNs);
  EXPECT_EQ(a.weightMapping, b.weightMapping);
  EXPECT_EQ(a.unsignedActivations, b.unsignedActivations);
}

TEST(Target, ToJsonRoundTripDefault) {
  const json original = defaultJson();
  std::optional<Target> t = parseOk(original);
  ASSERT_TRUE(t);
  const std::string text = targetToJson(*t);
  // Same fields, same values (1000 and 1000.0 compare equal in nlohmann).
  EXPECT_EQ(json::parse(text), original) << text;
  std::string error;
  std::optional<Target> back = parseTarget(text, "round-trip", error);
  ASSERT_TRUE(back) << error;
  expectSameTarget(*back, *t);
}

TEST(Target, WeightMappingAndUnsignedActivations) {
  // Absent: differential pairs, signed inputs (the scheme before them).
  std::optional<Target> t = parseOk(defaultJson());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->weightMapping, imc::hw::WeightMapping::Differential);
  EXPECT_FALSE(t->unsignedActivations);
  // 8-bit weights on 2-bit cells, 128 columns: differential 2 x 4 cells a
  // weight (16 columns of weights), offset 4 + one reference column
  // ((128 - 1) / 4 = 31), two's complement 4 + a sign column (25).
  const struct {
    const char *name;
    int64_t slices, cells, weightCols;
  } cases[] = {{"differential", 4, 8, 16},
               {"offset", 4, 4, 31},
               {"twos_complement", 5, 5, 25}};
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    json j = defaultJson();
    j["crossbar"]["weight_mapping"] = c.name;
    j["precision"]["unsigned_activations"] = true;
    t = parseOk(j);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->weightSlices(), c.slices);
    EXPECT_EQ(t->cellsPerWeight(), c.cells);
    EXPECT_EQ(t->weightColsPerArray(), c.weightCols);
    EXPECT_TRUE(t->unsignedActivations);
    // The target's own precision is signed: the compiler chooses per MVM.
    EXPECT_FALSE(t->precision().unsignedInput);
    EXPECT_EQ(t->inputCycles(), 7);
    std::string error;
    std::optional<Target> back = parseTarget(targetToJson(*t), "rt", error);
    ASSERT_TRUE(back) << error;
    expectSameTarget(*back, *t);
    // The default mapping stays implicit when written back.
    if (std::string(c.name) == "differential")
      j["crossbar"].erase("weight_mapping");
    EXPECT_EQ(json::parse(targetToJson(*t)), j);
  }
  json j = defaultJson();
  j["crossbar"]["weight_mapping"] = "sign_magnitude";
  EXPECT_THAT(parseError(j),
              HasSubstr("field 'crossbar.weight_mapping' must be one of "
                        "differential, offset, twos_complement, got "
                        "'sign_magnitude'"));
  j = defaultJson();
  j["crossbar"]["weight_mapping"] = 1;
  EXPECT_THAT(parseError(j), HasSubstr("field 'crossbar.weight_mapping' must "
                                       "be a non-empty string"));
  j = defaultJson();
  j["precision"]["unsigned_activations"] = "yes";
  EXPECT_THAT(parseError(j), HasSubstr("field 'precision.unsigned_activations' "
                                       "must be true or false"));
  // Offset needs its reference column: 4 cells + 1.
  j = defaultJson();
  j["crossbar"]["weight_mapping"] = "offset";
  j["crossbar"]["cols"] = 4;
  j["crossbar"]["adcs_per_array"] = 4;
  EXPECT_THAT(parseError(j),
              HasSubstr("field 'crossbar.cols' must be at least 5 (4 columns "
                        "of 2-bit cells hold one 8-bit weight, with a "
                        "reference column), got 4"));
}

TEST(Target, ToJsonRoundTripAwkwardValues) {
  json j = defaultJson();
  j["name"] = "odd \"quoted\" name \xc3\xa9";
  j["energy_pj"]["dac_per_row"] = 0.1;
  j["energy_pj"]["cell_read"] = 1.0 / 3.0;
  j["energy_pj"]["shift_add"] = 1e-300;
  j["latency_ns"]["adc_conversion"] = 123.456789012345678;
  j["dpu"]["clock_mhz"] = 1234.5;
  j["crossbar"]["num_tiles"] = 1048576;
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  std::string error;
  std::optional<Target> back = parseTarget(targetToJson(*t), "rt", error);
  ASSERT_TRUE(back) << error;
  expectSameTarget(*back, *t);
  EXPECT_EQ(back->energy.cellReadPJ, 1.0 / 3.0); // bit-exact doubles
  EXPECT_EQ(json::parse(targetToJson(*t)), j);
}

TEST(Target, OptionalPeripheralFields) {
  // Absent: the defaults of the plain scheme.
  std::optional<Target> t = parseOk(defaultJson());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->adcRange, 1.0);
  EXPECT_EQ(t->inputBound, 1.0);
  EXPECT_EQ(t->inputBitDensity, 0.5);
  EXPECT_EQ(t->boundManagement, "none");
  EXPECT_EQ(t->bmMaxIterations, 3);
  EXPECT_EQ(t->device.outputNoise, 0.0);
  EXPECT_EQ(t->device.irDrop, 0.0);

  json j = defaultJson();
  j["crossbar"]["adc_range"] = 0.25;
  j["crossbar"]["input_bound"] = 0.5;
  j["crossbar"]["input_bit_density"] = 0.25;
  j["crossbar"]["bound_management"] = "iterative";
  j["crossbar"]["bm_max_iterations"] = 16;
  j["device"] = {{"model", "pcm"},      {"gmax_us", 25.0},
                 {"rram_sigma", 0.02},  {"stuck_at_0", 0.0},
                 {"stuck_at_max", 0.0}, {"output_noise", 0.04},
                 {"ir_drop", 1}};
  t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->adcRange, 0.25);
  EXPECT_EQ(t->inputBound, 0.5);
  EXPECT_EQ(t->inputBitDensity, 0.25);
  EXPECT_EQ(t->boundManagement, "iterative");
  EXPECT_EQ(t->bmMaxIterations, 16);
  EXPECT_EQ(t->device.outputNoise, 0.04);
  EXPECT_EQ(t->device.irDrop, 1.0);
  // Written back when set, and read back the same.
  EXPECT_EQ(json::parse(targetToJson(*t)), j);
  // Set to their defaults they stay implicit.
  j["crossbar"]["adc_range"] = 1;
  j["crossbar"]["input_bound"] = 1;
  j["crossbar"]["input_bit_density"] = 0.5;
  j["crossbar"]["bound_management"] = "none";
  j["crossbar"].erase("bm_max_iterations");
  j["device"]["ir_drop"] = 0;
  j["device"]["output_noise"] = 0;
  const json back = json::parse(targetToJson(*parseOk(j)));
  EXPECT_EQ(back["crossbar"], defaultJson()["crossbar"]);
  EXPECT_FALSE(back["device"].contains("ir_drop"));
  EXPECT_FALSE(back["device"].contains("output_noise"));

  const std::pair<std::pair<const char *, json>, const char *> bad[] = {
      {{"adc_range", 0},
       "field 'crossbar.adc_range' must be a number in (0, 1], got 0"},
      {{"adc_range", 1.5},
       "field 'crossbar.adc_range' must be a number in (0, 1], got 1.5"},
      {{"adc_range", "1"},
       "field 'crossbar.adc_range' must be a number in (0, 1]"},
      {{"input_bit_density", -0.1},
       "field 'crossbar.input_bit_density' must be a number in [0, 1], got "
       "-0.1"},
      {{"input_bit_density", 1.5},
       "field 'crossbar.input_bit_density' must be a number in [0, 1], got "
       "1.5"},
      {{"bound_management", "always"},
       "field 'crossbar.bound_management' must be one of none, iterative, "
       "got 'always'"},
      {{"bound_management", 1},
       "field 'crossbar.bound_management' must be a non-empty string of at "
       "most 256 bytes"},
      {{"bm_max_iterations", 0},
       "field 'crossbar.bm_max_iterations' must be an integer in [1, 16], "
       "got 0"},
      {{"bm_max_iterations", 17},
       "field 'crossbar.bm_max_iterations' must be an integer in [1, 16], "
       "got 17"},
      {{"bm_max_iterations", 2.0},
       "field 'crossbar.bm_max_iterations' must be an integer in [1, 16]"}};
  for (const auto &[field, message] : bad) {
    json b = defaultJson();
    b["crossbar"][field.first] = field.second;
    EXPECT_EQ(parseError(b), std::string("t.json: ") + message);
  }
  for (const char *name : {"output_noise", "ir_drop"}) {
    json b = j;
    b["device"][name] = -0.5;
    EXPECT_EQ(parseError(b), std::string("t.json: field 'device.") + name +
                                 "' must be a number in [0, 1], got -0.5");
  }
  json typo = defaultJson();
  typo["crossbar"]["adc_rang"] = 0.5;
  EXPECT_THAT(parseError(typo), HasSubstr("unknown field 'crossbar.adc_rang'"));
}

/// Text that nlohmann's parser rejects with other exceptions than
/// parse_error (a number out of double range: out_of_range 406) or that no
/// JSON may hold: one-line errors, nothing thrown.
TEST(Target, HostileTextIsAnErrorNotAnException) {
  const std::string good = defaultJson().dump();
  auto error = [](const std::string &text) {
    std::string e;
    std::optional<Target> t;
    EXPECT_NO_THROW(t = parseTarget(text, "t.json", e));
    EXPECT_FALSE(t.has_value());
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    return e;
  };
  std::string huge = good;
  huge.replace(huge.find("\"lanes\":"), 8, "\"lanes\":1e999,\"x\":");
  EXPECT_EQ(error(huge),
            "t.json: invalid JSON: number overflow parsing '1e999'");
  std::string bad = good;
  bad.insert(bad.find("default-rram-128"), "\xff");
  EXPECT_THAT(error(bad), HasSubstr("t.json: invalid JSON: parse error"));
  EXPECT_THAT(error(std::string(kMaxTargetBytes + 1, ' ')),
              HasSubstr("a target is at most 1048576 bytes of JSON, got "
                        "1048577"));
  EXPECT_THAT(error(std::string(100000, '[')), HasSubstr("invalid JSON"));
  // A long name, and a key shown escaped and cut.
  json j = defaultJson();
  j["name"] = std::string(kMaxStringBytes + 1, 'n');
  EXPECT_THAT(parseError(j), HasSubstr("field 'name' must be a non-empty "
                                       "string of at most 256 bytes"));
  j = defaultJson();
  j["crossbar"]["bad\nkey" + std::string(100, 'k')] = 1;
  EXPECT_THAT(parseError(j), HasSubstr("unknown field 'crossbar.bad\\x0akey"
                                       "kkkkk"));
}

TEST(Target, BundledTargetsByName) {
  const std::string dir = imc::test::sourceDir() + "/targets";
  setBundledTargetDir(dir);
  std::string error;
  std::optional<Target> t = loadTarget("rram-22nm", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->name, "rram-22nm");
  std::optional<std::string> path = resolveTargetPath("default", error);
  ASSERT_TRUE(path) << error;
  EXPECT_EQ(*path, dir + "/default.json");
  // Only bare names are looked up.
  EXPECT_FALSE(resolveTargetPath("default.json", error));
  EXPECT_FALSE(resolveTargetPath("./default", error));
  EXPECT_FALSE(loadTarget("rram-23nm", error));
  EXPECT_EQ(error, "no target file 'rram-23nm' (and no bundled target of that "
                   "name; bundled: default, pcm-22nm, rram-22nm, sram-22nm)");
  setBundledTargetDir("");
  EXPECT_FALSE(loadTarget("rram-22nm", error));
  EXPECT_THAT(error, HasSubstr("bundled: none found"));
}

TEST(Target, LoadMissingFile) {
  const std::string path = imc::test::tempPath("no-such-target.json");
  std::string error;
  EXPECT_FALSE(loadTarget(path, error).has_value());
  EXPECT_EQ(error, "no target file '" + path +
                       "' (and no bundled target of that name; bundled: "
                       "none found)");
}

TEST(Target, LoadFilePrefixesErrorsWithPath) {
  json j = defaultJson();
  j["crossbar"]["rows"] = 0;
  const std::string path = imc::test::tempPath("bad-target.json");
  const std::string text = j.dump(2);
  imc::test::writeBinaryFile(path,
                             std::vector<uint8_t>(text.begin(), text.end()));
  std::string error;
  EXPECT_FALSE(loadTarget(path, error).has_value());
  EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
  EXPECT_THAT(error, HasSubstr("crossbar.rows"));
  std::remove(path.c_str());
}

//===----------------------------------------------------------------------===//
// The technology section
//===----------------------------------------------------------------------===//

json techJson(const char *name) {
  return json::parse(imc::test::readTextFile(imc::test::sourceDir() +
                                             "/targets/" + name + ".json"));
}

TEST(Target, BundledTechnologyTargetsParse) {
  for (const char *name : {"default", "rram-22nm", "pcm-22nm", "sram-22nm"}) {
    std::optional<Target> t = parseOk(techJson(name));
    ASSERT_TRUE(t) << name;
    ASSERT_TRUE(t->technology.has_value()) << name;
  }
  std::optional<Target> t = parseOk(techJson("rram-22nm"));
  EXPECT_EQ(t->technology->nodeNm, 22.0);
  EXPECT_EQ(t->technology->cell, "rram");
  EXPECT_EQ(t->dpuPrecision, "fp32");
  // Omitted constants are left to the cost model.
  EXPECT_TRUE(std::isnan(t->energy.cellReadPJ));
  EXPECT_TRUE(std::isnan(t->latency.adcConvNs));
}

TEST(Target, TechnologyMakesConstantsOptional) {
  json j = techJson("default");
  j["energy_pj"].erase("dpu_mul");
  j.erase("latency_ns");
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_TRUE(std::isnan(t->energy.dpuMulPJ));
  EXPECT_EQ(t->energy.dpuAddPJ, 0.9); // given fields stay given
  EXPECT_TRUE(std::isnan(t->latency.rowWriteNs));
  // The round trip keeps given and derived constants apart.
  std::string error;
  std::optional<Target> back = parseTarget(targetToJson(*t), "rt", error);
  ASSERT_TRUE(back) << error;
  EXPECT_TRUE(std::isnan(back->energy.dpuMulPJ));
  EXPECT_EQ(back->energy.dpuAddPJ, 0.9);
  EXPECT_EQ(json::parse(targetToJson(*back)), json::parse(targetToJson(*t)));
}

TEST(Target, ChargeDomainCellCapacitance) {
  json j = techJson("sram-22nm");
  EXPECT_EQ(parseOk(j)->technology->cellCapFF, 0.0); // resistive by default
  j["technology"]["cell_cap_ff"] = 1.5;
  std::optional<Target> t = parseOk(j);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->technology->cellCapFF, 1.5);
  EXPECT_EQ(json::parse(targetToJson(*t))["technology"]["cell_cap_ff"], 1.5);
  for (double bad : {0.0, 1e4}) {
    j["technology"]["cell_cap_ff"] = bad;
    EXPECT_THAT(parseError(j),
                HasSubstr("field 'technology.cell_cap_ff' must be a number "
                          "in (0, 1000]"));
  }
}

TEST(Target, TechnologyRejections) {
  json j = techJson("rram-22nm");
  j["technology"]["cell"] = "mram";
  EXPECT_THAT(parseError(j),
              HasSubstr("'technology.cell' must be one of sram, rram, pcm, "
                        "got 'mram'"));
  j = techJson("rram-22nm");
  j["technology"]["node_nm"] = 5;
  EXPECT_THAT(parseError(j),
              HasSubstr("'technology.node_nm' must be a number in [7, 130]"));
  j = techJson("rram-22nm");
  j["technology"]["g_off_us"] = 20;
  EXPECT_THAT(parseError(j), HasSubstr("'technology.g_off_us' must be at most "
                                       "technology.g_on_us"));
  j = techJson("rram-22nm");
  j["technology"].erase("adc_sar_clock_ghz");
  EXPECT_THAT(parseError(j),
              HasSubstr("missing field 'technology.adc_sar_clock_ghz'"));
  j = techJson("rram-22nm");
  j["technology"]["adc_ghz"] = 1;
  EXPECT_THAT(parseError(j), HasSubstr("unknown field 'technology.adc_ghz'"));
  j = techJson("rram-22nm");
  j["dpu"]["precision"] = "bf16";
  EXPECT_THAT(parseError(j), HasSubstr("'dpu.precision' must be one of fp32, "
                                       "fp16, int32, int8, got 'bf16'"));
  j = techJson("rram-22nm");
  j["energy_pj"] = {{"cell_read", -1}};
  EXPECT_THAT(parseError(j),
              HasSubstr("'energy_pj.cell_read' must be a number in [0, "));
}

} // namespace
