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

#include "imc/Cost/Workload.h"
#include "imc/Sim/Simulator.h"
#include "imc/Support/Tool.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <new>
#include <unistd.h>

using namespace llvm;

static cl::OptionCategory simCategory("imc-sim options");
static cl::opt<std::string> programPath(cl::Positional, cl::Required,
                                        cl::desc("<program.imcb>"),
                                        cl::cat(simCategory));
static cl::list<std::string>
    inputPaths("input",
               cl::desc("Input .npy for the next argument of the "
                        "entry function (repeat, in order)"),
               cl::value_desc("file.npy"), cl::cat(simCategory));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("Directory for result<i>.npy"),
                                      cl::value_desc("dir"),
                                      cl::cat(simCategory));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write the JSON report here"),
                                       cl::value_desc("report.json"),
                                       cl::cat(simCategory));
static cl::opt<std::string>
    modeName("mode",
             cl::desc("ideal (float, no quantization), quantized "
                      "(the target's weight/DAC/ADC bits) or noisy "
                      "(quantized on noisy devices: docs/noise.md)"),
             cl::init("ideal"), cl::cat(simCategory));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Noise seed (same seed, same output)"),
                              cl::init(0), cl::cat(simCategory));
static cl::opt<double>
    driftTime("drift-time",
              cl::desc("Seconds between programming and inference (noisy)"),
              cl::init(0.0), cl::cat(simCategory));
static cl::opt<bool> noGdc("no-gdc",
                           cl::desc("Disable global drift compensation"),
                           cl::cat(simCategory));
static cl::opt<std::string> csvPath("csv",
                                    cl::desc("Write the per-layer CSV here"),
                                    cl::value_desc("layers.csv"),
                                    cl::cat(simCategory));
static cl::opt<bool>
    costOnly("cost-only",
             cl::desc("Cost the program without running it (no inputs): "
                      "the report without results"),
             cl::cat(simCategory));
static cl::opt<bool> dump("dump",
                          cl::desc("Print the program listing and exit"),
                          cl::cat(simCategory));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"),
                           cl::cat(simCategory));
static cl::opt<double> maxWork(
    "max-work",
    cl::desc("Refuse programs that ask for more steps of work (MACs, window "
             "taps, loop iterations; default 2^38 = 2.7e11)"),
    cl::init(double(imc::format::kDefaultMaxWork)), cl::cat(simCategory));
static cl::opt<double> maxMemory(
    "max-memory",
    cl::desc("Refuse programs whose values need more GiB at once (default "
             "16)"),
    cl::init(double(imc::format::kDefaultMaxMemoryBytes >> 30)),
    cl::value_desc("GiB"), cl::cat(simCategory));

static int fail(const std::string &msg) {
  fmt::print(stderr, "imc-sim: error: {}\n", msg);
  return 1;
}

/// Output files written as `<path>.tmp` and renamed into place by commit();
/// until then, the destructor removes them (and a directory made for them).
struct Outputs {
  std::vector<std::pair<std::string, std::string>> files; ///< (path, tmp)
  std::string createdDir;
  bool committed = false;

  const std::string &add(const std::string &path) {
    files.emplace_back(path, path + ".tmp");
    return files.back().second;
  }
  bool commit(std::string &error) {
    for (auto &[path, tmp] : files)
      if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        error = fmt::format("{}: cannot write", path);
        return false; // the files renamed so far stay: they are complete
      }
    committed = true;
    return true;
  }
  ~Outputs() {
    if (committed)
      return;
    for (auto &[path, tmp] : files)
      std::remove(tmp.c_str());
    if (!createdDir.empty())
      sys::fs::remove(createdDir); // only if still empty
  }
};

static int run();

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  imc::initTool("imc-sim", argv[0], &simCategory);
  // A failed allocation throws std::bad_alloc (InitLLVM made it abort), so
  // that run() unwinds and removes its temporary files.
  std::set_new_handler(nullptr);
  cl::ParseCommandLineOptions(argc, argv, "imc simulator\n");
  try {
    return run();
  } catch (const std::bad_alloc &) {
    // A program may declare tensors larger than this machine's memory.
    return fail("out of memory: the program's tensors do not fit in memory "
                "(see --max-memory)");
  } catch (const std::exception &e) {
    // A last resort: every input is checked where it is read.
    return fail(fmt::format("internal error: {}", e.what()));
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
  if (!(maxWork >= 1 && maxWork <= 1.8e19))
    return fail("--max-work must be a number of steps in [1, 1.8e19]");
  if (!(maxMemory > 0 && maxMemory <= 1.6e10))
    return fail("--max-memory must be a number of GiB in (0, 1.6e10]");
  options.maxWork = uint64_t(maxWork.getValue());
  options.maxMemoryBytes = uint64_t(maxMemory * double(uint64_t(1) << 30));
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
  if (costOnly && (inputPaths.getNumOccurrences() || !outputDir.empty() ||
                   modeName.getNumOccurrences()))
    return fail("--cost-only takes no --input, --output-dir or --mode");
  if (!reportPath.empty() && reportPath == csvPath)
    return fail("--report and --csv name the same file");
  if (outputDir.empty() && reportPath.empty() && csvPath.empty() && !costOnly)
    return fail("nothing to write: give --output-dir, --report and/or --csv");
  // A missing --output-dir is created once the run has succeeded.
  if (!outputDir.empty() && sys::fs::exists(outputDir) &&
      !sys::fs::is_directory(outputDir))
    return fail(
        fmt::format("--output-dir {}: not a directory", outputDir.getValue()));

  std::vector<imc::sim::Tensor> inputs;
  for (const std::string &path : inputPaths) {
    std::optional<imc::sim::Tensor> t = imc::sim::readNpy(path, error);
    if (!t)
      return fail(error);
    inputs.push_back(std::move(*t));
  }

  std::vector<imc::sim::Tensor> outputs;
  imc::sim::Report report;
  if (costOnly) {
    error = imc::cost::checkCostable(sim->program(), sim->target());
    if (!error.empty())
      return fail(error);
    imc::cost::estimate(sim->program(), sim->target(), report);
  }
  else if (!sim->run(std::move(inputs), options, outputs, report, error))
    return fail(error);
  // Everything is written to temporaries first and renamed at the end; on
  // any failure (an exception included) the temporaries, and an output
  // directory this run created, are removed.
  Outputs out;
  if (!outputDir.empty() && !sys::fs::exists(outputDir)) {
    if (std::error_code ec = sys::fs::create_directories(outputDir))
      return fail(fmt::format("--output-dir {}: cannot create: {}",
                              outputDir.getValue(), ec.message()));
    out.createdDir = outputDir;
  }
  for (size_t i = 0; !outputDir.empty() && i < outputs.size(); ++i) {
    SmallString<256> path(outputDir.getValue());
    sys::path::append(path, fmt::format("result{}.npy", i));
    const std::string &tmp = out.add(std::string(path));
    if (!imc::sim::writeNpy(tmp, outputs[i], error))
      return fail(error);
  }
  auto writeText = [&](const std::string &path, const std::string &text) {
    std::ofstream file(out.add(path));
    file << text;
    if (file.flush())
      return true;
    error = fmt::format("{}: cannot write", path);
    return false;
  };
  if (!reportPath.empty() && !writeText(reportPath, report.toJson() + "\n"))
    return fail(error);
  if (!csvPath.empty() && !writeText(csvPath, report.toCsv()))
    return fail(error);
  if (!out.commit(error))
    return fail(error);

  if (!quiet)
    fmt::print("{}", imc::sim::formatSummary(report));
  return 0;
}
