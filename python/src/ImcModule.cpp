//===- ImcModule.cpp - the _imc Python extension --------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A plain pybind11 module over imc's C++ API (Debian ships no MLIR Python
// bindings). It registers exactly what imc-opt and imc-translate register
// (imc::registerAllDialects / registerAllPasses), so the tools and Python
// cannot drift apart. The pure-Python package `imc` wraps it.
//
//===----------------------------------------------------------------------===//

#include "imc/Coopt/Coopt.h"
#include "imc/Cost/Profile.h"
#include "imc/Cost/Workload.h"
#include "imc/Hardware/Target.h"
#include "imc/Import/Importer.h"
#include "imc/InitAll.h"
#include "imc/Pipeline/Profile.h"
#include "imc/Sim/Simulator.h"
#include "imc/Support/MlirTextGuard.h"
#include "imc/Support/Text.h"
#include "imc/Support/Tool.h"
#include "imc/Target/SimBinary.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <mutex>

namespace py = pybind11;
using namespace mlir;

namespace {

/// Raised for every compiler or simulator failure; carries the diagnostics.
struct ImcError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void registerPassesOnce() {
  static std::once_flag once;
  std::call_once(once, [] { imc::registerAllPasses(); });
}

/// An MLIR context with imc's dialects that collects diagnostics.
class Context {
public:
  Context() {
    DialectRegistry registry;
    imc::registerAllDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
    ctx.getDiagEngine().registerHandler([this](Diagnostic &d) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << d.getLocation() << ": ";
      switch (d.getSeverity()) {
      case DiagnosticSeverity::Error:
        os << "error: ";
        break;
      case DiagnosticSeverity::Warning:
        os << "warning: ";
        break;
      case DiagnosticSeverity::Remark:
        os << "remark: ";
        break;
      case DiagnosticSeverity::Note:
        os << "note: ";
        break;
      }
      os << d.str();
      messages.push_back(os.str());
      return success();
    });
  }

  /// Throws ImcError with `what` and the diagnostics collected since the
  /// last call.
  [[noreturn]] void fail(const std::string &what) {
    std::string msg = what;
    for (const std::string &m : messages)
      msg += "\n" + m;
    messages.clear();
    throw ImcError(msg);
  }
  std::vector<std::string> takeMessages() {
    std::vector<std::string> out;
    out.swap(messages);
    return out;
  }

  MLIRContext ctx{MLIRContext::Threading::DISABLED};
  std::vector<std::string> messages;
};

/// A parsed module, owned together with (a reference to) its context.
struct Module {
  std::shared_ptr<Context> context;
  mutable OwningOpRef<ModuleOp> op; // its accessors are non-const

  std::string str(bool debugInfo) const {
    std::string text;
    llvm::raw_string_ostream os(text);
    OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo();
    op->print(os, flags);
    return os.str();
  }
};

Module parse(std::shared_ptr<Context> c, const std::string &text,
             const std::string &name) {
  if (std::string why = imc::checkMlirText(text); !why.empty())
    throw ImcError("cannot parse " + name + ": " + why);
  OwningOpRef<ModuleOp> op =
      parseSourceString<ModuleOp>(text, ParserConfig(&c->ctx), name);
  if (!op)
    c->fail("cannot parse " + name);
  return Module{c, std::move(op)};
}

/// Runs a textual pass pipeline ("builtin.module(...)" or just the passes)
/// on a copy of `m`, returning the new module.
Module runPipeline(const Module &m, const std::string &pipeline) {
  registerPassesOnce();
  Context &c = *m.context;
  OwningOpRef<ModuleOp> copy(m.op->clone());
  // Either anchored ("builtin.module(cse,...)") or the bare pass list that
  // imc-opt takes ("cse,..."); both run on the module itself.
  PassManager pm(&c.ctx, ModuleOp::getOperationName());
  std::string errors;
  llvm::raw_string_ostream es(errors);
  StringRef text(pipeline);
  if (text.consume_front("builtin.module(") && text.consume_back(")")) {
    FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, es);
    if (failed(parsed))
      throw ImcError("invalid pass pipeline '" + pipeline + "': " + es.str());
    static_cast<OpPassManager &>(pm) = std::move(*parsed);
  } else if (failed(parsePassPipeline(pipeline, pm, es))) {
    throw ImcError("invalid pass pipeline '" + pipeline + "': " + es.str());
  }
  LogicalResult result = success();
  {
    py::gil_scoped_release release;
    result = pm.run(*copy);
  }
  if (failed(result))
    c.fail("pass pipeline '" + pipeline + "' failed");
  return Module{m.context, std::move(copy)};
}

py::bytes translate(const Module &m) {
  // Serialized once, copied once into the Python object (a program is
  // mostly weights).
  mlir::FailureOr<imc::format::Program> p = imc::buildSimProgram(*m.op);
  if (failed(p))
    m.context->fail("translation to an imc-sim program failed");
  std::vector<uint8_t> bytes = imc::format::serialize(*p);
  *p = imc::format::Program(); // the weights' copy freed before the next
  return py::bytes(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

py::dict loadTarget(const std::string &path) {
  std::string error;
  std::optional<imc::hw::Target> t = imc::hw::loadTarget(path, error);
  if (!t)
    throw ImcError(error);
  py::module_ json = py::module_::import("json");
  return json.attr("loads")(imc::hw::targetToJson(*t));
}

/// Decodes and validates program bytes (raises ImcError).
imc::sim::Simulator loadProgram(const py::bytes &program) {
  std::string raw = program;
  std::vector<uint8_t> bytes(raw.begin(), raw.end());
  std::string error;
  std::optional<imc::sim::Simulator> sim =
      imc::sim::Simulator::load(bytes, error);
  if (!sim)
    throw ImcError("invalid program: " + error);
  return std::move(*sim);
}

/// Simulates a program: numpy arrays in (argument order), numpy arrays and
/// the report's JSON text out.
std::tuple<std::vector<py::array_t<float>>, std::string, std::string,
           std::string>
simulate(const py::bytes &program, const std::vector<py::array> &inputs,
         const std::string &modeName, uint64_t seed, double driftTime, bool gdc,
         bool progress, uint64_t maxWork, uint64_t maxMemory) {
  std::optional<imc::sim::Mode> mode = imc::sim::parseMode(modeName);
  if (!mode)
    throw ImcError("mode must be 'ideal', 'quantized' or 'noisy', got '" +
                   modeName + "'");
  imc::sim::RunOptions options;
  options.mode = *mode;
  options.seed = seed;
  options.driftTime = driftTime;
  options.gdc = gdc;
  options.maxWork = maxWork;
  options.maxMemoryBytes = maxMemory;
  if (progress) // drawn from C++ on stderr: no GIL needed
    options.progress = imc::sim::terminalProgress("imc.simulate");
  imc::sim::Simulator sim = loadProgram(program);
  std::string error;
  std::vector<imc::sim::Tensor> in;
  for (const py::array &a : inputs) {
    auto f = py::array_t<float, py::array::c_style | py::array::forcecast>(a);
    imc::sim::Tensor t;
    t.shape.assign(f.shape(), f.shape() + f.ndim());
    t.data.assign(f.data(), f.data() + f.size());
    in.push_back(std::move(t));
  }
  std::vector<imc::sim::Tensor> out;
  imc::sim::Report report;
  bool ok;
  {
    py::gil_scoped_release release;
    ok = sim.run(std::move(in), options, out, report, error);
  }
  if (!ok)
    throw ImcError(error);
  std::vector<py::array_t<float>> arrays;
  for (const imc::sim::Tensor &t : out) {
    py::array_t<float> a(t.shape);
    std::copy(t.data.begin(), t.data.end(), a.mutable_data());
    arrays.push_back(std::move(a));
  }
  return {std::move(arrays), report.toJson(), imc::sim::formatSummary(report),
          report.toCsv()};
}

/// Costs a program without running it: (report JSON, CSV, summary).
std::tuple<std::string, std::string, std::string>
estimate(const py::bytes &program) {
  imc::sim::Simulator sim = loadProgram(program);
  const std::string why = imc::cost::checkCostable(sim.program(), sim.target());
  if (!why.empty())
    throw ImcError(why);
  imc::sim::Report report;
  {
    py::gil_scoped_release release;
    imc::cost::estimate(sim.program(), sim.target(), report);
  }
  return {report.toJson(), report.toCsv(), imc::sim::formatSummary(report)};
}

/// The workload profile of a module (JSON text).
std::string profile(const Module &m, const std::string &name) {
  FailureOr<imc::cost::Profile> p = imc::buildProfile(*m.op, name);
  if (failed(p))
    m.context->fail("cannot profile the module");
  return imc::cost::profilesToJson({*p});
}

/// Evaluates every profile of `json` on a target: per profile (name,
/// report JSON, CSV, summary).
std::vector<std::tuple<std::string, std::string, std::string, std::string>>
evaluate(const std::string &json, const std::string &targetPath,
         const std::string &policy, double minUtilization,
         double maxAnalogRatio, const std::string &overrides,
         const std::string &replicate) {
  std::string error;
  std::optional<std::vector<imc::cost::Profile>> profiles =
      imc::cost::parseProfiles(json, error);
  if (!profiles)
    throw ImcError("invalid profile: " + error);
  std::optional<imc::hw::Target> t = imc::hw::loadTarget(targetPath, error);
  if (!t)
    throw ImcError(error);
  imc::cost::MapOptions o;
  o.policy = policy;
  o.minUtilization = minUtilization;
  o.maxAnalogRatio = maxAnalogRatio;
  o.overrides = overrides;
  o.replicate = replicate;
  std::vector<std::tuple<std::string, std::string, std::string, std::string>>
      out;
  for (const imc::cost::Profile &p : *profiles) {
    imc::cost::Report r;
    bool ok;
    {
      py::gil_scoped_release release;
      ok = imc::cost::evaluate(p, *t, o, r, error);
    }
    if (!ok)
      throw ImcError(p.name + ": " + error);
    out.emplace_back(p.name, r.toJson(), r.toCsv(), imc::sim::formatSummary(r));
  }
  return out;
}

namespace {
struct CooptInputs {
  std::vector<imc::cost::Profile> profiles;
  imc::coopt::Space space;
};

CooptInputs cooptInputs(const std::string &profilesJson,
                        const std::string &space) {
  std::string error;
  std::optional<std::vector<imc::cost::Profile>> profiles =
      imc::cost::parseProfiles(profilesJson, error);
  if (!profiles)
    throw ImcError("invalid profile: " + error);
  std::optional<imc::coopt::Space> s =
      imc::coopt::parseSpace(space, "space", error);
  if (!s)
    throw ImcError(error);
  return {std::move(*profiles), std::move(*s)};
}
} // namespace

/// imc-coopt on profiles and a space (both JSON text): the result JSON.
/// `remote`, when not None, evaluates NSGA-II's designs: called with a
/// list of design indexes, it returns a list of part JSON texts
/// (coopt_designs' results).
std::string coopt(const std::string &profilesJson, const std::string &space,
                  unsigned threads, std::vector<double> weights,
                  const std::string &search, size_t population,
                  size_t generations, uint64_t seed, py::object remote) {
  CooptInputs in = cooptInputs(profilesJson, space);
  std::string error;
  imc::coopt::Options o;
  o.threads = threads;
  o.weights = std::move(weights);
  if (!remote.is_none())
    o.remote = [&](const std::vector<uint64_t> &indexes,
                   std::string &why) -> std::optional<imc::coopt::Partial> {
      py::gil_scoped_acquire gil;
      std::vector<std::string> texts;
      try {
        texts = remote(indexes).cast<std::vector<std::string>>();
      } catch (const std::exception &e) {
        why = std::string("the remote evaluation failed: ") + e.what();
        return std::nullopt;
      }
      imc::coopt::Partial all;
      for (const std::string &t : texts) {
        std::optional<imc::coopt::Partial> p =
            imc::coopt::parsePartial(t, in.space, in.profiles.size(), why);
        if (!p)
          return std::nullopt;
        all.evaluated += p->evaluated;
        for (imc::coopt::Design &d : p->feasible)
          all.feasible.push_back(std::move(d));
        for (auto &r : p->reasons)
          all.reasons.push_back(std::move(r));
      }
      return all;
    };
  imc::coopt::SearchMethod method;
  method.name = search;
  method.ga.population = population;
  method.ga.generations = generations;
  method.ga.seed = seed;
  std::optional<imc::coopt::Result> r;
  {
    py::gil_scoped_release release;
    r = imc::coopt::search(in.space, in.profiles, o, method, error);
  }
  if (!r)
    throw ImcError(error);
  return imc::coopt::resultToJson(in.space, in.profiles, *r);
}

/// The number of designs of a space (JSON text).
uint64_t cooptSize(const std::string &space) {
  std::string error;
  std::optional<imc::coopt::Space> s =
      imc::coopt::parseSpace(space, "space", error);
  if (!s)
    throw ImcError(error);
  return s->size();
}

/// A part JSON of designs of a space, evaluated by `run(inputs, options,
/// error)` without the GIL.
template <typename Run>
std::string cooptPartJson(const std::string &profilesJson,
                          const std::string &space, unsigned threads, Run run) {
  CooptInputs in = cooptInputs(profilesJson, space);
  std::string error;
  imc::coopt::Options o;
  o.threads = threads;
  std::optional<imc::coopt::Partial> p;
  {
    py::gil_scoped_release release;
    p = run(in, o, error);
  }
  if (!p)
    throw ImcError(error);
  return imc::coopt::partialToJson(*p);
}

/// Positions [begin, end) of the space's evaluation order: a part JSON.
std::string cooptPart(const std::string &profilesJson, const std::string &space,
                      uint64_t begin, uint64_t end, unsigned threads) {
  return cooptPartJson(profilesJson, space, threads,
                       [&](const CooptInputs &in, const imc::coopt::Options &o,
                           std::string &error) {
                         return imc::coopt::evaluatePart(in.space, in.profiles,
                                                         begin, end, o, error);
                       });
}

/// The designs `indexes`: a part JSON.
std::string cooptDesigns(const std::string &profilesJson,
                         const std::string &space,
                         const std::vector<uint64_t> &indexes,
                         unsigned threads) {
  return cooptPartJson(profilesJson, space, threads,
                       [&](const CooptInputs &in, const imc::coopt::Options &o,
                           std::string &error) {
                         return imc::coopt::evaluateDesigns(
                             in.space, in.profiles, indexes, o, error);
                       });
}

/// The result JSON of the parts (part JSON texts) of a whole space.
std::string cooptCombine(const std::string &profilesJson,
                         const std::string &space,
                         const std::vector<std::string> &parts,
                         std::vector<double> weights, double seconds) {
  CooptInputs in = cooptInputs(profilesJson, space);
  std::string error;
  std::vector<imc::coopt::Partial> ps;
  uint64_t evaluated = 0;
  for (const std::string &t : parts) {
    std::optional<imc::coopt::Partial> p =
        imc::coopt::parsePartial(t, in.space, in.profiles.size(), error);
    if (!p)
      throw ImcError(error);
    evaluated += p->evaluated;
    ps.push_back(std::move(*p));
  }
  if (evaluated != in.space.size())
    throw ImcError("the parts hold " + std::to_string(evaluated) +
                   " designs, the space " + std::to_string(in.space.size()));
  for (double x : weights)
    if (!(x > 0 && std::isfinite(x)))
      throw ImcError("workload weights must be positive numbers");
  std::optional<imc::coopt::Result> r =
      imc::coopt::combine(std::move(ps), weights, error);
  if (!r)
    throw ImcError(error);
  r->seconds = seconds;
  return imc::coopt::resultToJson(in.space, in.profiles, *r);
}

std::vector<std::vector<int64_t>> programInputShapes(const py::bytes &program) {
  return loadProgram(program).inputShapes();
}

imc::Importer::Binary binaryKind(const std::string &kind) {
  using Binary = imc::Importer::Binary;
  static const std::map<std::string, Binary> kinds = {
      {"add", Binary::Add}, {"sub", Binary::Sub}, {"mul", Binary::Mul},
      {"div", Binary::Div}, {"max", Binary::Max}, {"min", Binary::Min},
      {"eq", Binary::Eq},   {"ne", Binary::Ne},   {"lt", Binary::Lt},
      {"le", Binary::Le},   {"gt", Binary::Gt},   {"ge", Binary::Ge}};
  auto it = kinds.find(kind);
  if (it == kinds.end())
    throw ImcError("unknown binary '" + kind + "'");
  return it->second;
}

/// The importer, bound with the context it builds in.
struct PyImporter {
  explicit PyImporter(std::shared_ptr<Context> c)
      : context(std::move(c)), impl(context->ctx) {}
  std::shared_ptr<Context> context;
  imc::Importer impl;
};

std::vector<int64_t> shapeOf(const py::array &a) {
  return {a.shape(), a.shape() + a.ndim()};
}

} // namespace

PYBIND11_MODULE(_imc, m) {
  m.doc() = "imc's C++ API (compiler, translator, simulator); use the `imc` "
            "package rather than this module directly.";
  static py::exception<ImcError> imcError(m, "ImcError", PyExc_RuntimeError);
  // No C++ exception reaches Python as anything but ImcError: the importer's
  // std::invalid_argument, an allocation failure, and (a last resort; every
  // input is checked where it is read) anything else. Messages may quote
  // bytes from a file: invalid UTF-8 is replaced so the text converts.
  py::register_exception_translator([](std::exception_ptr p) {
    auto raise = [](const std::string &what) {
      std::string text = what;
      if (!imc::isValidUtf8(text))
        text = imc::quoteForMessage(text, text.size());
      imcError(text.c_str());
    };
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const ImcError &e) {
      raise(e.what());
    } catch (const std::invalid_argument &e) { // the importer's checks
      raise(e.what());
    } catch (const std::bad_alloc &) {
      raise("out of memory: the input needs more memory than this machine "
            "has (see max_memory=)");
    } catch (const py::builtin_exception &) {
      throw; // pybind11's own (argument conversion and the like)
    } catch (const py::error_already_set &) {
      throw; // a Python exception passing through
    } catch (const std::exception &e) {
      raise(std::string("internal error: ") + e.what());
    }
  });
  m.attr("__version__") = imc::version();
  m.def("set_bundled_target_dir", &imc::hw::setBundledTargetDir, py::arg("dir"),
        "Where target names without a path are looked up (the package's "
        "targets folder).");

  py::class_<Context, std::shared_ptr<Context>>(m, "Context")
      .def(py::init<>())
      .def("take_messages", &Context::takeMessages,
           "Diagnostics (remarks, warnings) collected since the last call.");

  py::class_<Module>(m, "Module")
      .def("__str__", [](const Module &mod) { return mod.str(false); })
      .def("to_string", &Module::str, py::arg("debug_info") = false,
           "The module as MLIR text; with debug_info, with locations.")
      .def("to_bytecode",
           [](const Module &mod) {
             std::string bytes;
             llvm::raw_string_ostream os(bytes);
             if (failed(writeBytecodeToFile(*mod.op, os)))
               throw ImcError("cannot write MLIR bytecode");
             return py::bytes(os.str());
           })
      .def_property_readonly("context",
                             [](const Module &mod) { return mod.context; });

  using Unary = imc::Importer::Unary;
  py::class_<PyImporter>(m, "Importer",
                         "Builds linalg-on-tensors layer by layer (the "
                         "torch.fx and ONNX front ends call it).")
      .def(py::init<std::shared_ptr<Context>>())
      .def("input",
           [](PyImporter &i, std::vector<int64_t> shape) {
             return i.impl.input(shape);
           })
      .def("constant",
           [](PyImporter &i, py::array a) {
             auto f =
                 py::array_t<float, py::array::c_style | py::array::forcecast>(
                     a);
             return i.impl.constant(shapeOf(f),
                                    llvm::ArrayRef<float>(f.data(), f.size()));
           })
      .def(
          "linear",
          [](PyImporter &i, int64_t x, int64_t w, std::optional<int64_t> b,
             const std::string &name,
             bool inOut) { return i.impl.linear(x, w, b, name, inOut); },
          py::arg("x"), py::arg("w"), py::arg("b"), py::arg("name"),
          py::arg("in_out") = false)
      .def("conv2d",
           [](PyImporter &i, int64_t x, int64_t w, std::optional<int64_t> b,
              std::vector<int64_t> stride, std::vector<int64_t> padding,
              std::vector<int64_t> dilation, int64_t groups,
              const std::string &name) {
             return i.impl.conv2d(x, w, b, stride, padding, dilation, groups,
                                  name);
           })
      .def("batch_norm",
           [](PyImporter &i, int64_t x, int64_t mean, int64_t var, int64_t g,
              int64_t b, double eps, const std::string &name) {
             return i.impl.batchNorm(x, mean, var, g, b, eps, name);
           })
      .def("unary",
           [](PyImporter &i, const std::string &kind, int64_t x,
              const std::string &name) {
             static const std::map<std::string, Unary> kinds = {
                 {"relu", Unary::Relu},
                 {"relu6", Unary::Relu6},
                 {"sigmoid", Unary::Sigmoid},
                 {"tanh", Unary::Tanh},
                 {"gelu", Unary::Gelu},
                 {"silu", Unary::Silu},
                 {"hardswish", Unary::Hardswish},
                 {"hardsigmoid", Unary::Hardsigmoid},
                 {"erf", Unary::Erf},
                 {"sqrt", Unary::Sqrt},
                 {"exp", Unary::Exp},
                 {"log", Unary::Log},
                 {"abs", Unary::Abs},
                 {"neg", Unary::Neg}};
             auto it = kinds.find(kind);
             if (it == kinds.end())
               throw ImcError("unknown unary '" + kind + "'");
             return i.impl.unary(it->second, x, name);
           })
      .def("binary",
           [](PyImporter &i, const std::string &kind, int64_t a, int64_t b,
              const std::string &name) {
             return i.impl.binary(binaryKind(kind), a, b, name);
           })
      .def("select",
           [](PyImporter &i, int64_t c, int64_t a, int64_t b,
              const std::string &name) { return i.impl.select(c, a, b, name); })
      .def(
          "expand",
          [](PyImporter &i, int64_t x, std::vector<int64_t> shape,
             const std::string &name) { return i.impl.expand(x, shape, name); })
      .def("slice",
           [](PyImporter &i, int64_t x, std::vector<int64_t> offsets,
              std::vector<int64_t> sizes, const std::string &name) {
             return i.impl.slice(x, offsets, sizes, name);
           })
      .def("bias_add",
           [](PyImporter &i, int64_t x, int64_t b, const std::string &name) {
             return i.impl.biasAdd(x, b, name);
           })
      .def("scalar",
           [](PyImporter &i, const std::string &kind, int64_t x, double v,
              bool scalarFirst, const std::string &name) {
             return i.impl.scalar(binaryKind(kind), x, v, scalarFirst, name);
           })
      .def("softmax",
           [](PyImporter &i, int64_t x, const std::string &name) {
             return i.impl.softmax(x, name);
           })
      .def("layer_norm",
           [](PyImporter &i, int64_t x, std::optional<int64_t> g,
              std::optional<int64_t> b, double eps, const std::string &name) {
             return i.impl.layerNorm(x, g, b, eps, name);
           })
      .def(
          "permute",
          [](PyImporter &i, int64_t x, std::vector<int64_t> perm,
             const std::string &name) { return i.impl.permute(x, perm, name); })
      .def("concat",
           [](PyImporter &i, std::vector<int64_t> xs, int64_t dim,
              const std::string &name) { return i.impl.concat(xs, dim, name); })
      .def("matmul",
           [](PyImporter &i, int64_t a, int64_t b, const std::string &name) {
             return i.impl.matmul(a, b, name);
           })
      .def("mean",
           [](PyImporter &i, int64_t x, std::vector<int64_t> dims, bool keep,
              const std::string &name) {
             return i.impl.mean(x, dims, keep, name);
           })
      .def("pool2d",
           [](PyImporter &i, bool max, int64_t x, std::vector<int64_t> k,
              std::vector<int64_t> s, std::vector<int64_t> p,
              const std::string &name) {
             return i.impl.pool2d(max, x, k, s, p, name);
           })
      .def("global_avg_pool",
           [](PyImporter &i, int64_t x, const std::string &name) {
             return i.impl.globalAvgPool(x, name);
           })
      .def("reshape",
           [](PyImporter &i, int64_t x, std::vector<int64_t> shape,
              const std::string &name) {
             return i.impl.reshape(x, shape, name);
           })
      .def("shape", [](PyImporter &i, int64_t v) { return i.impl.shape(v); })
      .def("finish", [](PyImporter &i, std::vector<int64_t> outputs) {
        OwningOpRef<ModuleOp> mod = i.impl.finish(outputs);
        if (failed(mlir::verify(*mod))) // the module and every op in it
          i.context->fail("the imported module does not verify");
        return Module{i.context, std::move(mod)};
      });

  m.def("parse", &parse, py::arg("context"), py::arg("text"),
        py::arg("name") = "<string>",
        "Parses MLIR text or bytecode into a module (raises ImcError).");
  m.def("run_pipeline", &runPipeline, py::arg("module"), py::arg("pipeline"),
        "Runs a pass pipeline on a copy of the module and returns it.");
  m.def("translate", &translate, py::arg("module"),
        "Translates a lowered module to imc-sim program bytes.");
  m.def("load_target", &loadTarget, py::arg("path"),
        "Loads and validates a target JSON file; returns it as a dict.");
  m.def("simulate", &simulate, py::arg("program"), py::arg("inputs"),
        py::arg("mode"), py::arg("seed") = 0, py::arg("drift_time") = 0.0,
        py::arg("gdc") = true, py::arg("progress") = false,
        py::arg("max_work") = imc::format::kDefaultMaxWork,
        py::arg("max_memory") = imc::format::kDefaultMaxMemoryBytes,
        "Runs program bytes; returns (numpy arrays, report JSON, summary, "
        "CSV).");
  m.def("estimate", &estimate, py::arg("program"),
        "Costs program bytes without running them; returns (report JSON, "
        "CSV, summary).");
  m.def("profile", &profile, py::arg("module"), py::arg("name"),
        "The workload profile of a module (JSON text).");
  m.def("coopt", &coopt, py::arg("profiles"), py::arg("space"),
        py::arg("threads") = 0, py::arg("weights") = std::vector<double>(),
        py::arg("search") = "exhaustive", py::arg("population") = 70,
        py::arg("generations") = 40, py::arg("seed") = 1,
        py::arg("remote") = py::none(),
        "imc-coopt: the designs of a space on every profile (exhaustive or "
        "NSGA-II); the result JSON (docs/coopt.md)");
  m.def("coopt_size", &cooptSize, py::arg("space"),
        "The number of designs of a space.");
  m.def("coopt_part", &cooptPart, py::arg("profiles"), py::arg("space"),
        py::arg("begin"), py::arg("end"), py::arg("threads") = 0,
        "Positions [begin, end) of a space's evaluation order: a part JSON.");
  m.def("coopt_designs", &cooptDesigns, py::arg("profiles"), py::arg("space"),
        py::arg("indexes"), py::arg("threads") = 0,
        "The given designs of a space: a part JSON.");
  m.def("coopt_combine", &cooptCombine, py::arg("profiles"), py::arg("space"),
        py::arg("parts"), py::arg("weights") = std::vector<double>(),
        py::arg("seconds") = 0.0,
        "The result JSON of the parts of a whole space.");
  m.def("evaluate", &evaluate, py::arg("profile"), py::arg("target"),
        py::arg("policy") = "analog", py::arg("min_utilization") = 0.0,
        py::arg("max_analog_ratio") = 1.0, py::arg("overrides") = "",
        py::arg("replicate") = "1",
        "Costs every profile of a profile JSON on a target without "
        "compiling; returns [(name, report JSON, CSV, summary)].");
  m.def("program_input_shapes", &programInputShapes, py::arg("program"),
        "Shapes of the entry function's arguments.");
}
