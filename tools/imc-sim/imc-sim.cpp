//===- imc-sim.cpp - run an imc program -----------------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// imc-sim PROG.imcb --input X.npy [--input ...] [--output-dir DIR]
//         [--report REPORT.json] [--csv LAYERS.csv]
//         [--mode ideal|quantized|noisy] [--quiet]
// imc-sim PROG.imcb --cost-only [--report REPORT.json] [--csv LAYERS.csv]
// imc-sim PROG.imcb --dump
// (at least one of --output-dir, --report and --csv)
//
// Every input is checked before anything runs, and nothing is written unless
// the whole run succeeds (results go to temporary files that are renamed at
// the end), so a failing run leaves no partial output.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/ProgramCost.h"
#include "imc/Sim/Simulator.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>
#include <new>
#include <fstream>
#include <iterator>

using namespace llvm;

static cl::opt<std::string> programPath(cl::Positional, cl::Required,
                                        cl::desc("<program.imcb>"));
static cl::list<std::string>
    inputPaths("input", cl::desc("Input .npy for the next argument of the "
                                 "entry function (repeat, in order)"),
               cl::value_desc("file.npy"));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Directory for result<i>.npy"),
              cl::value_desc("dir"));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write the JSON report here"),
                                       cl::value_desc("report.json"));
static cl::opt<std::string>
    modeName("mode", cl::desc("ideal (float, no quantization), quantized "
                              "(the target's weight/DAC/ADC bits) or noisy "
                              "(quantized on noisy devices: docs/noise.md)"),
             cl::init("ideal"));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Noise seed (same seed, same output)"),
                              cl::init(0));
static cl::opt<double>
    driftTime("drift-time",
              cl::desc("Seconds between programming and inference (noisy)"),
              cl::init(0.0));
static cl::opt<bool> noGdc("no-gdc",
                           cl::desc("Disable global drift compensation"));
static cl::opt<std::string> csvPath("csv",
                                    cl::desc("Write the per-layer CSV here"),
                                    cl::value_desc("layers.csv"));
static cl::opt<bool>
    costOnly("cost-only",
             cl::desc("Cost the program without running it (no inputs): "
                      "the report without results"));
static cl::opt<bool> dump("dump",
                          cl::desc("Print the program listing and exit"));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"));

static int fail(const std::string &msg) {
  fmt::print(stderr, "imc-sim: error: {}\n", msg);
  return 1;
}

static bool writeFileAtomically(const std::string &path,
                                const std::string &tmp, std::string &error) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("{}: cannot write", path);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

static int run();

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "imc simulator\n");
  try {
    return run();
  } catch (const std::bad_alloc &) {
    // A program may declare tensors larger than this machine's memory.
    return fail("out of memory: the program's tensors do not fit in memory");
  }
}

static int run() {
  std::optional<imc::sim::Mode> mode = imc::sim::parseMode(modeName);
  if (!mode)
    return fail(fmt::format("--mode must be 'ideal', 'quantized' or 'noisy', "
                            "got '{}'",
                            modeName.getValue()));
  if (*mode != imc::sim::Mode::Noisy &&
      (seed.getNumOccurrences() || driftTime.getNumOccurrences() ||
       noGdc.getNumOccurrences()))
    return fail("--seed, --drift-time and --no-gdc apply to --mode noisy");
  imc::sim::RunOptions options;
  options.mode = *mode;
  options.seed = seed;
  options.driftTime = driftTime;
  options.gdc = !noGdc;
  // A long run shows how far it is on a terminal, and nothing otherwise.
  if (!quiet && isatty(STDERR_FILENO))
    options.progress = imc::sim::terminalProgress("imc-sim");

  std::ifstream in(programPath, std::ios::binary);
  if (!in)
    return fail(fmt::format("{}: cannot open program", programPath.getValue()));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  std::string error;
  std::optional<imc::sim::Simulator> sim =
      imc::sim::Simulator::load(bytes, error);
  if (!sim)
    return fail(fmt::format("{}: {}", programPath.getValue(), error));

  if (dump) {
    fmt::print("{}", imc::sim::dumpProgram(sim->program()));
    return 0;
  }
  if (costOnly && (inputPaths.getNumOccurrences() ||
                   !outputDir.empty() || modeName.getNumOccurrences()))
    return fail("--cost-only takes no --input, --output-dir or --mode");
  if (!reportPath.empty() && reportPath == csvPath)
    return fail("--report and --csv name the same file");
  if (outputDir.empty() && reportPath.empty() && csvPath.empty() && !costOnly)
    return fail("nothing to write: give --output-dir, --report and/or --csv");
  if (!outputDir.empty() && !sys::fs::is_directory(outputDir))
    return fail(fmt::format("--output-dir {}: not a directory",
                            outputDir.getValue()));

  std::vector<imc::sim::Tensor> inputs;
  for (const std::string &path : inputPaths) {
    std::optional<imc::sim::Tensor> t = imc::sim::readNpy(path, error);
    if (!t)
      return fail(error);
    inputs.push_back(std::move(*t));
  }

  std::vector<imc::sim::Tensor> outputs;
  imc::sim::Report report;
  if (costOnly)
    imc::sim::estimate(sim->program(), sim->target(), report);
  else if (!sim->run(inputs, options, outputs, report, error))
    return fail(error);

  // Write everything to temporaries first, then rename.
  std::vector<std::pair<std::string, std::string>> pending;
  auto cleanup = [&] {
    for (auto &[path, tmp] : pending)
      std::remove(tmp.c_str());
  };
  for (size_t i = 0; !outputDir.empty() && i < outputs.size(); ++i) {
    SmallString<256> path(outputDir.getValue());
    sys::path::append(path, fmt::format("result{}.npy", i));
    std::string tmp = std::string(path) + ".tmp";
    pending.emplace_back(std::string(path), tmp);
    if (!imc::sim::writeNpy(tmp, outputs[i], error)) {
      cleanup();
      return fail(error);
    }
  }
  auto writeText = [&](const std::string &path, const std::string &text) {
    std::string tmp = path + ".tmp";
    pending.emplace_back(path, tmp);
    std::ofstream out(tmp);
    out << text;
    if (out.flush())
      return true;
    cleanup();
    error = fmt::format("{}: cannot write", path);
    return false;
  };
  if (!reportPath.empty() && !writeText(reportPath, report.toJson() + "\n"))
    return fail(error);
  if (!csvPath.empty() && !writeText(csvPath, report.toCsv()))
    return fail(error);
  for (size_t i = 0; i < pending.size(); ++i)
    if (!writeFileAtomically(pending[i].first, pending[i].second, error)) {
      for (size_t j = i + 1; j < pending.size(); ++j)
        std::remove(pending[j].second.c_str());
      return fail(error);
    }

  if (!quiet)
    fmt::print("{}", imc::sim::formatSummary(report));
  return 0;
}
