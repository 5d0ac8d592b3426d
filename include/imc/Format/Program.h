//===- Program.h - the imc simulator program and its binary form -*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A Program is what imc-translate emits and imc-sim executes: a target, value
// descriptors, constant weights, and a straight-line instruction stream in
// SSA form (every value is written once). The byte layout is specified in
// docs/binary-format.md; this file is plain C++ so the simulator needs no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_FORMAT_PROGRAM_H
#define IMC_FORMAT_PROGRAM_H

#include "imc/Hardware/Precision.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imc::hw {
struct Target;
} // namespace imc::hw

namespace imc::format {

constexpr char kMagic[4] = {'I', 'M', 'C', 'B'};
constexpr uint16_t kVersionMajor = 1;
/// 1.1: a constant may hold one element for a value of any size (a splat).
/// 1.2: xbar.program may carry a 4th attribute (the weight mapping) and
/// xbar.mvm a 5th (unsigned input codes).
constexpr uint16_t kVersionMinor = 3;

/// Most elements a tensor or tile value may have (16 GiB of f32).
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

/// Longest string in the STRINGS section; every string must be UTF-8.
constexpr size_t kMaxStringBytes = 4096;

enum class SectionKind : uint32_t {
  Target = 1,    ///< the hardware target, as validated JSON text
  Strings = 2,   ///< string table (entry name, layer names)
  Values = 3,    ///< one descriptor per SSA value
  Constants = 4, ///< weights and other constant tensors
  Code = 5,      ///< the instruction stream
  Signature = 6, ///< entry name, argument and result value ids
};

enum class Opcode : uint16_t {
  // Tensor plumbing.
  Empty = 1,        ///< () -> zero tensor
  ExtractSlice = 2, ///< (src) -> slice; attrs: offsets (one per dim)
  InsertSlice = 3,  ///< (src, dest) -> dest'; attrs: offsets (one per dim)
  // Analog crossbar.
  XbarProgram = 16,    ///< (weights KxN) -> tile; attrs: tile, wbits, cbits
                       ///< [, weight mapping (hw::WeightMapping; 0)]
  XbarMvm = 17,        ///< (tile, x MxK) -> MxN; attrs: abits, dbits, adcbits,
                       ///< parallel_rows [, unsigned input (0 | 1; 0)]
  XbarAccumulate = 18, ///< (p0, p1, ...) -> sum
  // Digital processing unit.
  DpuAdd = 32,
  DpuSub = 33,
  DpuMul = 34,
  DpuMax = 35,
  DpuRelu = 36,
  DpuBiasAdd = 37,    ///< (x ...xN, b N) -> x + b broadcast on the last dim
  DpuMatmul = 38,     ///< (a MxK, b KxN) -> MxN
  DpuReduceSum = 39,  ///< (x) -> sum over dim; attrs: dim (result keeps rank)
  DpuRequantize = 40, ///< (x) -> fake-quantized x; attrs: bits
  DpuIm2col = 41,     ///< (x NCHW) -> (N OH OW) x (C KH KW); attrs: kh, kw,
                      ///< stride h, w, pad top, left, bottom, right,
                      ///< dilation h, w
  DpuReshape = 42,    ///< (x) -> same elements, result shape
  DpuTranspose = 43,  ///< (x) -> permuted; attrs: permutation (per dim)
  DpuAffine = 44,     ///< (x, scale, shift) -> x * scale + shift along dim;
                      ///< attrs: dim
  DpuPool = 45,       ///< (x NCHW) -> pooled; attrs: kind (0 max, 1 avg),
                      ///< kh, kw, stride h, w, pad top, left, bottom, right
  DpuGeneric = 46     ///< (inputs..., init) -> result; attrs: the loop nest
                      ///< and body (imc/Format/Generic.h)
};

/// Fixed arity of an opcode; -1 means variadic (at least 2 operands; 1 for
/// dpu.generic).
struct OpcodeInfo {
  Opcode op;
  const char *name;
  int operands;
  int attrs; ///< -1: one per dimension of the result; -2: opcode-specific
  const char *attrNames; ///< comma-separated, for listings
  /// Trailing attributes that may be left out (at their default 0).
  int optionalAttrs = 0;
};

/// Returns the info for a raw opcode value, or nullptr if it is unknown.
const OpcodeInfo *lookupOpcode(uint16_t raw);
const OpcodeInfo &opcodeInfo(Opcode op);

enum class ValueKind : uint8_t { Tensor = 0, Tile = 1 };

struct ValueDesc {
  ValueKind kind = ValueKind::Tensor;
  std::vector<int64_t> shape;
  int64_t numElements() const;
};

struct Constant {
  uint32_t value = 0;
  /// The value's elements in row-major order, or one element that all of
  /// them equal (a splat; format 1.1).
  std::vector<float> data;
  bool isSplat(int64_t numElements) const {
    return data.size() == 1 && numElements != 1;
  }
};

struct Instr {
  Opcode op = Opcode::Empty;
  uint32_t layer = 0; ///< index into strings: where the op came from
  std::vector<uint32_t> operands;
  uint32_t result = 0;
  std::vector<int64_t> attrs;
};

struct Program {
  std::string targetJson;
  std::vector<std::string> strings;
  std::vector<ValueDesc> values;
  std::vector<Constant> constants;
  std::vector<Instr> code;
  uint32_t entryName = 0; ///< index into strings
  std::vector<uint32_t> inputs, outputs;
  /// Set by deserialize (the file's version); serialize writes
  /// kVersionMajor.minorVersionNeeded().
  uint16_t versionMajor = kVersionMajor, versionMinor = kVersionMinor;
};

/// IEEE 802.3 CRC-32 (the zlib/PNG polynomial), as used in the format.
uint32_t crc32(const uint8_t *data, size_t size);

/// Why `s` may not be a program string (longer than kMaxStringBytes, or not
/// UTF-8), or an empty string.
std::string checkString(const std::string &s);

/// The oldest 1.x minor version that can read `p`: 2 when an xbar
/// instruction carries a 1.2 attribute, else 1 (so that a program that
/// uses none of 1.2 is byte for byte what 1.1 wrote).
uint16_t minorVersionNeeded(const Program &p);

/// Encodes a program. The layout is docs/binary-format.md.
std::vector<uint8_t> serialize(const Program &p);

/// Decodes and structurally checks a program: magic, version, sizes, CRCs,
/// value ids in range. On failure returns std::nullopt and sets `error` to
/// one line naming the section and byte offset.
std::optional<Program> deserialize(const uint8_t *data, size_t size,
                                   std::string &error);

/// Checks the semantic rules of a decoded program (docs/binary-format.md,
/// "Validity"): operand arity, SSA order, shapes, and consistency with the
/// target. Returns an empty string when valid, else one line.
std::string verifyProgram(const Program &p, const hw::Target &t);

/// The precision of each tile value's crossbar work, per value id (values
/// that are not tiles get the target's): the weight side from the
/// xbar.program that writes the tile, the input side from the xbar.mvm
/// instructions that read it (a valid program's MVMs of one tile agree; a
/// tile nobody reads keeps the target's). The simulator and the cost model
/// run each tile at this precision, so one layer may run at another
/// precision than the next.
std::vector<hw::XbarPrecision> tilePrecisions(const Program &p,
                                              const hw::Target &t);

/// Which values are non-negative whatever the program's inputs and
/// constants (docs/quantization.md, "Unsigned inputs"), per value id: the
/// results of dpu.relu, of dpu.max with such an operand, of empty, and of
/// the instructions that only move, gather, pool, scale by, add or
/// multiply such values. Constants count as signed: a profile's program has
/// no constant data, and the compiler's analysis (ImcToXbar) decides the
/// same way. The compiler runs an xbar.mvm on unsigned input codes when
/// the target allows it and its input is one of these.
std::vector<char> nonNegativeValues(const Program &p);

/// Index of the last instruction that reads each value; kNeverRead for
/// values no instruction reads. Program results are read at the end, by
/// nobody: callers keep them.
constexpr size_t kNeverRead = size_t(-1);
std::vector<size_t> lastUses(const Program &p);

/// What running a valid program asks of the machine (docs/binary-format.md,
/// "Limits"): the largest number of bytes its values hold at once when each
/// is freed after its last use (tensors 4 bytes an element, tiles
/// 4 * (slices + 1) bytes a weight, an estimate of the simulator's codes
/// and conductances), and its work in elementary steps (a MAC, a window
/// tap, a loop iteration of a dpu.generic times its body, an element
/// copied), saturating at UINT64_MAX.
struct Resources {
  uint64_t peakBytes = 0;
  uint64_t work = 0;
  size_t heaviest = 0; ///< the instruction with the most work
  uint64_t heaviestWork = 0;
};
Resources programResources(const Program &p, const hw::Target &t);

/// Default bounds on a simulation's Resources (imc-sim --max-work and
/// --max-memory raise them).
constexpr uint64_t kDefaultMaxWork = uint64_t(1) << 38;
constexpr uint64_t kDefaultMaxMemoryBytes = uint64_t(16) << 30;

/// Checks `r` against the bounds; an empty string when within them, else one
/// line naming what is exceeded.
std::string checkResources(const Program &p, const Resources &r,
                           uint64_t maxWork, uint64_t maxMemoryBytes);

} // namespace imc::format

#endif // IMC_FORMAT_PROGRAM_H
