//===- ProfileTest.cpp - the profile evaluator equals estimate ------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Networks are built with the Importer (random weights, fixed seeds),
// profiled once, then for every target and mapping option:
//   evaluate(profile, target)  ==  estimate(compile(network, target))
// to 1e-9 relative on every reported figure. The targets tile differently
// (128 x 16, 256 x 32, 128 x 128 weights per array, and a small one whose
// arrays are shared: over capacity).
//
//===----------------------------------------------------------------------===//

#include "imc/Cost/Profile.h"
#include "imc/Coopt/Coopt.h"
#include "imc/Cost/Workload.h"
#include "imc/Import/Importer.h"
#include "imc/InitAll.h"
#include "imc/Pipeline/Pipeline.h"
#include "imc/Pipeline/Profile.h"
#include "imc/Target/SimBinary.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <random>

using namespace imc;
using ::testing::HasSubstr;

namespace {

std::string targetPath(const std::string &name) {
  return std::string(IMC_TEST_SOURCE_DIR) + "/targets/" + name + ".json";
}

struct Net {
  const char *name;
  std::function<mlir::OwningOpRef<mlir::ModuleOp>(mlir::MLIRContext &)> build;
};

/// Random weights of a shape (uniform in [-1, 1), seeded per tensor).
struct Weights {
  std::mt19937 rng;
  explicit Weights(unsigned seed) : rng(seed) {}
  std::vector<float> make(int64_t n) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float &x : v)
      x = u(rng);
    return v;
  }
  Importer::Handle constant(Importer &im, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return im.constant(shape, make(n));
  }
};

using U = Importer::Unary;

mlir::OwningOpRef<mlir::ModuleOp> mlp(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(1);
  auto x = im.input({4, 300});
  auto h =
      im.linear(x, w.constant(im, {200, 300}), w.constant(im, {200}), "fc1");
  h = im.unary(U::Relu, h, "relu1");
  h = im.linear(h, w.constant(im, {100, 200}), w.constant(im, {100}), "fc2");
  h = im.unary(U::Relu, h, "relu2");
  h = im.linear(h, w.constant(im, {10, 100}), std::nullopt, "fc3");
  return im.finish({h});
}

/// Convolutions with batch norm, pooling, a residual, a grouped and a
/// depthwise convolution (block-diagonal weights), then a classifier.
mlir::OwningOpRef<mlir::ModuleOp> cnn(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(2);
  auto bn = [&](Importer::Handle x, int64_t c, const char *name) {
    std::vector<float> var = w.make(c);
    for (float &v : var)
      v = 1.0f + std::abs(v);
    return im.batchNorm(x, w.constant(im, {c}), im.constant({c}, var),
                        w.constant(im, {c}), w.constant(im, {c}), 1e-5, name);
  };
  auto x = im.input({1, 3, 16, 16});
  auto c1 = im.conv2d(x, w.constant(im, {16, 3, 3, 3}), std::nullopt, {1, 1},
                      {1, 1}, {1, 1}, 1, "conv1");
  c1 = im.unary(U::Relu, bn(c1, 16, "bn1"), "relu1");
  auto p = im.pool2d(true, c1, {2, 2}, {2, 2}, {0, 0}, "pool1");
  auto g = im.conv2d(p, w.constant(im, {32, 4, 3, 3}), w.constant(im, {32}),
                     {1, 1}, {1, 1}, {1, 1}, 4, "grouped");
  auto d = im.conv2d(g, w.constant(im, {32, 1, 3, 3}), std::nullopt, {1, 1},
                     {1, 1}, {1, 1}, 32, "depthwise");
  auto s = im.conv2d(p, w.constant(im, {32, 16, 1, 1}), std::nullopt, {1, 1},
                     {0, 0}, {1, 1}, 1, "shortcut");
  auto r =
      im.unary(U::Relu, im.binary(Importer::Binary::Add, d, s, "add"), "relu2");
  auto gp = im.globalAvgPool(r, "gap");
  auto f = im.reshape(gp, {1, 32}, "flatten");
  f = im.linear(f, w.constant(im, {10, 32}), w.constant(im, {10}), "fc");
  return im.finish({f});
}

/// VGG-like: strided and dilated convolutions, average pooling.
mlir::OwningOpRef<mlir::ModuleOp> vgg(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(3);
  auto x = im.input({1, 3, 32, 32});
  auto h = im.conv2d(x, w.constant(im, {64, 3, 3, 3}), w.constant(im, {64}),
                     {1, 1}, {1, 1}, {1, 1}, 1, "conv1");
  h = im.unary(U::Relu, h, "relu1");
  h = im.conv2d(h, w.constant(im, {96, 64, 3, 3}), w.constant(im, {96}), {2, 2},
                {1, 1}, {1, 1}, 1, "conv2");
  h = im.unary(U::Relu, h, "relu2");
  h = im.conv2d(h, w.constant(im, {128, 96, 3, 3}), std::nullopt, {1, 1},
                {2, 2}, {2, 2}, 1, "conv3");
  h = im.pool2d(false, h, {2, 2}, {2, 2}, {0, 0}, "avgpool");
  h = im.reshape(h, {1, 128 * 8 * 8}, "flatten");
  h = im.linear(h, w.constant(im, {64, 128 * 8 * 8}), w.constant(im, {64}),
                "fc1");
  h = im.linear(im.unary(U::Relu, h, "relu3"), w.constant(im, {10, 64}),
                std::nullopt, "fc2");
  return im.finish({h});
}

/// A transformer-style block: projections, attention scores and softmax on
/// the DPU, layer norm, GELU feed-forward.
mlir::OwningOpRef<mlir::ModuleOp> transformer(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(4);
  const int64_t t = 8, d = 48;
  auto x = im.input({t, d});
  auto q = im.linear(x, w.constant(im, {d, d}), w.constant(im, {d}), "q");
  auto k = im.linear(x, w.constant(im, {d, d}), w.constant(im, {d}), "k");
  auto v = im.linear(x, w.constant(im, {d, d}), w.constant(im, {d}), "v");
  auto kt = im.permute(k, {1, 0}, "kt");
  auto s = im.scalar(Importer::Binary::Mul, im.matmul(q, kt, "scores"), 0.144,
                     false, "scale");
  auto a = im.matmul(im.softmax(s, "softmax"), v, "attend");
  auto o = im.linear(a, w.constant(im, {d, d}), std::nullopt, "out");
  auto h = im.layerNorm(im.binary(Importer::Binary::Add, x, o, "res1"),
                        w.constant(im, {d}), w.constant(im, {d}), 1e-5, "ln1");
  auto f = im.unary(
      U::Gelu,
      im.linear(h, w.constant(im, {4 * d, d}), w.constant(im, {4 * d}), "ff1"),
      "gelu");
  f = im.linear(f, w.constant(im, {d, 4 * d}), w.constant(im, {d}), "ff2");
  return im.finish({im.binary(Importer::Binary::Add, h, f, "res2")});
}

/// Two dense layers sharing one input, concatenated (independent products
/// in one stage), and a wide layer of many column blocks.
mlir::OwningOpRef<mlir::ModuleOp> branches(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(5);
  auto x = im.input({16, 130});
  auto a = im.linear(x, w.constant(im, {70, 130}), std::nullopt, "a");
  auto b = im.linear(x, w.constant(im, {90, 130}), w.constant(im, {90}), "b");
  auto c = im.concat({a, b}, 1, "cat");
  auto y = im.linear(im.unary(U::Sigmoid, c, "sig"), w.constant(im, {600, 160}),
                     std::nullopt, "wide");
  return im.finish({y});
}

/// A layer with all-zero weights (a LoRA B, a zero-initialized residual
/// scale): on crossbars it becomes a constant, and the layer feeding it only
/// is dropped; kept on the DPU, both stay.
mlir::OwningOpRef<mlir::ModuleOp> deadBranch(mlir::MLIRContext &ctx) {
  Importer im(ctx);
  Weights w(6);
  auto x = im.input({4, 64});
  auto a = im.unary(U::Relu,
                    im.linear(x, w.constant(im, {32, 64}), std::nullopt, "a"),
                    "relu_a");
  auto zero =
      im.linear(a, im.constant({64, 32}, std::vector<float>(64 * 32, 0)),
                std::nullopt, "zero");
  auto y = im.linear(x, w.constant(im, {64, 64}), std::nullopt, "b");
  return im.finish({im.binary(Importer::Binary::Add, y, zero, "sum")});
}

const Net kNets[] = {{"deadbranch", deadBranch},
                     {"mlp", mlp},
                     {"cnn", cnn},
                     {"vgg", vgg},
                     {"transformer", transformer},
                     {"branches", branches}};

struct Options {
  const char *policy;
  double minUtilization, maxAnalogRatio;
  const char *replicate = "1";
};

class ProfileVsEstimate : public ::testing::Test {
protected:
  ProfileVsEstimate() {
    imc::registerAllDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
  }

  /// The program `module` compiles to for `target`.
  format::Program compile(mlir::ModuleOp module, const std::string &target,
                          const Options &o) {
    mlir::OwningOpRef<mlir::ModuleOp> m = module.clone();
    mlir::PassManager pm(ctx.get(), mlir::ModuleOp::getOperationName());
    PipelineOptions opts;
    opts.target = target;
    opts.policy = o.policy;
    opts.minUtilization = o.minUtilization;
    opts.maxAnalogRatio = o.maxAnalogRatio;
    opts.replicate = o.replicate;
    buildImcPipeline(pm, opts);
    EXPECT_TRUE(mlir::succeeded(pm.run(*m)));
    mlir::FailureOr<format::Program> p = buildSimProgram(*m);
    EXPECT_TRUE(mlir::succeeded(p));
    return *p;
  }

  mlir::DialectRegistry registry;
  /// The profiles of the MLP and the CNN, in that order (both named "w").
  void profileBoth(std::vector<cost::Profile> &out) {
    for (auto *build : {mlp, cnn}) {
      mlir::OwningOpRef<mlir::ModuleOp> m = build(*ctx);
      mlir::FailureOr<cost::Profile> p = buildProfile(*m, "w");
      ASSERT_TRUE(mlir::succeeded(p));
      out.push_back(*p);
    }
  }

  std::unique_ptr<mlir::MLIRContext> ctx;
};

void expectNear(double got, double want, const std::string &what) {
  const double tol = 1e-9 * std::max(1.0, std::abs(want));
  EXPECT_NEAR(got, want, tol) << what;
}

/// Every figure of the two reports, per layer and in total.
void expectSameReport(const cost::Report &got, const cost::Report &want,
                      const std::string &where) {
  const nlohmann::json g = nlohmann::json::parse(got.toJson()),
                       w = nlohmann::json::parse(want.toJson());
  std::function<void(const nlohmann::json &, const nlohmann::json &,
                     const std::string &)>
      same = [&](const nlohmann::json &a, const nlohmann::json &b,
                 const std::string &path) {
        ASSERT_EQ(a.type(), b.type()) << path;
        if (a.is_object()) {
          ASSERT_EQ(a.size(), b.size()) << path;
          for (auto it = b.begin(); it != b.end(); ++it) {
            ASSERT_TRUE(a.contains(it.key())) << path << "." << it.key();
            same(a[it.key()], it.value(), path + "." + it.key());
          }
        } else if (a.is_array()) {
          ASSERT_EQ(a.size(), b.size()) << path;
          for (size_t i = 0; i < a.size(); ++i)
            same(a[i], b[i], path + "[" + std::to_string(i) + "]");
        } else if (a.is_number_float()) {
          expectNear(a.get<double>(), b.get<double>(), path);
        } else {
          EXPECT_EQ(a, b) << path;
        }
      };
  same(g, w, where);
}

TEST_F(ProfileVsEstimate, EveryNetworkOnEveryTarget) {
  const char *targets[] = {"default", "rram-22nm", "sram-22nm", "pcm-22nm"};
  const Options options[] = {
      {"analog", 0.0, 1.0},      {"analog", 0.2, 1.0},
      {"budget", 0.0, 0.6},      {"digital", 0.0, 1.0},
      {"analog", 0.0, 1.0, "3"}, {"analog", 0.0, 1.0, "auto"},
      {"energy", 0.0, 1.0}};
  int compared = 0;
  for (const Net &net : kNets) {
    mlir::OwningOpRef<mlir::ModuleOp> module = net.build(*ctx);
    ASSERT_TRUE(module) << net.name;
    mlir::FailureOr<cost::Profile> profile = buildProfile(*module, net.name);
    ASSERT_TRUE(mlir::succeeded(profile)) << net.name;
    // Through JSON, as a profile file would be read.
    std::string error;
    std::optional<std::vector<cost::Profile>> read =
        cost::parseProfiles(cost::profilesToJson({*profile}), error);
    ASSERT_TRUE(read) << error;
    for (const char *tname : targets) {
      std::optional<hw::Target> t = hw::loadTarget(targetPath(tname), error);
      ASSERT_TRUE(t) << error;
      for (const Options &o : options) {
        const std::string where = std::string(net.name) + " on " + tname +
                                  " (" + o.policy +
                                  ", replicate=" + o.replicate + ")";
        SCOPED_TRACE(where);
        const format::Program p = compile(*module, targetPath(tname), o);
        cost::Report want, got;
        cost::estimate(p, *t, want);
        cost::MapOptions mo;
        mo.policy = o.policy;
        mo.minUtilization = o.minUtilization;
        mo.maxAnalogRatio = o.maxAnalogRatio;
        mo.replicate = o.replicate;
        ASSERT_TRUE(cost::evaluate(read->front(), *t, mo, got, error)) << error;
        expectSameReport(got, want, where);
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 6 * 4 * 7);
}

TEST_F(ProfileVsEstimate, WeightMappingsAndUnsignedInputs) {
  // Every network with each weight mapping, and with unsigned inputs where
  // the compiler proves them non-negative: the profile evaluator decides
  // on the program (format::nonNegativeValues) what convert-imc-to-xbar
  // decided on the IR, and reads the level tables of the mapping.
  struct Variant {
    const char *base;
    hw::WeightMapping mapping;
    bool unsignedInputs;
  } variants[] = {{"rram-22nm", hw::WeightMapping::Offset, true},
                  {"rram-22nm", hw::WeightMapping::TwosComplement, true},
                  {"rram-22nm", hw::WeightMapping::Differential, true},
                  {"sram-22nm", hw::WeightMapping::Offset, false}};
  std::string error;
  int compared = 0, unsignedMvms = 0;
  for (const Net &net : kNets) {
    mlir::OwningOpRef<mlir::ModuleOp> module = net.build(*ctx);
    ASSERT_TRUE(module) << net.name;
    mlir::FailureOr<cost::Profile> profile = buildProfile(*module, net.name);
    ASSERT_TRUE(mlir::succeeded(profile)) << net.name;
    for (const Variant &v : variants) {
      std::optional<hw::Target> t0 = hw::loadTarget(targetPath(v.base), error);
      ASSERT_TRUE(t0) << error;
      hw::Target t = *t0;
      t.weightMapping = v.mapping;
      t.unsignedActivations = v.unsignedInputs;
      t.name = "mapped";
      const std::string path = ::testing::TempDir() + "/mapped.json";
      {
        std::ofstream f(path);
        f << hw::targetToJson(t);
      }
      std::optional<hw::Target> tt = hw::loadTarget(path, error);
      ASSERT_TRUE(tt) << error;
      const std::string where = std::string(net.name) + " on " + v.base + " (" +
                                hw::weightMappingName(v.mapping) +
                                (v.unsignedInputs ? ", unsigned)" : ")");
      SCOPED_TRACE(where);
      const format::Program p = compile(*module, path, {"analog", 0.0, 1.0});
      for (const format::Instr &in : p.code)
        unsignedMvms += in.op == format::Opcode::XbarMvm &&
                        in.attrs.size() == 5 && in.attrs[4] == 1;
      cost::Report want, got;
      cost::estimate(p, *tt, want);
      ASSERT_TRUE(cost::evaluate(*profile, *tt, {}, got, error)) << error;
      expectSameReport(got, want, where);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 6 * 4);
  EXPECT_GT(unsignedMvms, 0); // the analysis found the ReLUs' consumers
}

TEST_F(ProfileVsEstimate, SharedArraysAndOtherTilings) {
  // Targets that tile the CNN differently and share arrays: 64 x 64 arrays
  // with 8 tiles, 32 x 256 arrays with 4-bit cells, one array.
  const std::string base = targetPath("rram-22nm");
  std::string error;
  std::optional<hw::Target> t0 = hw::loadTarget(base, error);
  ASSERT_TRUE(t0) << error;
  struct Variant {
    int64_t rows, cols, cellBits, tiles;
  } variants[] = {{64, 64, 2, 8}, {32, 256, 4, 16}, {256, 256, 2, 1}};
  mlir::OwningOpRef<mlir::ModuleOp> module = cnn(*ctx);
  mlir::FailureOr<cost::Profile> profile = buildProfile(*module, "cnn");
  ASSERT_TRUE(mlir::succeeded(profile));
  for (const Variant &v : variants) {
    hw::Target t = *t0;
    t.rows = v.rows;
    t.cols = v.cols;
    t.cellBits = v.cellBits;
    t.numTiles = v.tiles;
    t.parallelRows = std::min<int64_t>(t.parallelRows, v.rows);
    t.adcsPerArray = std::min<int64_t>(t.adcsPerArray, v.cols);
    t.name = "variant";
    const std::string path = ::testing::TempDir() + "/variant.json";
    {
      std::ofstream f(path);
      f << hw::targetToJson(t);
    }
    std::optional<hw::Target> tt = hw::loadTarget(path, error);
    ASSERT_TRUE(tt) << error;
    SCOPED_TRACE(hw::targetToJson(*tt));
    const format::Program p = compile(*module, path, {"analog", 0.0, 1.0});
    cost::Report want, got;
    cost::estimate(p, *tt, want);
    ASSERT_TRUE(cost::evaluate(*profile, *tt, {}, got, error)) << error;
    expectSameReport(got, want, "cnn on a variant");
    if (v.tiles == 1)
      EXPECT_GT(want.schedule.reprograms, 0);
  }
}

TEST_F(ProfileVsEstimate, ModulesItCannotProfileAreErrors) {
  // Two layers multiplying one input by equal weights.
  {
    Importer im(*ctx);
    auto x = im.input({2, 8});
    std::vector<float> wv(8 * 8, 0.5f);
    auto a = im.linear(x, im.constant({8, 8}, wv), std::nullopt, "a");
    auto b = im.linear(x, im.constant({8, 8}, wv), std::nullopt, "b");
    mlir::OwningOpRef<mlir::ModuleOp> m =
        im.finish({im.binary(Importer::Binary::Add, a, b, "sum")});
    std::string diag;
    mlir::ScopedDiagnosticHandler h(ctx.get(), [&](mlir::Diagnostic &d) {
      diag = d.str();
      return mlir::success();
    });
    EXPECT_TRUE(mlir::failed(buildProfile(*m, "twice")));
    EXPECT_THAT(diag, HasSubstr("multiplies the same input by the same "
                                "weights as another layer"));
  }
  // A lowered module.
  {
    mlir::OwningOpRef<mlir::ModuleOp> m = mlp(*ctx);
    mlir::PassManager pm(ctx.get(), mlir::ModuleOp::getOperationName());
    PipelineOptions opts;
    opts.target = targetPath("default");
    buildImcPipeline(pm, opts);
    ASSERT_TRUE(mlir::succeeded(pm.run(*m)));
    std::string diag;
    mlir::ScopedDiagnosticHandler h(ctx.get(), [&](mlir::Diagnostic &d) {
      diag = d.str();
      return mlir::success();
    });
    EXPECT_TRUE(mlir::failed(buildProfile(*m, "lowered")));
    EXPECT_THAT(diag, HasSubstr("already mapped or lowered"));
  }
}

TEST_F(ProfileVsEstimate, WhatItCannotReproduceIsAnError) {
  mlir::OwningOpRef<mlir::ModuleOp> module = mlp(*ctx);
  mlir::FailureOr<cost::Profile> profile = buildProfile(*module, "mlp");
  ASSERT_TRUE(mlir::succeeded(profile));
  std::string error;
  std::optional<hw::Target> t = hw::loadTarget(targetPath("default"), error);
  ASSERT_TRUE(t) << error;
  cost::Report r;
  cost::MapOptions o;
  o.replicate = "many";
  EXPECT_FALSE(cost::evaluate(*profile, *t, o, r, error));
  EXPECT_THAT(
      error, HasSubstr("replicate must be a count >= 1 or 'auto', got 'many'"));
  o = {};
  o.policy = "greedy";
  EXPECT_FALSE(cost::evaluate(*profile, *t, o, r, error));
  EXPECT_THAT(error, HasSubstr("unknown policy 'greedy'"));
  o = {};
  {
    // Arrays of 100 rows: fc1's 300 rows need level tables for that
    // height, which the profile (powers of two) does not hold; 512 rows
    // cover every weight whole.
    hw::Target odd = *t;
    odd.rows = 100;
    odd.parallelRows = std::min<int64_t>(odd.parallelRows, 100);
    EXPECT_FALSE(cost::evaluate(*profile, odd, o, r, error));
    EXPECT_THAT(error, HasSubstr("the profile holds no cell levels for "
                                 "arrays of 100 rows"));
    odd.rows = 512;
    EXPECT_TRUE(cost::evaluate(*profile, odd, o, r, error)) << error;
  }
  o = {};
  o.overrides = "nosuch=dpu";
  EXPECT_FALSE(cost::evaluate(*profile, *t, o, r, error));
  EXPECT_THAT(error, HasSubstr("override names layer 'nosuch'"));
  // Zeros inside the blocks of a weight that spans several tiles: fc1
  // (300 x 200) on 128 x 16 tiles, the smallest 44 x 8 = 352 weights. 351
  // zeros cannot empty a tile; 352 could.
  cost::Profile holes = *profile;
  holes.weights[0].nonZeros -= 351;
  holes.weights[0].zerosInBlocks += 351;
  EXPECT_TRUE(cost::evaluate(holes, *t, {}, r, error)) << error;
  holes.weights[0].nonZeros -= 1;
  holes.weights[0].zerosInBlocks += 1;
  EXPECT_FALSE(cost::evaluate(holes, *t, {}, r, error));
  EXPECT_THAT(error, HasSubstr("352 of its weights inside their blocks are "
                               "zero, as many as its smallest tile holds"));
}

TEST_F(ProfileVsEstimate, ScatteredZerosAreExact) {
  // A few exact zeros in weights of many tiles (random networks have them,
  // pruned ones have many): no tile can be all zero, so the evaluator is
  // exact.
  Importer im(*ctx);
  Weights w(9);
  auto x = im.input({4, 300});
  std::vector<float> w1 = w.make(200 * 300), w2 = w.make(10 * 200);
  for (size_t i = 0; i < w1.size(); i += 997)
    w1[i] = 0.0f;
  w2[17] = w2[1234] = 0.0f;
  auto h = im.linear(x, im.constant({200, 300}, w1), std::nullopt, "fc1");
  h = im.unary(U::Relu, h, "relu");
  h = im.linear(h, im.constant({10, 200}, w2), std::nullopt, "fc2");
  mlir::OwningOpRef<mlir::ModuleOp> module = im.finish({h});
  mlir::FailureOr<cost::Profile> profile = buildProfile(*module, "zeros");
  ASSERT_TRUE(mlir::succeeded(profile));
  ASSERT_GT(profile->weights[0].zerosInBlocks, 0);
  std::string error;
  for (const char *tname : {"default", "rram-22nm"})
    for (const char *policy : {"analog", "energy"}) {
      SCOPED_TRACE(std::string(tname) + " " + policy);
      std::optional<hw::Target> t = hw::loadTarget(targetPath(tname), error);
      ASSERT_TRUE(t) << error;
      const format::Program p =
          compile(*module, targetPath(tname), {policy, 0.0, 1.0});
      cost::Report want, got;
      cost::estimate(p, *t, want);
      cost::MapOptions mo;
      mo.policy = policy;
      ASSERT_TRUE(cost::evaluate(*profile, *t, mo, got, error)) << error;
      expectSameReport(got, want, tname);
    }
}

} // namespace

namespace {
TEST_F(ProfileVsEstimate, CooptChoosesTheBestDesignAndPredictsItsCosts) {
  // Two workloads on a space of 18 rram-22nm designs (array rows, ADC bits,
  // weight mapping): every design is evaluated; any thread count gives the
  // same result; the chosen one has the smallest geometric-mean regret; and
  // the workloads compiled for the chosen target cost what the search
  // predicted (the same cost model, to 1e-9).
  std::vector<cost::Profile> profiles;
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> modules;
  for (auto *build : {mlp, cnn}) {
    modules.push_back(build(*ctx));
    mlir::FailureOr<cost::Profile> p = buildProfile(*modules.back(), "w");
    ASSERT_TRUE(mlir::succeeded(p));
    profiles.push_back(*p);
  }
  profiles[0].name = "mlp";
  profiles[1].name = "cnn";
  std::string error;
  std::optional<coopt::Space> space =
      coopt::parseSpace(R"({"base": ")" + targetPath("rram-22nm") + R"(",
          "crossbar.rows": [64, 128, 256],
          "crossbar.adc_bits": [4, 6, 8],
          "crossbar.weight_mapping": ["differential", "offset"]})",
                        "space", error);
  ASSERT_TRUE(space) << error;
  coopt::Options one;
  one.threads = 1;
  std::optional<coopt::Result> a =
      coopt::searchExhaustive(*space, profiles, one, error);
  ASSERT_TRUE(a) << error;
  coopt::Options three;
  three.threads = 3;
  std::optional<coopt::Result> b =
      coopt::searchExhaustive(*space, profiles, three, error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(a->evaluated, 18u);
  EXPECT_EQ(a->feasible.size() + a->infeasible, 18u);
  ASSERT_EQ(a->feasible.size(), b->feasible.size());
  for (size_t i = 0; i < a->feasible.size(); ++i) {
    EXPECT_EQ(a->feasible[i].index, b->feasible[i].index);
    EXPECT_EQ(a->feasible[i].geomeanRegret, b->feasible[i].geomeanRegret);
  }
  EXPECT_EQ(a->pareto, b->pareto);
  EXPECT_EQ(a->chosen, b->chosen);
  // The smallest geometric-mean regret, by brute force; some regret is 1
  // for each workload.
  const coopt::Design &c = a->feasible[a->chosen];
  for (const coopt::Design &d : a->feasible)
    EXPECT_LE(c.geomeanRegret, d.geomeanRegret);
  for (size_t w = 0; w < 2; ++w)
    EXPECT_TRUE(std::any_of(
        a->feasible.begin(), a->feasible.end(),
        [&](const coopt::Design &d) { return d.regrets[w] == 1.0; }));
  // The chosen target, compiled for each workload and costed by estimate.
  const std::string path = ::testing::TempDir() + "/chosen.json";
  {
    std::ofstream f(path);
    f << coopt::designTarget(*space, c.index);
  }
  std::optional<hw::Target> t = hw::loadTarget(path, error);
  ASSERT_TRUE(t) << error;
  for (size_t w = 0; w < 2; ++w) {
    const format::Program p = compile(*modules[w], path, {"analog", 0.0, 1.0});
    cost::Report r;
    cost::estimate(p, *t, r);
    EXPECT_NEAR(r.schedule.inferenceEnergyPJ, c.workloads[w].energyPJ,
                1e-9 * c.workloads[w].energyPJ);
    EXPECT_NEAR(r.schedule.inferenceLatencyNs, c.workloads[w].latencyNs,
                1e-9 * c.workloads[w].latencyNs);
    EXPECT_NEAR(r.area.total(), c.areaMm2, 1e-9 * c.areaMm2);
  }
}
} // namespace

namespace {
TEST_F(ProfileVsEstimate, CooptSharedWorkloadsGiveEveryDesignItsOwnFigures) {
  // Designs with one array configuration share their workloads
  // (cost::workloadKey) and are costed with their own converters: every
  // figure of every design equals the one from its own workload, over a
  // space that varies every field the workload depends on, the converters,
  // and fields only the cost model reads (arrays: some designs share them;
  // supply voltage). Parts of the space combine into the same result.
  std::vector<cost::Profile> profiles;
  ASSERT_NO_FATAL_FAILURE(profileBoth(profiles));
  std::string error;
  std::optional<coopt::Space> space =
      coopt::parseSpace(R"({"base": ")" + targetPath("rram-22nm") + R"(",
          "crossbar.num_tiles": [2, 4096],
          "crossbar.adc_bits": [4, 8],
          "crossbar.rows": [64, 128],
          "crossbar.cols": [64, 256],
          "crossbar.cell_bits": [1, 2],
          "crossbar.dac_bits": [1, 2],
          "crossbar.parallel_rows": [16, 64],
          "crossbar.weight_mapping": ["differential", "offset",
                                      "twos_complement"],
          "precision.unsigned_activations": [false, true],
          "precision.weight_bits": [4, 8],
          "precision.activation_bits": [6, 8],
          "technology.vdd": [0.7, 0.8]})",
                        "space", error);
  ASSERT_TRUE(space) << error;
  // The order: arrays, converters and voltage first (they keep the
  // workloads alike), in the order of the file, then the others.
  const std::vector<size_t> order = coopt::evaluationOrder(*space, {});
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 5, 6, 11, 2, 3, 4, 7, 8, 9, 10}));
  coopt::Options shared, own;
  own.shareWorkloads = false;
  std::optional<coopt::Result> a =
      coopt::searchExhaustive(*space, profiles, shared, error);
  ASSERT_TRUE(a) << error;
  std::optional<coopt::Result> b =
      coopt::searchExhaustive(*space, profiles, own, error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(a->evaluated, 6144u);
  EXPECT_GT(a->feasible.size(), 1000u);
  EXPECT_EQ(a->reasons, b->reasons);
  ASSERT_EQ(a->feasible.size(), b->feasible.size());
  for (size_t i = 0; i < a->feasible.size(); ++i) {
    const coopt::Design &x = a->feasible[i], &y = b->feasible[i];
    ASSERT_EQ(x.index, y.index);
    EXPECT_EQ(x.areaMm2, y.areaMm2);
    for (size_t w = 0; w < 2; ++w) {
      EXPECT_EQ(x.workloads[w].energyPJ, y.workloads[w].energyPJ) << x.index;
      EXPECT_EQ(x.workloads[w].latencyNs, y.workloads[w].latencyNs) << x.index;
    }
  }
  EXPECT_EQ(a->pareto, b->pareto);
  // Three parts, combined in another order.
  std::vector<coopt::Partial> parts;
  for (auto [begin, end] :
       {std::pair<uint64_t, uint64_t>{4000, 6144}, {0, 1}, {1, 4000}}) {
    std::optional<coopt::Partial> p =
        coopt::evaluatePart(*space, profiles, begin, end, shared, error);
    ASSERT_TRUE(p) << error;
    parts.push_back(std::move(*p));
  }
  std::optional<coopt::Result> c = coopt::combine(std::move(parts), {}, error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->feasible.size(), a->feasible.size());
  for (size_t i = 0; i < c->feasible.size(); ++i)
    EXPECT_EQ(c->feasible[i].geomeanRegret, a->feasible[i].geomeanRegret);
  EXPECT_EQ(c->pareto, a->pareto);
  EXPECT_EQ(c->chosen, a->chosen);
  EXPECT_EQ(c->reasons, a->reasons);
  EXPECT_FALSE(coopt::evaluatePart(*space, profiles, 10, 6145, shared, error));
  EXPECT_NE(error.find("not a part"), std::string::npos) << error;
}
} // namespace

namespace {
TEST_F(ProfileVsEstimate, CooptConstraintsAgreeWithTheReports) {
  // Area budget and weights that must fit are checked before costing: the
  // designs they exclude are those whose reports (cost::evaluate on each
  // design's target) break them, and the feasible designs' figures are
  // the reports'.
  std::vector<cost::Profile> profiles;
  ASSERT_NO_FATAL_FAILURE(profileBoth(profiles));
  std::string error;
  // The budget: between the smallest and the largest chip of the space.
  std::optional<coopt::Space> space =
      coopt::parseSpace(R"({"base": ")" + targetPath("rram-22nm") + R"(",
          "crossbar.num_tiles": [1, 2, 8, 64, 4096],
          "crossbar.rows": [64, 256],
          "constraints": {"weights_fit": true, "max_area_mm2": 20}})",
                        "space", error);
  ASSERT_TRUE(space) << error;
  coopt::Options o;
  std::optional<coopt::Result> r =
      coopt::searchExhaustive(*space, profiles, o, error);
  ASSERT_TRUE(r) << error;
  uint64_t over = 0, unfit = 0;
  size_t next = 0;
  for (uint64_t i = 0; i < space->size(); ++i) {
    std::optional<hw::Target> t =
        hw::parseTarget(coopt::designTarget(*space, i), "design", error);
    ASSERT_TRUE(t) << error;
    std::vector<cost::Report> reports(2);
    for (size_t w = 0; w < 2; ++w)
      ASSERT_TRUE(cost::evaluate(profiles[w], *t, {}, reports[w], error))
          << error;
    const double area = reports[0].area.total();
    if (area > 20) {
      ++over;
      continue;
    }
    if (reports[0].tilesProgrammed > t->numTiles ||
        reports[1].tilesProgrammed > t->numTiles) {
      ++unfit;
      continue;
    }
    ASSERT_LT(next, r->feasible.size());
    const coopt::Design &d = r->feasible[next++];
    EXPECT_EQ(d.index, i);
    EXPECT_EQ(d.areaMm2, area);
    for (size_t w = 0; w < 2; ++w)
      EXPECT_EQ(d.workloads[w].energyPJ, reports[w].schedule.inferenceEnergyPJ);
  }
  EXPECT_EQ(next, r->feasible.size());
  EXPECT_GT(over, 0u);
  EXPECT_GT(unfit, 0u);
  EXPECT_GT(r->feasible.size(), 0u);
  std::map<std::string, uint64_t> reasons(r->reasons.begin(), r->reasons.end());
  EXPECT_EQ(reasons["over the area budget"], over);
  EXPECT_EQ(reasons["the weights do not fit"], unfit);
}
} // namespace

namespace {
/// A space where branch and bound has knobs to relax (supply, converters,
/// ADCs per array, DPU lanes, buffer) and knobs to branch on (arrays, array
/// shape, cell bits, mapping, ADC kind).
std::string bnbSpace(const std::string &base, const std::string &constraints) {
  return R"({"base": ")" + base + R"(",
      "crossbar.num_tiles": [2, 256],
      "crossbar.rows": [64, 128],
      "crossbar.cols": [64, 256],
      "crossbar.cell_bits": [1, 2],
      "crossbar.weight_mapping": ["differential", "offset"],
      "crossbar.adc_kind": ["sar", "sense_amp"],
      "technology.vdd": [0.6, 0.9],
      "crossbar.adc_bits": [4, 6, 8],
      "crossbar.adcs_per_array": [8, 32],
      "dpu.lanes": [16, 256],
      "technology.buffer_kib": [64, 1024],
      "crossbar.dac_bits": [1, 2])" +
         constraints + "}";
}

TEST_F(ProfileVsEstimate, CooptBranchAndBoundFindsTheExhaustiveOptimum) {
  // Branch and bound returns the exhaustive search's chosen design and
  // every workload's best EDAP, evaluating fewer designs; every box it
  // pruned holds only designs at or above its bounds (checked against the
  // exhaustive figures), and its bounds are above the optimum; the same
  // result on 1 and 2 threads.
  std::vector<cost::Profile> profiles;
  ASSERT_NO_FATAL_FAILURE(profileBoth(profiles));
  const std::string base = targetPath("rram-22nm");
  for (const std::string &constraints :
       {std::string(), std::string(R"(, "constraints": {"max_area_mm2": 3,
            "weights_fit": true, "max_mvm_error": 0.5})")}) {
    SCOPED_TRACE(constraints);
    std::string error;
    std::optional<coopt::Space> space =
        coopt::parseSpace(bnbSpace(base, constraints), "space", error);
    ASSERT_TRUE(space) << error;
    coopt::Options o;
    std::optional<coopt::Result> ex =
        coopt::searchExhaustive(*space, profiles, o, error);
    ASSERT_TRUE(ex) << error;
    std::optional<coopt::Result> bb =
        coopt::searchBranchAndBound(*space, profiles, o, error);
    ASSERT_TRUE(bb) << error;
    EXPECT_EQ(bb->method, "bnb");
    const coopt::Certificate &c = bb->certificate;
    EXPECT_EQ(c.cells, 64u);
    EXPECT_EQ(c.relaxed, (std::vector<size_t>{6, 7, 8, 9, 10, 11}));
    EXPECT_EQ(bb->evaluated + c.prunedDesigns, space->size());
    EXPECT_LT(bb->evaluated, space->size() / 2);
    const coopt::Design &want = ex->feasible[ex->chosen],
                        &got = bb->feasible[bb->chosen];
    EXPECT_EQ(got.index, want.index);
    EXPECT_EQ(got.regrets, want.regrets);
    EXPECT_EQ(got.geomeanRegret, want.geomeanRegret);
    // Every workload's best, and the exhaustive figures by index.
    std::map<uint64_t, const coopt::Design *> all;
    for (const coopt::Design &d : ex->feasible)
      all[d.index] = &d;
    for (size_t w = 0; w < 2; ++w) {
      double best = INFINITY;
      for (const coopt::Design &d : ex->feasible)
        best = std::min(best, std::log(d.workloads[w].edap));
      EXPECT_EQ(c.best[w], best);
    }
    for (const coopt::Design &d : bb->feasible) {
      ASSERT_TRUE(all.count(d.index));
      EXPECT_EQ(d.workloads[0].edap, all[d.index]->workloads[0].edap);
      EXPECT_EQ(d.workloads[1].edap, all[d.index]->workloads[1].edap);
    }
    // The pruned boxes: each design of them is feasible-and-above or
    // infeasible.
    uint64_t checked = 0;
    // Each design's knob positions (the first knob varies fastest).
    std::vector<std::vector<size_t>> pos(space->size());
    for (uint64_t i = 0; i < space->size(); ++i)
      for (uint64_t k = 0, x = i; k < space->knobs.size(); ++k) {
        pos[i].push_back(x % space->knobs[k].values.size());
        x /= space->knobs[k].values.size();
      }
    for (const coopt::Certificate::Box &b : c.pruned) {
      uint64_t n = 0;
      for (uint64_t i = 0; i < space->size(); ++i) {
        bool in = true;
        for (size_t k = 0; k < space->knobs.size() && in; ++k) {
          const auto rel = std::find(c.relaxed.begin(), c.relaxed.end(), k);
          if (rel == c.relaxed.end()) {
            in = pos[i][k] == pos[b.first][k];
            continue;
          }
          const size_t j = size_t(rel - c.relaxed.begin());
          in = pos[i][k] >= b.lo[j] && pos[i][k] < b.hi[j];
        }
        if (!in)
          continue;
        ++n;
        auto it = all.find(i);
        if (it == all.end())
          continue; // infeasible
        EXPECT_TRUE(b.infeasible.empty()) << i << ": " << b.infeasible;
        double joint = 0;
        for (size_t w = 0; w < 2; ++w) {
          const double le = std::log(it->second->workloads[w].edap);
          EXPECT_GE(le, b.workloads[w] - c.margin) << i;
          joint += le / 2;
        }
        EXPECT_GE(joint, b.bound - 1e-9) << i;
        ++checked;
      }
      EXPECT_EQ(n, b.designs);
      if (b.infeasible.empty()) {
        bool above = b.bound > c.optimum + c.margin;
        for (size_t w = 0; w < 2; ++w)
          above = above && b.workloads[w] > c.best[w] + c.margin;
        EXPECT_TRUE(above);
      }
    }
    EXPECT_GT(checked, 0u);
    // Threads change nothing.
    coopt::Options one;
    one.threads = 1;
    std::optional<coopt::Result> bb1 =
        coopt::searchBranchAndBound(*space, profiles, one, error);
    ASSERT_TRUE(bb1) << error;
    EXPECT_EQ(bb1->evaluated, bb->evaluated);
    EXPECT_EQ(bb1->certificate.pruned.size(), c.pruned.size());
    EXPECT_EQ(bb1->chosen, bb->chosen);
    EXPECT_EQ(bb1->pareto, bb->pareto);
  }
}
} // namespace
