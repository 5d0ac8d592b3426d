//===- Resources.cpp - the memory and work a program asks for -------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A valid program may still ask for more than any machine has: a 2 GiB
// tensor, or an average pool whose 2^20 x 2^20 window runs 2^40 steps. The
// simulator checks these figures against documented bounds before it runs
// (docs/binary-format.md, "Limits"), and frees each value after its last use
// (lastUses), as programResources assumes.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Generic.h"
#include "imc/Format/Program.h"
#include "imc/Hardware/Target.h"

#include <fmt/format.h>

#include <limits>

namespace imc::format {

namespace {

constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

uint64_t mul(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

uint64_t add(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? kSaturated : r;
}

uint64_t elements(const std::vector<int64_t> &shape) {
  uint64_t n = 1;
  for (int64_t d : shape)
    n = mul(n, uint64_t(d));
  return n;
}

/// Elementary steps of one instruction of a valid program.
uint64_t workOf(const Program &p, const Instr &in) {
  const auto &res = p.values[in.result].shape;
  auto shape = [&](size_t i) -> const std::vector<int64_t> & {
    return p.values[in.operands[i]].shape;
  };
  const uint64_t e = elements(res);
  switch (in.op) {
  case Opcode::XbarMvm: // M x K by K x N
    return mul(mul(uint64_t(shape(1)[0]), uint64_t(shape(1)[1])),
               uint64_t(res[1]));
  case Opcode::DpuMatmul:
    return mul(e, uint64_t(shape(0)[1]));
  case Opcode::DpuPool: // every output element reads its window
    return mul(e, mul(uint64_t(in.attrs[1]), uint64_t(in.attrs[2])));
  case Opcode::DpuReduceSum:
    return elements(shape(0));
  case Opcode::InsertSlice:
    return add(e, elements(shape(0)));
  case Opcode::XbarAccumulate:
  case Opcode::DpuAdd:
  case Opcode::DpuSub:
  case Opcode::DpuMul:
  case Opcode::DpuMax:
    return mul(e, in.operands.size());
  case Opcode::DpuGeneric: {
    std::vector<std::vector<int64_t>> shapes;
    for (size_t i = 0; i < in.operands.size(); ++i)
      shapes.push_back(shape(i));
    std::vector<int64_t> bounds;
    std::string why;
    std::optional<GenericSpec> spec =
        decodeGeneric(in.attrs, shapes, bounds, why);
    if (!spec) // not a valid program: nothing sensible to count
      return kSaturated;
    return mul(elements(bounds), spec->body.size() + 1);
  }
  default: // one step per result element: copies, element-wise ops
    return e;
  }
}

} // namespace

std::vector<size_t> lastUses(const Program &p) {
  std::vector<size_t> last(p.values.size(), kNeverRead);
  for (size_t i = 0; i < p.code.size(); ++i)
    for (uint32_t o : p.code[i].operands)
      last[o] = i;
  return last;
}

Resources programResources(const Program &p, const hw::Target &t) {
  Resources r;
  const std::vector<hw::XbarPrecision> prec = tilePrecisions(p, t);
  auto bytes = [&](uint32_t id) {
    const ValueDesc &v = p.values[id];
    return mul(elements(v.shape), v.kind == ValueKind::Tile
                                      ? 4 * uint64_t(prec[id].slices() + 1)
                                      : 4);
  };
  const std::vector<size_t> last = lastUses(p);
  std::vector<char> kept(p.values.size(), 0);
  for (uint32_t id : p.outputs)
    kept[id] = 1;
  // Arguments and constants are there from the start.
  uint64_t live = 0;
  for (uint32_t id : p.inputs)
    live = add(live, bytes(id));
  for (const Constant &c : p.constants)
    live = add(live, bytes(c.value));
  r.peakBytes = live;
  std::vector<std::vector<uint32_t>> freedAfter(p.code.size());
  for (uint32_t id = 0; id < p.values.size(); ++id)
    if (!kept[id] && last[id] != kNeverRead)
      freedAfter[last[id]].push_back(id);
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr &in = p.code[i];
    const uint64_t w = workOf(p, in);
    r.work = add(r.work, w);
    if (w > r.heaviestWork) {
      r.heaviestWork = w;
      r.heaviest = i;
    }
    // The result is made while the operands are alive.
    live = add(live, bytes(in.result));
    r.peakBytes = std::max(r.peakBytes, live);
    if (last[in.result] == kNeverRead && !kept[in.result])
      live -= bytes(in.result); // never read: dropped at once
    for (uint32_t id : freedAfter[i])
      live -= bytes(id);
  }
  return r;
}

/// "724 bytes", "1.5 MiB", "3.2 GiB".
static std::string bytesText(uint64_t b) {
  if (b < 1024)
    return fmt::format("{} bytes", b);
  const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(b) / 1024;
  int u = 0;
  for (; v >= 1024 && u < 5; ++u)
    v /= 1024;
  return fmt::format("{:.3g} {}", v, units[u]);
}

std::string checkResources(const Program &p, const Resources &r,
                           uint64_t maxWork, uint64_t maxMemoryBytes) {
  if (r.peakBytes > maxMemoryBytes)
    return fmt::format("the program needs {} of memory at once, more than "
                       "the limit of {} (raise it with --max-memory / "
                       "max_memory=, or simulate a smaller batch)",
                       bytesText(r.peakBytes), bytesText(maxMemoryBytes));
  if (r.work > maxWork)
    return fmt::format(
        "the program asks for {:.3g} steps of work, more than the limit of "
        "{:.3g} (instruction {} ({}) alone: {:.3g}; raise it with --max-work "
        "/ max_work=, or simulate a smaller batch)",
        double(r.work), double(maxWork), r.heaviest,
        opcodeInfo(p.code[r.heaviest].op).name, double(r.heaviestWork));
  return {};
}

} // namespace imc::format
