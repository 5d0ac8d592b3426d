//===- CooptTest.cpp - regrets, Pareto fronts and search spaces -----------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "imc/Hardware/Target.h"
#include "imc/Sim/Accuracy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace imc;
using coopt::Design;
using ::testing::HasSubstr;

namespace {

Design design(uint64_t index, double area, std::vector<double> edaps) {
  Design d;
  d.index = index;
  d.areaMm2 = area;
  for (double e : edaps)
    d.workloads.push_back({e, 1.0, e}); // energy, latency, EDAP
  return d;
}

TEST(Coopt, RegretsByHand) {
  // Two workloads; the best EDAPs are 2 (design 1) and 3 (design 0).
  std::vector<Design> ds = {design(0, 1, {4, 3}), design(1, 2, {2, 6}),
                            design(2, 3, {3, 4})};
  coopt::computeRegrets(ds, {});
  EXPECT_DOUBLE_EQ(ds[0].regrets[0], 2.0);
  EXPECT_DOUBLE_EQ(ds[0].regrets[1], 1.0);
  EXPECT_DOUBLE_EQ(ds[1].regrets[1], 2.0);
  EXPECT_DOUBLE_EQ(ds[2].regrets[0], 1.5);
  EXPECT_DOUBLE_EQ(ds[2].regrets[1], 4.0 / 3.0);
  EXPECT_NEAR(ds[0].geomeanRegret, std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(ds[2].geomeanRegret, std::sqrt(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(ds[0].maxRegret, 2.0);
  EXPECT_DOUBLE_EQ(ds[2].maxRegret, 1.5);
  EXPECT_DOUBLE_EQ(ds[2].meanRegret, (1.5 + 4.0 / 3.0) / 2);
  // KAUST's max product: max energy x max latency x area = 4 x 1 x 3.
  EXPECT_DOUBLE_EQ(ds[2].maxProduct, 4.0 * 1.0 * 3.0);
  // Weights: workload 0 runs 3 times as often: exp((3 ln 2 + 0) / 4).
  coopt::computeRegrets(ds, {3, 1});
  EXPECT_NEAR(ds[0].geomeanRegret, std::pow(2.0, 0.75), 1e-15);
  EXPECT_NEAR(ds[1].geomeanRegret, std::pow(2.0, 0.25), 1e-15);
}

TEST(Coopt, ParetoFrontByHand) {
  // (geomean, max, area) per design.
  auto d = [](uint64_t i, double g, double m, double a) {
    Design x;
    x.index = i;
    x.geomeanRegret = g;
    x.maxRegret = m;
    x.areaMm2 = a;
    return x;
  };
  const std::vector<Design> ds = {d(0, 1.0, 1.5, 10),  // best geomean
                                  d(1, 1.1, 1.2, 10),  // better max regret
                                  d(2, 1.2, 1.3, 10),  // dominated by 1
                                  d(3, 1.3, 2.0, 5),   // smallest area
                                  d(4, 1.3, 2.0, 5),   // equal to 3: kept
                                  d(5, 1.4, 2.0, 6),   // dominated by 3
                                  d(6, 1.0, 1.5, 10),  // equal to 0: kept
                                  d(7, 1.0, 1.6, 10)}; // dominated by 0
  const std::vector<size_t> f = coopt::paretoFront(ds);
  EXPECT_EQ(f, (std::vector<size_t>{0, 6, 1, 3, 4}));
  // Brute force: a design is on the front iff no other is <= everywhere
  // and < somewhere.
  for (size_t i = 0; i < ds.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < ds.size(); ++j) {
      const Design &a = ds[j], &b = ds[i];
      const bool le = a.geomeanRegret <= b.geomeanRegret &&
                      a.maxRegret <= b.maxRegret && a.areaMm2 <= b.areaMm2;
      const bool lt = a.geomeanRegret < b.geomeanRegret ||
                      a.maxRegret < b.maxRegret || a.areaMm2 < b.areaMm2;
      dominated |= le && lt;
    }
    EXPECT_EQ(!dominated, std::count(f.begin(), f.end(), i) == 1) << i;
  }
}

/// Spaces name bundled targets: the repository's, for the test's duration.
class CooptSpace : public ::testing::Test {
protected:
  void SetUp() override {
    hw::setBundledTargetDir(std::string(IMC_TEST_SOURCE_DIR) + "/targets");
  }
  void TearDown() override { hw::setBundledTargetDir(""); }
};

std::string spaceError(const std::string &text) {
  std::string error;
  EXPECT_FALSE(coopt::parseSpace(text, "s.json", error)) << text;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  return error;
}

TEST_F(CooptSpace, SpacesParse) {
  std::string error;
  std::optional<coopt::Space> s = coopt::parseSpace(
      R"({"base": "rram-22nm",
          "crossbar.rows": [64, 128, 256],
          "crossbar.adc_bits": {"min": 4, "max": 8, "step": 2},
          "crossbar.weight_mapping": ["differential", "offset"],
          "constraints": {"max_area_mm2": 500, "weights_fit": true},
          "mapping": {"policy": "energy", "replicate": "auto"}})",
      "s.json", error);
  ASSERT_TRUE(s) << error;
  ASSERT_EQ(s->knobs.size(), 3u);
  EXPECT_EQ(s->size(), 3u * 3u * 2u);
  EXPECT_EQ(s->knobs[1].values, (std::vector<std::string>{"4", "6", "8"}));
  // A range of reals: 0.5, 0.6, 0.7, 0.8 (the last despite rounding).
  std::optional<coopt::Space> v = coopt::parseSpace(
      R"({"base": "rram-22nm",
          "technology.vdd": {"min": 0.5, "max": 0.8, "step": 0.1}})",
      "s.json", error);
  ASSERT_TRUE(v) << error;
  EXPECT_EQ(v->knobs[0].values.size(), 4u);
  EXPECT_EQ(s->constraints.maxAreaMm2, 500);
  EXPECT_TRUE(s->constraints.weightsFit);
  EXPECT_EQ(s->map.policy, "energy");
  EXPECT_EQ(s->map.replicate, "auto");
  // The first knob varies fastest: design 4 = rows[1], adc[1], mapping[0].
  EXPECT_EQ(coopt::designValues(*s, 4),
            (std::vector<std::string>{"128", "6", "\"differential\""}));
  const nlohmann::json t = nlohmann::json::parse(coopt::designTarget(*s, 17));
  EXPECT_EQ(t["crossbar"]["rows"], 256);
  EXPECT_EQ(t["crossbar"]["adc_bits"], 8);
  EXPECT_EQ(t["crossbar"]["weight_mapping"], "offset");
  EXPECT_EQ(t["name"], "rram-22nm");
}

TEST_F(CooptSpace, GenesPickKnobValues) {
  // Gene g of a knob of n values picks value floor(g n), the last for 1;
  // the first knob is the index's fastest digit.
  std::string error;
  std::optional<coopt::Space> s = coopt::parseSpace(
      R"({"base": "rram-22nm", "crossbar.rows": [64, 128, 256],
          "crossbar.adc_bits": [4, 8]})",
      "s.json", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(coopt::designOfGenes(*s, {0.0, 0.0}), 0u);
  EXPECT_EQ(coopt::designOfGenes(*s, {0.34, 0.0}), 1u);
  EXPECT_EQ(coopt::designOfGenes(*s, {0.66, 0.0}), 1u);
  EXPECT_EQ(coopt::designOfGenes(*s, {0.67, 0.49}), 2u);
  EXPECT_EQ(coopt::designOfGenes(*s, {1.0, 0.5}), 5u);
  EXPECT_EQ(coopt::designOfGenes(*s, {1.0, 1.0}), 5u);
}

TEST_F(CooptSpace, BadSpacesAreOneLineErrors) {
  EXPECT_THAT(spaceError("[1]"), HasSubstr("s.json: a space must be a JSON "
                                           "object"));
  EXPECT_THAT(spaceError("{"), HasSubstr("s.json: not valid JSON"));
  EXPECT_THAT(spaceError(R"({"crossbar.rows": [64]})"),
              HasSubstr("missing field 'base'"));
  EXPECT_THAT(spaceError(R"({"base": "nope"})"), HasSubstr("base: "));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm", "rows": [64]})"),
              HasSubstr("unknown field 'rows' (a knob is a target field "
                        "'section.field')"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm", "crossbar.rows": []})"),
              HasSubstr("knob 'crossbar.rows' has no values"));
  EXPECT_THAT(
      spaceError(R"({"base": "rram-22nm", "crossbar.rows": [[1]]})"),
      HasSubstr("knob 'crossbar.rows': values must be numbers, strings or "
                "booleans"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm",
                             "crossbar.rows": {"min": 8, "max": 4, "step": 1}})"),
              HasSubstr("knob 'crossbar.rows': needs min <= max and step > 0"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm",
                             "crossbar.rows": {"min": 8, "step": 1}})"),
              HasSubstr("knob 'crossbar.rows': 'max' must be a number"));
  // A value the target refuses, and a field no target has.
  EXPECT_THAT(
      spaceError(R"({"base": "rram-22nm", "crossbar.rows": [64, 9999]})"),
      HasSubstr("knob 'crossbar.rows' = 9999: target: field "
                "'crossbar.rows' must be an integer in [1, 4096]"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm", "crossbar.colour": [1]})"),
              HasSubstr("unknown field 'crossbar.colour'"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm",
                             "constraints": {"area": 3}})"),
              HasSubstr("unknown field 'constraints.area'"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm",
                             "constraints": {"max_area_mm2": -1}})"),
              HasSubstr("'constraints.max_area_mm2' must be a number in"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm", "mapping": {"policy": 1}})"),
              HasSubstr("'mapping.policy' must be a string"));
  EXPECT_THAT(spaceError(R"({"base": "rram-22nm", "technology.vdd":
                    {"min": 0, "max": 18446744073709551615, "step": 1}})"),
              HasSubstr("knob 'technology.vdd' has more than 1048576 values"));
  // 2^36 designs: more than the exhaustive search takes (refused before
  // any value is tried).
  std::string big = R"({"base": "rram-22nm")";
  for (const char *f : {"crossbar.rows", "crossbar.cols", "crossbar.num_tiles"})
    big += std::string(", \"") + f +
           "\": {\"min\": 1, \"max\": 4096, \"step\": 1}";
  EXPECT_THAT(spaceError(big + "}"),
              HasSubstr("the space holds more than 4294967296 designs"));
}

} // namespace

#include "imc/Coopt/Nsga2.h"

namespace {
TEST(Nsga2, NonDominatedSortByHand) {
  auto ind = [](double a, double b) {
    coopt::Individual x;
    x.objectives = {a, b};
    return x;
  };
  std::vector<coopt::Individual> pop = {ind(1, 5), ind(2, 2), ind(5, 1),
                                        ind(3, 3), ind(4, 4), ind(2, 2),
                                        ind(6, 6)};
  coopt::nonDominatedSort(pop);
  const std::vector<size_t> ranks = {0, 0, 0, 1, 2, 0, 3};
  for (size_t i = 0; i < pop.size(); ++i)
    EXPECT_EQ(pop[i].rank, ranks[i]) << i;
}

TEST(Nsga2, BatchesGiveTheSameResultAsSingleCalls) {
  // nsga2 (one call per individual) and nsga2Batch (a generation at once)
  // draw the same random numbers: the same final front.
  auto f = [](const std::vector<double> &x) {
    return std::vector<double>{x[0], (1 - x[0]) * (1 + x[1] * x[1])};
  };
  coopt::Nsga2Options o;
  o.population = 20;
  o.generations = 15;
  uint64_t n1 = 0, n2 = 0;
  size_t batches = 0;
  const std::vector<coopt::Individual> a = coopt::nsga2(2, f, o, &n1);
  const std::vector<coopt::Individual> b = coopt::nsga2Batch(
      2,
      [&](const std::vector<std::vector<double>> &xs) {
        ++batches;
        std::vector<std::vector<double>> out;
        for (const std::vector<double> &x : xs)
          out.push_back(f(x));
        return out;
      },
      o, &n2);
  EXPECT_EQ(n1, 20u * 16u);
  EXPECT_EQ(n2, n1);
  EXPECT_EQ(batches, 16u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].genes, b[i].genes);
}

TEST(Nsga2, ReachesTheFrontOfZdt1) {
  // ZDT1 (Zitzler, Deb, Thiele 2000): 30 genes, f1 = x1, g = 1 + 9 mean(x2..),
  // f2 = g (1 - sqrt(f1 / g)); the Pareto front is g = 1, f2 = 1 - sqrt(f1).
  auto zdt1 = [](const std::vector<double> &x) {
    double s = 0;
    for (size_t i = 1; i < x.size(); ++i)
      s += x[i];
    const double g = 1 + 9 * s / double(x.size() - 1);
    return std::vector<double>{x[0], g * (1 - std::sqrt(x[0] / g))};
  };
  // 250 generations of 100 (25,100 evaluations, the budget of Deb et
  // al.'s ZDT1 runs, whose mean distance to the front is 0.033).
  coopt::Nsga2Options o;
  o.population = 100;
  o.generations = 250;
  o.seed = 7;
  uint64_t calls = 0;
  const std::vector<coopt::Individual> front =
      coopt::nsga2(30, zdt1, o, &calls);
  EXPECT_EQ(calls, 100u + 250u * 100u);
  ASSERT_GE(front.size(), 50u);
  double worst = 0, mean = 0;
  for (const coopt::Individual &x : front) {
    const double d = x.objectives[1] - (1 - std::sqrt(x.objectives[0]));
    worst = std::max(worst, d);
    mean += d / double(front.size());
  }
  EXPECT_LT(worst, 0.02); // every point near the true front
  EXPECT_LT(mean, 0.005);
  EXPECT_LT(front.front().objectives[0], 0.05); // and it is covered end to end
  EXPECT_GT(front.back().objectives[0], 0.95);
  // Deterministic for a seed.
  const std::vector<coopt::Individual> again = coopt::nsga2(30, zdt1, o);
  ASSERT_EQ(again.size(), front.size());
  for (size_t i = 0; i < front.size(); ++i)
    EXPECT_EQ(again[i].objectives, front[i].objectives);
}
} // namespace

namespace {
/// rram-22nm with `edit` applied to its JSON.
hw::Target targetWith(const std::function<void(nlohmann::json &)> &edit) {
  std::string error;
  std::optional<hw::Target> base = hw::loadTarget(
      std::string(IMC_TEST_SOURCE_DIR) + "/targets/rram-22nm.json", error);
  EXPECT_TRUE(base) << error;
  nlohmann::json j = nlohmann::json::parse(hw::targetToJson(*base));
  edit(j);
  std::optional<hw::Target> t = hw::parseTarget(j.dump(), "t", error);
  EXPECT_TRUE(t) << error;
  return *t;
}
} // namespace

TEST(AccuracyProxy, FollowsPrecisionAndNoise) {
  // The calibration error falls as the ADC gains bits, rises with the
  // device's programming noise, equals the quantized error on an ideal
  // device, and is the same for equal keys (deterministic seeds).
  auto adc = [](int bits) {
    return targetWith([&](nlohmann::json &j) {
      j["crossbar"]["adc_bits"] = bits;
      j["device"]["model"] = "ideal";
    });
  };
  const double e4 = sim::calibrationError(adc(4)).quantized,
               e6 = sim::calibrationError(adc(6)).quantized,
               e8 = sim::calibrationError(adc(8)).quantized,
               e12 = sim::calibrationError(adc(12)).quantized;
  EXPECT_GT(e4, e6);
  EXPECT_GT(e6, e8);
  // From 8 bits on, conversions of 32 rows of 2-bit cells with 1-bit DACs
  // (full scale 96) are exact: what is left is the 8-bit weights' and
  // inputs' rounding, about 1%.
  EXPECT_EQ(e8, e12);
  EXPECT_LT(e12, 0.02);
  EXPECT_GT(e12, 0.001);
  const sim::MvmError ideal = sim::calibrationError(adc(8));
  EXPECT_NEAR(ideal.noisy, ideal.quantized, 1e-3 * ideal.quantized);
  auto sigma = [](double s) {
    return targetWith([&](nlohmann::json &j) {
      j["crossbar"]["adc_bits"] = 12;
      j["device"]["rram_sigma"] = s;
    });
  };
  const double n1 = sim::calibrationError(sigma(0.01)).noisy,
               n5 = sim::calibrationError(sigma(0.05)).noisy;
  EXPECT_GT(n5, n1);
  EXPECT_GT(n1, e12);
  EXPECT_EQ(sim::calibrationError(sigma(0.05)).noisy, n5);
  EXPECT_EQ(sim::calibrationKey(sigma(0.05)), sim::calibrationKey(sigma(0.05)));
  EXPECT_NE(sim::calibrationKey(sigma(0.05)), sim::calibrationKey(sigma(0.01)));
  EXPECT_NE(sim::calibrationKey(adc(4)), sim::calibrationKey(adc(8)));
}
