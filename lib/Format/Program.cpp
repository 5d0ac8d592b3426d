//===- Program.cpp - imc simulator program binary encoding ----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Program.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace imc::format {

static const OpcodeInfo kOpcodes[] = {
    {Opcode::Empty, "empty", 0, 0, ""},
    {Opcode::ExtractSlice, "extract_slice", 1, -1, "offsets"},
    {Opcode::InsertSlice, "insert_slice", 2, -1, "offsets"},
    {Opcode::XbarProgram, "xbar.program", 1, 3,
     "tile,weight_bits,cell_bits,weight_mapping", 1},
    {Opcode::XbarMvm, "xbar.mvm", 2, 4,
     "input_bits,dac_bits,adc_bits,parallel_rows,unsigned_input", 1},
    {Opcode::XbarAccumulate, "xbar.accumulate", -1, 0, ""},
    {Opcode::DpuAdd, "dpu.add", 2, 0, ""},
    {Opcode::DpuSub, "dpu.sub", 2, 0, ""},
    {Opcode::DpuMul, "dpu.mul", 2, 0, ""},
    {Opcode::DpuMax, "dpu.max", 2, 0, ""},
    {Opcode::DpuRelu, "dpu.relu", 1, 0, ""},
    {Opcode::DpuBiasAdd, "dpu.bias_add", 2, 0, ""},
    {Opcode::DpuMatmul, "dpu.matmul", 2, 0, ""},
    {Opcode::DpuReduceSum, "dpu.reduce_sum", 1, 1, "dim"},
    {Opcode::DpuRequantize, "dpu.requantize", 1, 1, "bits"},
    {Opcode::DpuIm2col, "dpu.im2col", 1, 10,
     "kh,kw,stride_h,stride_w,pad_t,pad_l,pad_b,pad_r,dil_h,dil_w"},
    {Opcode::DpuReshape, "dpu.reshape", 1, 0, ""},
    {Opcode::DpuTranspose, "dpu.transpose", 1, -1, "permutation"},
    {Opcode::DpuAffine, "dpu.affine", 3, 1, "dim"},
    {Opcode::DpuPool, "dpu.pool", 1, 9,
     "kind,kh,kw,stride_h,stride_w,pad_t,pad_l,pad_b,pad_r"},
    {Opcode::DpuGeneric, "dpu.generic", -1, -2, "loop nest and body"},
};

const OpcodeInfo *lookupOpcode(uint16_t raw) {
  for (const OpcodeInfo &info : kOpcodes)
    if (uint16_t(info.op) == raw)
      return &info;
  return nullptr;
}

const OpcodeInfo &opcodeInfo(Opcode op) { return *lookupOpcode(uint16_t(op)); }

int64_t ValueDesc::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

uint32_t crc32(const uint8_t *data, size_t size) {
  // Slicing by 8 (eight tables, eight bytes a step): the same CRC-32 as the
  // byte-at-a-time loop at the end, several times faster on weights.
  static const std::array<std::array<uint32_t, 256>, 8> t = [] {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int k = 1; k < 8; ++k)
        t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint32_t lo, hi; // little-endian words, as the format
    std::memcpy(&lo, data + i, 4);
    std::memcpy(&hi, data + i + 4, 4);
    lo ^= c;
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^
        t[4][lo >> 24] ^ t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^
        t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
  }
  for (; i < size; ++i)
    c = t[0][(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

std::string checkString(const std::string &s) {
  if (s.size() > kMaxStringBytes)
    return fmt::format("is {} bytes long, more than the {} allowed", s.size(),
                       kMaxStringBytes);
  if (!isValidUtf8(s))
    return "is not valid UTF-8";
  return {};
}

namespace {

constexpr size_t kHeaderSize = 32;
constexpr size_t kSectionEntrySize = 24;

class Writer {
public:
  std::vector<uint8_t> bytes;
  template <typename T> void put(T v) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T)); // the format is little-endian, as is
    bytes.insert(bytes.end(), raw, raw + sizeof(T)); // every supported host
  }
  /// A run of floats, in one copy (weights are most of a program).
  void putFloats(const std::vector<float> &v) {
    const auto *raw = reinterpret_cast<const uint8_t *>(v.data());
    bytes.insert(bytes.end(), raw, raw + v.size() * sizeof(float));
  }
  void putString(const std::string &s) {
    put<uint32_t>(uint32_t(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void putIds(const std::vector<uint32_t> &ids) {
    put<uint32_t>(uint32_t(ids.size()));
    for (uint32_t id : ids)
      put<uint32_t>(id);
  }
};

/// Reads one section; every read is bounds-checked and a failure records the
/// absolute byte offset at which the section ran out.
class Reader {
public:
  Reader(const uint8_t *data, size_t size, size_t base, const char *section)
      : data(data), size(size), base(base), section(section) {}

  template <typename T> bool get(T &v) {
    if (!need(sizeof(T)))
      return false;
    std::memcpy(&v, data + pos, sizeof(T));
    pos += sizeof(T);
    return true;
  }
  bool getString(std::string &s) {
    uint32_t n;
    if (!get(n) || !need(n))
      return false;
    s.assign(reinterpret_cast<const char *>(data + pos), n);
    pos += n;
    return true;
  }
  /// Reads a count that is followed by at least `minBytesEach` bytes per item.
  bool getCount(uint32_t &n, size_t minBytesEach) {
    if (!get(n))
      return false;
    if (minBytesEach && size_t(n) > (size - pos) / minBytesEach)
      return fail(fmt::format("count {} exceeds the section size", n));
    return true;
  }
  bool fail(const std::string &what) {
    if (error.empty())
      error =
          fmt::format("{} section at byte {}: {}", section, base + pos, what);
    return false;
  }
  bool atEnd() const { return pos == size; }
  size_t remaining() const { return size - pos; }
  size_t offset() const { return base + pos; }
  std::string error;

private:
  bool need(size_t n) {
    if (size - pos < n)
      return fail("truncated");
    return true;
  }
  const uint8_t *data;
  size_t size, pos = 0, base;
  const char *section;
};

void encodeSection(SectionKind kind, const Program &p, Writer &w) {
  switch (kind) {
  case SectionKind::Target:
    w.bytes.insert(w.bytes.end(), p.targetJson.begin(), p.targetJson.end());
    break;
  case SectionKind::Strings:
    w.put<uint32_t>(uint32_t(p.strings.size()));
    for (const std::string &s : p.strings)
      w.putString(s);
    break;
  case SectionKind::Values:
    w.put<uint32_t>(uint32_t(p.values.size()));
    for (const ValueDesc &v : p.values) {
      w.put<uint8_t>(uint8_t(v.kind));
      w.put<uint8_t>(0); // element type: 0 = f32
      w.put<uint16_t>(uint16_t(v.shape.size()));
      for (int64_t d : v.shape)
        w.put<int64_t>(d);
    }
    break;
  case SectionKind::Constants:
    w.put<uint32_t>(uint32_t(p.constants.size()));
    for (const Constant &c : p.constants) {
      w.put<uint32_t>(c.value);
      w.put<uint64_t>(c.data.size());
      w.putFloats(c.data);
    }
    break;
  case SectionKind::Code:
    w.put<uint32_t>(uint32_t(p.code.size()));
    for (const Instr &in : p.code) {
      w.put<uint16_t>(uint16_t(in.op));
      w.put<uint16_t>(uint16_t(in.operands.size()));
      w.put<uint16_t>(uint16_t(in.attrs.size()));
      w.put<uint16_t>(0);
      w.put<uint32_t>(in.layer);
      w.put<uint32_t>(in.result);
      for (uint32_t o : in.operands)
        w.put<uint32_t>(o);
      for (int64_t a : in.attrs)
        w.put<int64_t>(a);
    }
    break;
  case SectionKind::Signature:
    w.put<uint32_t>(p.entryName);
    w.putIds(p.inputs);
    w.putIds(p.outputs);
    break;
  }
}

constexpr SectionKind kSectionOrder[] = {
    SectionKind::Target,    SectionKind::Strings, SectionKind::Values,
    SectionKind::Constants, SectionKind::Code,    SectionKind::Signature};

const char *sectionName(uint32_t kind) {
  switch (SectionKind(kind)) {
  case SectionKind::Target:
    return "TARGET";
  case SectionKind::Strings:
    return "STRINGS";
  case SectionKind::Values:
    return "VALUES";
  case SectionKind::Constants:
    return "CONSTANTS";
  case SectionKind::Code:
    return "CODE";
  case SectionKind::Signature:
    return "SIGNATURE";
  }
  return "unknown";
}

} // namespace

uint16_t minorVersionNeeded(const Program &p) {
  uint16_t minor = 1;
  for (const Instr &in : p.code) {
    if ((in.op == Opcode::XbarProgram && in.attrs.size() > 3) ||
        (in.op == Opcode::XbarMvm && in.attrs.size() > 4))
      minor = std::max<uint16_t>(minor, 2);
    // An affine operand index in a dpu.generic (marked -1 where a map entry
    // would be; every plain entry is >= 0).
    if (in.op == Opcode::DpuGeneric && in.attrs.size() > 2) {
      size_t pos = 3;
      const int64_t n = in.attrs[2];
      for (int64_t i = 0; i < n && pos < in.attrs.size(); ++i) {
        const int64_t rank = in.attrs[pos++];
        for (int64_t d = 0; d < rank && pos < in.attrs.size(); ++d) {
          if (in.attrs[pos] != -1) {
            ++pos;
            continue;
          }
          minor = 3;
          if (pos + 1 >= in.attrs.size())
            break;
          pos += 2 + 2 * size_t(std::max<int64_t>(in.attrs[pos + 1], 0)) + 1;
        }
      }
    }
  }
  return minor;
}

std::vector<uint8_t> serialize(const Program &p) {
  // Every section but CONSTANTS is encoded apart; CONSTANTS (the weights,
  // most of a program) is written straight into the file: its size is
  // known beforehand, and its CRC is taken where it lands.
  const size_t numSections = std::size(kSectionOrder);
  std::vector<std::vector<uint8_t>> payloads(numSections);
  std::vector<size_t> sizes(numSections);
  for (size_t i = 0; i < numSections; ++i) {
    if (kSectionOrder[i] == SectionKind::Constants) {
      sizes[i] = 4;
      for (const Constant &c : p.constants)
        sizes[i] += 12 + c.data.size() * sizeof(float);
      continue;
    }
    Writer w;
    encodeSection(kSectionOrder[i], p, w);
    payloads[i] = std::move(w.bytes);
    sizes[i] = payloads[i].size();
  }
  size_t offset = kHeaderSize + numSections * kSectionEntrySize;
  std::vector<size_t> offsets;
  for (size_t size : sizes) {
    offset = (offset + 7) & ~size_t(7); // sections start 8-byte aligned
    offsets.push_back(offset);
    offset += size;
  }
  const size_t fileSize = offset;

  Writer out;
  out.bytes.reserve(fileSize);
  out.bytes.resize(kHeaderSize + numSections * kSectionEntrySize, 0);
  std::vector<uint32_t> crcs(numSections);
  for (size_t i = 0; i < numSections; ++i) {
    out.bytes.resize(offsets[i], 0);
    if (kSectionOrder[i] == SectionKind::Constants)
      encodeSection(SectionKind::Constants, p, out);
    else
      out.bytes.insert(out.bytes.end(), payloads[i].begin(), payloads[i].end());
    crcs[i] = crc32(out.bytes.data() + offsets[i], sizes[i]);
    std::vector<uint8_t>().swap(payloads[i]); // freed as soon as copied
  }

  Writer head;
  head.bytes.insert(head.bytes.end(), kMagic, kMagic + 4);
  head.put<uint16_t>(kVersionMajor);
  head.put<uint16_t>(minorVersionNeeded(p));
  head.put<uint32_t>(uint32_t(numSections));
  head.put<uint32_t>(0); // flags
  head.put<uint64_t>(fileSize);
  head.put<uint32_t>(0); // header CRC, patched below
  head.put<uint32_t>(0); // reserved
  for (size_t i = 0; i < numSections; ++i) {
    head.put<uint32_t>(uint32_t(kSectionOrder[i]));
    head.put<uint32_t>(crcs[i]);
    head.put<uint64_t>(offsets[i]);
    head.put<uint64_t>(sizes[i]);
  }
  // The header CRC covers bytes [0, 24) and the whole section table.
  std::vector<uint8_t> covered(head.bytes.begin(), head.bytes.begin() + 24);
  covered.insert(covered.end(), head.bytes.begin() + kHeaderSize,
                 head.bytes.end());
  uint32_t headerCrc = crc32(covered.data(), covered.size());
  std::memcpy(head.bytes.data() + 24, &headerCrc, 4);
  std::copy(head.bytes.begin(), head.bytes.end(), out.bytes.begin());
  return std::move(out.bytes);
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

static bool decodeSection(uint32_t kind, Reader &r, const uint8_t *data,
                          size_t size, Program &p) {
  switch (SectionKind(kind)) {
  case SectionKind::Target:
    p.targetJson.assign(reinterpret_cast<const char *>(data), size);
    return true;
  case SectionKind::Strings: {
    uint32_t n;
    if (!r.getCount(n, 4))
      return false;
    p.strings.resize(n);
    for (std::string &s : p.strings) {
      const size_t at = r.offset();
      if (!r.getString(s))
        return false;
      if (std::string e = checkString(s); !e.empty()) {
        r.error = fmt::format("STRINGS section at byte {}: string {}", at, e);
        return false;
      }
    }
    break;
  }
  case SectionKind::Values: {
    uint32_t n;
    if (!r.getCount(n, 4))
      return false;
    p.values.resize(n);
    for (ValueDesc &v : p.values) {
      uint8_t kindByte, elemType;
      uint16_t rank;
      if (!r.get(kindByte) || !r.get(elemType) || !r.get(rank))
        return false;
      if (kindByte > uint8_t(ValueKind::Tile))
        return r.fail(fmt::format("unknown value kind {}", kindByte));
      if (elemType != 0)
        return r.fail(fmt::format("unknown element type {}", elemType));
      if (rank > 8)
        return r.fail(fmt::format("rank {} exceeds the maximum of 8", rank));
      v.kind = ValueKind(kindByte);
      v.shape.resize(rank);
      int64_t elements = 1;
      for (int64_t &d : v.shape) {
        if (!r.get(d))
          return false;
        if (d < 0 || d > kMaxTensorElements)
          return r.fail(fmt::format("dimension {} out of range", d));
        // Checked before multiplying, so the product cannot overflow.
        if (d != 0 && elements > kMaxTensorElements / d)
          return r.fail("tensor has more than 2^32 elements");
        elements *= d;
      }
    }
    break;
  }
  case SectionKind::Constants: {
    uint32_t n;
    if (!r.getCount(n, 12))
      return false;
    p.constants.resize(n);
    for (Constant &c : p.constants) {
      uint64_t count;
      if (!r.get(c.value) || !r.get(count))
        return false;
      if (count > r.remaining() / 4)
        return r.fail(fmt::format("constant of {} elements exceeds the "
                                  "section size",
                                  count));
      c.data.resize(count);
      for (float &f : c.data)
        if (!r.get(f))
          return false;
    }
    break;
  }
  case SectionKind::Code: {
    uint32_t n;
    if (!r.getCount(n, 16))
      return false;
    p.code.resize(n);
    for (Instr &in : p.code) {
      uint16_t op, numOperands, numAttrs, reserved;
      if (!r.get(op) || !r.get(numOperands) || !r.get(numAttrs) ||
          !r.get(reserved) || !r.get(in.layer) || !r.get(in.result))
        return false;
      if (!lookupOpcode(op))
        return r.fail(fmt::format("unknown opcode {}", op));
      in.op = Opcode(op);
      in.operands.resize(numOperands);
      for (uint32_t &o : in.operands)
        if (!r.get(o))
          return false;
      in.attrs.resize(numAttrs);
      for (int64_t &a : in.attrs)
        if (!r.get(a))
          return false;
    }
    break;
  }
  case SectionKind::Signature: {
    uint32_t n;
    if (!r.get(p.entryName) || !r.getCount(n, 4))
      return false;
    p.inputs.resize(n);
    for (uint32_t &id : p.inputs)
      if (!r.get(id))
        return false;
    if (!r.getCount(n, 4))
      return false;
    p.outputs.resize(n);
    for (uint32_t &id : p.outputs)
      if (!r.get(id))
        return false;
    break;
  }
  default:
    return r.fail(fmt::format("unknown section kind {}", kind));
  }
  if (!r.atEnd())
    return r.fail("trailing bytes after the section's content");
  return true;
}

std::optional<Program> deserialize(const uint8_t *data, size_t size,
                                   std::string &error) {
  auto fail = [&](std::string msg) -> std::optional<Program> {
    error = std::move(msg);
    return std::nullopt;
  };
  if (size < kHeaderSize)
    return fail(fmt::format("truncated header: {} bytes, expected at least {}",
                            size, kHeaderSize));
  if (std::memcmp(data, kMagic, 4) != 0)
    return fail("bad magic number: not an imc program (expected 'IMCB')");
  Reader h(data, size, 0, "header");
  uint16_t major = 0, minor = 0;
  uint32_t numSections = 0, flags = 0, headerCrc = 0, reserved = 0;
  uint64_t fileSize = 0;
  h.get(reserved); // the magic, already checked
  h.get(major);
  h.get(minor);
  h.get(numSections);
  h.get(flags);
  h.get(fileSize);
  h.get(headerCrc);
  h.get(reserved);
  if (major != kVersionMajor)
    return fail(fmt::format("unsupported format version {}.{} (this imc-sim "
                            "reads version {}.x)",
                            major, minor, kVersionMajor));
  if (fileSize != size)
    return fail(fmt::format("file size mismatch: header says {} bytes, file "
                            "has {} (truncated or padded)",
                            fileSize, size));
  if (numSections > 64)
    return fail(fmt::format("header at byte 8: {} sections is more than the "
                            "maximum of 64",
                            numSections));
  const size_t tableEnd = kHeaderSize + numSections * kSectionEntrySize;
  if (tableEnd > size)
    return fail(fmt::format("truncated section table: needs {} bytes, file "
                            "has {}",
                            tableEnd, size));
  std::vector<uint8_t> covered(data, data + 24);
  covered.insert(covered.end(), data + kHeaderSize, data + tableEnd);
  if (crc32(covered.data(), covered.size()) != headerCrc)
    return fail("header CRC mismatch: the header or section table is "
                "corrupted");

  Program p;
  p.versionMajor = major;
  p.versionMinor = minor;
  uint32_t seenMask = 0;
  Reader table(data + kHeaderSize, tableEnd - kHeaderSize, kHeaderSize,
               "section table");
  for (uint32_t i = 0; i < numSections; ++i) {
    uint32_t kind = 0, crc = 0;
    uint64_t offset = 0, length = 0;
    table.get(kind);
    table.get(crc);
    table.get(offset);
    table.get(length);
    const char *name = sectionName(kind);
    if (kind < 1 || kind > 6)
      return fail(fmt::format("section table entry {}: unknown section kind "
                              "{}",
                              i, kind));
    if (seenMask & (1u << kind))
      return fail(fmt::format("section {} appears twice", name));
    seenMask |= 1u << kind;
    if (offset > size || length > size - offset)
      return fail(fmt::format("{} section [{}, +{}) lies outside the {}-byte "
                              "file",
                              name, offset, length, size));
    if (crc32(data + offset, length) != crc)
      return fail(fmt::format("{} section at byte {}: CRC mismatch (stored "
                              "{:#010x}, computed {:#010x}): the program is "
                              "corrupted",
                              name, offset, crc, crc32(data + offset, length)));
    Reader r(data + offset, length, offset, name);
    if (!decodeSection(kind, r, data + offset, length, p))
      return fail(r.error);
  }
  for (SectionKind k : kSectionOrder)
    if (!(seenMask & (1u << uint32_t(k))))
      return fail(fmt::format("missing {} section", sectionName(uint32_t(k))));

  // Every id must name a value and every string index a string.
  const size_t numValues = p.values.size();
  auto badValue = [&](uint32_t id) { return id >= numValues; };
  for (const Constant &c : p.constants)
    if (badValue(c.value))
      return fail(fmt::format("CONSTANTS: value id {} out of range ({} "
                              "values)",
                              c.value, numValues));
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr &in = p.code[i];
    if (badValue(in.result) ||
        std::any_of(in.operands.begin(), in.operands.end(), badValue))
      return fail(fmt::format("CODE: instruction {} ({}) refers to a value id "
                              "out of range ({} values)",
                              i, opcodeInfo(in.op).name, numValues));
    if (in.layer >= p.strings.size())
      return fail(fmt::format("CODE: instruction {} has layer string {} out "
                              "of range",
                              i, in.layer));
  }
  if (p.entryName >= p.strings.size())
    return fail("SIGNATURE: entry name string index out of range");
  if (std::any_of(p.inputs.begin(), p.inputs.end(), badValue) ||
      std::any_of(p.outputs.begin(), p.outputs.end(), badValue))
    return fail("SIGNATURE: argument or result value id out of range");
  return p;
}

} // namespace imc::format
