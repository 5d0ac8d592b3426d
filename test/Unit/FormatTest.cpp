//===- FormatTest.cpp - binary program encoding and decoding --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The byte layout is checked against an independent reading of the format
// (32-byte header, 24-byte section entries, little-endian, CRC-32 computed
// bit by bit here), and every corruption must be rejected with a message.
//
//===----------------------------------------------------------------------===//

#include "imc/Format/Program.h"

#include "TestUtils.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace imc::format;
using imc::test::referenceCrc32;
using ::testing::HasSubstr;

namespace {

constexpr size_t kHeader = 32, kEntry = 24, kNumSections = 6;
constexpr size_t kTableEnd = kHeader + kNumSections * kEntry; // 176

//===----------------------------------------------------------------------===//
// Raw byte helpers (little-endian)
//===----------------------------------------------------------------------===//

uint64_t getLE(const std::vector<uint8_t> &b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t(b.at(at + i)) << (8 * i);
  return v;
}
void setLE(std::vector<uint8_t> &b, size_t at, size_t n, uint64_t v) {
  for (size_t i = 0; i < n; ++i)
    b.at(at + i) = uint8_t(v >> (8 * i));
}

struct Entry {
  uint32_t kind, crc;
  uint64_t offset, length;
};

Entry entry(const std::vector<uint8_t> &b, size_t i) {
  const size_t at = kHeader + i * kEntry;
  return {uint32_t(getLE(b, at, 4)), uint32_t(getLE(b, at + 4, 4)),
          getLE(b, at + 8, 8), getLE(b, at + 16, 8)};
}

/// Recomputes every section CRC and the header CRC (with the reference CRC),
/// so that a deliberately malformed file passes the integrity checks.
void reseal(std::vector<uint8_t> &b) {
  const uint64_t n = getLE(b, 8, 4);
  const size_t tableEnd = kHeader + n * kEntry;
  if (n > 64 || tableEnd > b.size())
    return;
  for (size_t i = 0; i < n; ++i) {
    const Entry e = entry(b, i);
    if (e.offset <= b.size() && e.length <= b.size() - e.offset)
      setLE(b, kHeader + i * kEntry + 4, 4,
            referenceCrc32(b.data() + e.offset, e.length));
  }
  std::vector<uint8_t> covered(b.begin(), b.begin() + 24);
  covered.insert(covered.end(), b.begin() + kHeader, b.begin() + tableEnd);
  setLE(b, 24, 4, referenceCrc32(covered.data(), covered.size()));
}

/// Finds the table index of a section kind.
size_t indexOf(const std::vector<uint8_t> &b, SectionKind k) {
  for (size_t i = 0; i < kNumSections; ++i)
    if (entry(b, i).kind == uint32_t(k))
      return i;
  ADD_FAILURE() << "no section " << uint32_t(k);
  return 0;
}

std::optional<Program> decode(const std::vector<uint8_t> &b,
                              std::string &error) {
  // Decode from an exact-size copy so that an overread is a real overread.
  std::vector<uint8_t> copy(b);
  return deserialize(copy.data(), copy.size(), error);
}

std::string decodeError(const std::vector<uint8_t> &b) {
  std::string error;
  std::optional<Program> p = decode(b, error);
  EXPECT_FALSE(p.has_value()) << "accepted a malformed program";
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  return error;
}

//===----------------------------------------------------------------------===//
// A program with every section populated
//===----------------------------------------------------------------------===//

float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t floatToBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

Program sampleProgram() {
  Program p;
  p.targetJson = "{\"name\": \"opaque to the decoder\"}";
  p.strings = {"main", "layer.0", "", "na\xc3\xafve"};
  p.values = {
      {ValueKind::Tensor, {2, 3}},                   // %0 argument
      {ValueKind::Tensor, {3, 4}},                   // %1 weights
      {ValueKind::Tile, {3, 4}},                     // %2 tile
      {ValueKind::Tensor, {2, 4}},                   // %3 mvm result
      {ValueKind::Tensor, {}},                       // %4 rank-0 constant
      {ValueKind::Tensor, {1, 2, 3, 4, 5, 6, 7, 8}}, // %5 rank 8
  };
  Constant w;
  w.value = 1;
  w.data = {1.5f,
            -0.0f,
            std::numeric_limits<float>::infinity(),
            -std::numeric_limits<float>::infinity(),
            bitsToFloat(0x7FC00001u), // a NaN with payload
            std::numeric_limits<float>::denorm_min(),
            std::numeric_limits<float>::max(),
            -1e-20f,
            3.0f,
            4.0f,
            5.0f,
            6.0f};
  Constant s;
  s.value = 4;
  s.data = {42.5f};
  p.constants = {w, s};
  p.code = {
      {Opcode::XbarProgram, 1, {1}, 2, {7, 8, 2}},
      {Opcode::XbarMvm, 1, {2, 0}, 3, {8, 1, 8, 32}},
      {Opcode::XbarAccumulate, 3, {3, 3, 3}, 3, {}},
      {Opcode::ExtractSlice,
       2,
       {5},
       5,
       {std::numeric_limits<int64_t>::min(), -1, 0,
        std::numeric_limits<int64_t>::max()}},
      {Opcode::Empty, 0, {}, 5, {}},
      {Opcode::DpuRequantize, 1, {3}, 3, {4}},
  };
  p.entryName = 0;
  p.inputs = {0};
  p.outputs = {3, 5};
  return p;
}

void expectSamePrograms(const Program &a, const Program &b) {
  EXPECT_EQ(a.targetJson, b.targetJson);
  EXPECT_EQ(a.strings, b.strings);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t i = 0; i < a.values.size(); ++i) {
    EXPECT_EQ(a.values[i].kind, b.values[i].kind) << "value " << i;
    EXPECT_EQ(a.values[i].shape, b.values[i].shape) << "value " << i;
  }
  ASSERT_EQ(a.constants.size(), b.constants.size());
  for (size_t i = 0; i < a.constants.size(); ++i) {
    EXPECT_EQ(a.constants[i].value, b.constants[i].value);
    ASSERT_EQ(a.constants[i].data.size(), b.constants[i].data.size());
    for (size_t e = 0; e < a.constants[i].data.size(); ++e)
      EXPECT_EQ(floatToBits(a.constants[i].data[e]),
                floatToBits(b.constants[i].data[e]))
          << "constant " << i << " element " << e;
  }
  ASSERT_EQ(a.code.size(), b.code.size());
  for (size_t i = 0; i < a.code.size(); ++i) {
    EXPECT_EQ(a.code[i].op, b.code[i].op) << "instr " << i;
    EXPECT_EQ(a.code[i].layer, b.code[i].layer) << "instr " << i;
    EXPECT_EQ(a.code[i].operands, b.code[i].operands) << "instr " << i;
    EXPECT_EQ(a.code[i].result, b.code[i].result) << "instr " << i;
    EXPECT_EQ(a.code[i].attrs, b.code[i].attrs) << "instr " << i;
  }
  EXPECT_EQ(a.entryName, b.entryName);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.outputs, b.outputs);
}

//===----------------------------------------------------------------------===//
// CRC-32
//===----------------------------------------------------------------------===//

uint32_t crcOf(const std::string &s) {
  return crc32(reinterpret_cast<const uint8_t *>(s.data()), s.size());
}

TEST(Format, Crc32KnownValues) {
  EXPECT_EQ(crcOf("123456789"), 0xCBF43926u); // the standard check value
  EXPECT_EQ(crcOf(""), 0x00000000u);
  EXPECT_EQ(crcOf("a"), 0xE8B7BE43u);
  EXPECT_EQ(crcOf("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Format, Crc32MatchesBitwiseReference) {
  std::mt19937 rng(7);
  for (size_t len : {1u, 2u, 3u, 7u, 8u, 255u, 256u, 1000u}) {
    std::vector<uint8_t> buf(len);
    for (uint8_t &b : buf)
      b = uint8_t(rng());
    EXPECT_EQ(crc32(buf.data(), buf.size()),
              referenceCrc32(buf.data(), buf.size()))
        << "length " << len;
  }
}

//===----------------------------------------------------------------------===//
// Encoding and round trip
//===----------------------------------------------------------------------===//

TEST(Format, RoundTrip) {
  const Program p = sampleProgram();
  const std::vector<uint8_t> bytes = serialize(p);
  std::string error;
  std::optional<Program> q = decode(bytes, error);
  ASSERT_TRUE(q.has_value()) << error;
  EXPECT_TRUE(error.empty());
  expectSamePrograms(p, *q);
  // Encoding is deterministic.
  EXPECT_EQ(serialize(*q), bytes);
}

TEST(Format, RoundTripEmptyProgram) {
  // The smallest valid program: one string for the entry name, nothing else.
  Program p;
  p.strings = {"f"};
  const std::vector<uint8_t> bytes = serialize(p);
  std::string error;
  std::optional<Program> q = decode(bytes, error);
  ASSERT_TRUE(q.has_value()) << error;
  expectSamePrograms(p, *q);
}

TEST(Format, HeaderLayout) {
  const Program p = sampleProgram();
  const std::vector<uint8_t> b = serialize(p);
  ASSERT_GE(b.size(), kTableEnd);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "IMCB");
  EXPECT_EQ(getLE(b, 4, 2), 1u); // major
  EXPECT_EQ(getLE(b, 6, 2), 1u); // minor
  EXPECT_EQ(getLE(b, 8, 4), kNumSections);
  EXPECT_EQ(getLE(b, 12, 4), 0u);       // flags
  EXPECT_EQ(getLE(b, 16, 8), b.size()); // file size
  // The header CRC covers bytes [0, 24) and the section table.
  std::vector<uint8_t> covered(b.begin(), b.begin() + 24);
  covered.insert(covered.end(), b.begin() + kHeader, b.begin() + kTableEnd);
  EXPECT_EQ(getLE(b, 24, 4), referenceCrc32(covered.data(), covered.size()));

  uint64_t prevEnd = kTableEnd;
  for (size_t i = 0; i < kNumSections; ++i) {
    const Entry e = entry(b, i);
    SCOPED_TRACE("section " + std::to_string(i));
    EXPECT_EQ(e.kind, i + 1); // TARGET, STRINGS, ..., SIGNATURE in order
    EXPECT_EQ(e.offset % 8, 0u);
    EXPECT_GE(e.offset, prevEnd);
    EXPECT_LE(e.offset + e.length, b.size());
    EXPECT_EQ(e.crc, referenceCrc32(b.data() + e.offset, e.length));
    prevEnd = e.offset + e.length;
  }
  EXPECT_EQ(prevEnd, b.size()); // the last section ends the file

  // TARGET is the JSON text verbatim.
  const Entry t = entry(b, 0);
  EXPECT_EQ(std::string(b.begin() + t.offset, b.begin() + t.offset + t.length),
            p.targetJson);
  // STRINGS: count, then (length, bytes) per string.
  const Entry s = entry(b, 1);
  EXPECT_EQ(getLE(b, s.offset, 4), 4u);
  EXPECT_EQ(getLE(b, s.offset + 4, 4), 4u); // "main"
  EXPECT_EQ(std::string(b.begin() + s.offset + 8, b.begin() + s.offset + 12),
            "main");
  EXPECT_EQ(s.length, 4u + (4 + 4) + (4 + 7) + (4 + 0) + (4 + 6));
  // VALUES: count, then kind u8, elem type u8, rank u16, dims i64.
  const Entry v = entry(b, 2);
  EXPECT_EQ(getLE(b, v.offset, 4), 6u);
  EXPECT_EQ(getLE(b, v.offset + 4, 1), 0u); // tensor
  EXPECT_EQ(getLE(b, v.offset + 5, 1), 0u); // f32
  EXPECT_EQ(getLE(b, v.offset + 6, 2), 2u); // rank
  EXPECT_EQ(getLE(b, v.offset + 8, 8), 2u);
  EXPECT_EQ(getLE(b, v.offset + 16, 8), 3u);
  EXPECT_EQ(v.length, 4u + 6 * 4 + 8 * (2 + 2 + 2 + 2 + 0 + 8));
  // CONSTANTS: count, then value u32, count u64, f32 data.
  const Entry c = entry(b, 3);
  EXPECT_EQ(getLE(b, c.offset, 4), 2u);
  EXPECT_EQ(getLE(b, c.offset + 4, 4), 1u);
  EXPECT_EQ(getLE(b, c.offset + 8, 8), 12u);
  EXPECT_EQ(getLE(b, c.offset + 16, 4), floatToBits(1.5f));
  EXPECT_EQ(c.length, 4u + (12 + 12 * 4) + (12 + 4));
  // CODE: count, then op u16, #operands u16, #attrs u16, 0 u16, layer u32,
  // result u32, operands u32..., attrs i64...
  const Entry k = entry(b, 4);
  EXPECT_EQ(getLE(b, k.offset, 4), 6u);
  EXPECT_EQ(getLE(b, k.offset + 4, 2), 16u); // xbar.program
  EXPECT_EQ(getLE(b, k.offset + 6, 2), 1u);
  EXPECT_EQ(getLE(b, k.offset + 8, 2), 3u);
  EXPECT_EQ(getLE(b, k.offset + 10, 2), 0u);
  EXPECT_EQ(getLE(b, k.offset + 12, 4), 1u); // layer
  EXPECT_EQ(getLE(b, k.offset + 16, 4), 2u); // result
  EXPECT_EQ(getLE(b, k.offset + 20, 4), 1u); // operand
  EXPECT_EQ(getLE(b, k.offset + 24, 8), 7u); // tile attr
  // SIGNATURE: entry name, then the argument and result id lists.
  const Entry g = entry(b, 5);
  EXPECT_EQ(g.length, 4u + (4 + 4) + (4 + 8));
  EXPECT_EQ(getLE(b, g.offset, 4), 0u);
  EXPECT_EQ(getLE(b, g.offset + 4, 4), 1u);
  EXPECT_EQ(getLE(b, g.offset + 12, 4), 2u);
  EXPECT_EQ(getLE(b, g.offset + 16, 4), 3u);
  EXPECT_EQ(getLE(b, g.offset + 20, 4), 5u);
}

TEST(Format, NewerMinorVersionAccepted) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  setLE(b, 6, 2, 7); // version 1.7
  reseal(b);
  std::string error;
  std::optional<Program> p = decode(b, error);
  ASSERT_TRUE(p.has_value()) << error;
  EXPECT_EQ(p->versionMajor, 1);
  EXPECT_EQ(p->versionMinor, 7);
  // Re-encoding writes the writer's own version.
  const std::vector<uint8_t> again = serialize(*p);
  EXPECT_EQ(getLE(again, 6, 2), 1u);
}

/// The worked example of docs/binary-format.md: a 1x2 input times a 2x1
/// constant on the ISAAC-like target of test/Unit/Inputs/isaac-128.json. The
/// expected bytes are the documented hex dump, not the output of serialize().
TEST(Format, DocumentedWorkedExample) {
  Program p;
  p.targetJson = imc::test::readTextFile(imc::test::sourceDir() +
                                         "/test/Unit/Inputs/isaac-128.json");
  ASSERT_EQ(p.targetJson.size(), 631u)
      << "test/Unit/Inputs/isaac-128.json changed; update the worked example "
         "of docs/binary-format.md and this test";
  ASSERT_EQ(
      referenceCrc32(reinterpret_cast<const uint8_t *>(p.targetJson.data()),
                     p.targetJson.size()),
      0xF192EB8Eu);
  p.strings = {"main", "fc1"};
  p.values = {{ValueKind::Tensor, {1, 2}},
              {ValueKind::Tensor, {2, 1}},
              {ValueKind::Tile, {2, 1}},
              {ValueKind::Tensor, {1, 1}}};
  p.constants = {{1, {0.5f, -0.25f}}};
  p.code = {{Opcode::XbarProgram, 1, {1}, 2, {0, 8, 2}},
            {Opcode::XbarMvm, 1, {2, 0}, 3, {8, 1, 8, 32}}};
  p.entryName = 0;
  p.inputs = {0};
  p.outputs = {3};
  const std::vector<uint8_t> b = serialize(p);
  ASSERT_EQ(b.size(), 1068u);

  const uint8_t header[176] = {
      0x49, 0x4d, 0x43, 0x42, 0x01, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x2c, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x76, 0x96, 0x9a, 0x3b, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
      0x8e, 0xeb, 0x92, 0xf1, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x77, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
      0xab, 0x0e, 0xb8, 0xd6, 0x28, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
      0x16, 0xd7, 0xbf, 0xc8, 0x40, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x54, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
      0xb5, 0x98, 0x08, 0xf4, 0x98, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
      0x91, 0x90, 0xb9, 0x34, 0xb0, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
      0x6c, 0xa5, 0xa2, 0x7f, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (size_t i = 0; i < 176; ++i)
    EXPECT_EQ(b[i], header[i]) << "byte " << i;
  // TARGET verbatim at 176, then one zero byte of padding.
  EXPECT_EQ(std::string(b.begin() + 176, b.begin() + 807), p.targetJson);
  EXPECT_EQ(b[807], 0);
  // STRINGS at 808 (19 bytes + 5 of padding).
  const std::vector<uint8_t> strings = {2,   0,   0,   0,   4, 0, 0, 0,
                                        'm', 'a', 'i', 'n', 3, 0, 0, 0,
                                        'f', 'c', '1', 0,   0, 0, 0, 0};
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 808, b.begin() + 832), strings);
  // CONSTANTS at 920: count 1, value %1, 2 elements, 0.5f, -0.25f.
  const std::vector<uint8_t> consts = {1, 0, 0, 0,    1, 0, 0,    0,
                                       2, 0, 0, 0,    0, 0, 0,    0,
                                       0, 0, 0, 0x3f, 0, 0, 0x80, 0xbe};
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 920, b.begin() + 944), consts);
  // SIGNATURE at 1048: entry 0, inputs [%0], outputs [%3].
  const std::vector<uint8_t> sig = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
                                    0, 0, 1, 0, 0, 0, 3, 0, 0, 0};
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 1048, b.end()), sig);
  // The first CODE record: xbar.program, 1 operand, 3 attributes.
  EXPECT_EQ(getLE(b, 944, 4), 2u);
  EXPECT_EQ(getLE(b, 948, 8), 0x0000000300010010u);
  EXPECT_EQ(getLE(b, 956, 8), 0x0000000200000001u);
}

TEST(Format, OpcodeTable) {
  const OpcodeInfo *info = lookupOpcode(17);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->op, Opcode::XbarMvm);
  EXPECT_STREQ(info->name, "xbar.mvm");
  EXPECT_EQ(info->operands, 2);
  EXPECT_EQ(info->attrs, 4);
  EXPECT_EQ(lookupOpcode(0), nullptr);
  EXPECT_EQ(lookupOpcode(4), nullptr);
  EXPECT_EQ(lookupOpcode(999), nullptr);
  EXPECT_EQ(opcodeInfo(Opcode::XbarAccumulate).operands, -1);
  EXPECT_EQ(opcodeInfo(Opcode::ExtractSlice).attrs, -1);
  EXPECT_STREQ(opcodeInfo(Opcode::DpuBiasAdd).name, "dpu.bias_add");
}

//===----------------------------------------------------------------------===//
// Rejections of damaged files
//===----------------------------------------------------------------------===//

TEST(Format, RejectsEmptyInput) {
  std::string error;
  EXPECT_FALSE(deserialize(nullptr, 0, error).has_value());
  EXPECT_THAT(error, HasSubstr("truncated header: 0 bytes"));
}

TEST(Format, RejectsEveryTruncation) {
  const std::vector<uint8_t> full = serialize(sampleProgram());
  for (size_t len = 0; len < full.size(); ++len) {
    SCOPED_TRACE("length " + std::to_string(len));
    const std::vector<uint8_t> cut(full.begin(), full.begin() + len);
    const std::string e = decodeError(cut);
    if (len < kHeader)
      EXPECT_THAT(e, HasSubstr("truncated header"));
    else
      EXPECT_THAT(e, HasSubstr("file size mismatch"));
  }
}

TEST(Format, RejectsEveryTruncationWithConsistentHeader) {
  // Harder: the size field and the header CRC are patched to match the
  // truncated file, so only the section bounds catch it.
  const std::vector<uint8_t> full = serialize(sampleProgram());
  for (size_t len = kHeader; len < full.size(); ++len) {
    SCOPED_TRACE("length " + std::to_string(len));
    std::vector<uint8_t> cut(full.begin(), full.begin() + len);
    setLE(cut, 16, 8, len);
    reseal(cut);
    const std::string e = decodeError(cut);
    if (len < kTableEnd)
      EXPECT_THAT(e, HasSubstr("truncated section table"));
    else
      EXPECT_THAT(e, HasSubstr("lies outside the " + std::to_string(len) +
                               "-byte file"));
  }
}

TEST(Format, RejectsBadMagic) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  b[0] = 'X';
  EXPECT_THAT(decodeError(b), HasSubstr("bad magic number"));
  b = serialize(sampleProgram());
  b[3] = 'C';
  EXPECT_THAT(decodeError(b), HasSubstr("bad magic number"));
  // A file shorter than the magic's header is "truncated", not a crash.
  EXPECT_THAT(decodeError({'I', 'M'}), HasSubstr("truncated header"));
}

TEST(Format, RejectsUnsupportedMajorVersion) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  setLE(b, 4, 2, 2);
  EXPECT_THAT(decodeError(b), HasSubstr("unsupported format version 2.1"));
  setLE(b, 4, 2, 0);
  reseal(b); // even with a valid CRC
  EXPECT_THAT(decodeError(b), HasSubstr("unsupported format version 0.1"));
}

TEST(Format, RejectsFileSizeMismatch) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  const size_t size = b.size();
  setLE(b, 16, 8, size + 8);
  EXPECT_THAT(decodeError(b),
              HasSubstr("file size mismatch: header says " +
                        std::to_string(size + 8) + " bytes, file has " +
                        std::to_string(size)));
}

TEST(Format, RejectsTrailingGarbage) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  const size_t size = b.size();
  b.push_back(0);
  EXPECT_THAT(decodeError(b),
              HasSubstr("file size mismatch: header says " +
                        std::to_string(size) + " bytes, file has " +
                        std::to_string(size + 1)));
  b.insert(b.end(), {'j', 'u', 'n', 'k'});
  EXPECT_THAT(decodeError(b), HasSubstr("file size mismatch"));
}

TEST(Format, RejectsTrailingBytesInsideASection) {
  // Grow the last section (SIGNATURE) by 4 bytes and fix every size and CRC.
  std::vector<uint8_t> b = serialize(sampleProgram());
  const size_t sig = indexOf(b, SectionKind::Signature);
  const Entry e = entry(b, sig);
  ASSERT_EQ(e.offset + e.length, b.size());
  b.insert(b.end(), {1, 2, 3, 4});
  setLE(b, kHeader + sig * kEntry + 16, 8, e.length + 4);
  setLE(b, 16, 8, b.size());
  reseal(b);
  EXPECT_THAT(decodeError(b),
              HasSubstr("SIGNATURE section at byte " +
                        std::to_string(e.offset + e.length) +
                        ": trailing bytes after the section's content"));
}

TEST(Format, RejectsCorruptedSectionPayload) {
  const std::vector<uint8_t> good = serialize(sampleProgram());
  const char *names[] = {"TARGET",    "STRINGS", "VALUES",
                         "CONSTANTS", "CODE",    "SIGNATURE"};
  for (size_t i = 0; i < kNumSections; ++i) {
    const Entry e = entry(good, i);
    ASSERT_GT(e.length, 0u);
    for (uint64_t at :
         {e.offset, e.offset + e.length / 2, e.offset + e.length - 1}) {
      SCOPED_TRACE(std::string(names[i]) + " byte " + std::to_string(at));
      std::vector<uint8_t> b = good;
      b[at] ^= 0x10;
      const std::string msg = decodeError(b);
      EXPECT_THAT(msg, HasSubstr(std::string(names[i]) + " section at byte " +
                                 std::to_string(e.offset) + ": CRC mismatch"));
    }
  }
}

TEST(Format, RejectsCorruptedSectionTable) {
  const std::vector<uint8_t> good = serialize(sampleProgram());
  for (size_t at = kHeader; at < kTableEnd; ++at) {
    SCOPED_TRACE("byte " + std::to_string(at));
    std::vector<uint8_t> b = good;
    b[at] ^= 0x01;
    EXPECT_THAT(decodeError(b), HasSubstr("header CRC mismatch"));
  }
}

TEST(Format, RejectsCorruptedHeaderBytes) {
  // Bytes [0, 28): magic, version, count, flags, size and the CRC itself.
  const std::vector<uint8_t> good = serialize(sampleProgram());
  for (size_t at = 0; at < 28; ++at)
    for (uint8_t mask : {0x01, 0x80}) {
      SCOPED_TRACE("byte " + std::to_string(at) + " mask " +
                   std::to_string(mask));
      std::vector<uint8_t> b = good;
      b[at] ^= mask;
      decodeError(b);
    }
  // A flipped flag or minor-version bit is caught by the header CRC.
  std::vector<uint8_t> b = good;
  b[12] ^= 1;
  EXPECT_THAT(decodeError(b), HasSubstr("header CRC mismatch"));
  b = good;
  b[6] ^= 1;
  EXPECT_THAT(decodeError(b), HasSubstr("header CRC mismatch"));
}

TEST(Format, SingleByteFlipsNeverCrash) {
  // Any byte of the file: either rejected, or (padding, reserved) harmless.
  const Program p = sampleProgram();
  const std::vector<uint8_t> good = serialize(p);
  for (size_t at = 0; at < good.size(); ++at) {
    std::vector<uint8_t> b = good;
    b[at] ^= 0xA5;
    std::string error;
    std::optional<Program> q = decode(b, error);
    if (q)
      expectSamePrograms(p, *q);
    else
      EXPECT_FALSE(error.empty());
  }
}

//===----------------------------------------------------------------------===//
// Malicious but CRC-valid files
//===----------------------------------------------------------------------===//

TEST(Format, RejectsOutOfRangeOperandId) {
  Program p = sampleProgram();
  p.code[1].operands[1] = 6; // only 6 values
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("CODE: instruction 1 (xbar.mvm) refers to a value id "
                        "out of range (6 values)"));
  p = sampleProgram();
  p.code[1].operands[1] = 0xFFFFFFFFu;
  EXPECT_THAT(decodeError(serialize(p)), HasSubstr("CODE: instruction 1"));
}

TEST(Format, RejectsOutOfRangeResultId) {
  Program p = sampleProgram();
  p.code[4].result = 100;
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("CODE: instruction 4 (empty) refers to a value id "
                        "out of range"));
}

TEST(Format, RejectsOutOfRangeConstantId) {
  Program p = sampleProgram();
  p.constants[1].value = 6;
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("CONSTANTS: value id 6 out of range (6 values)"));
}

TEST(Format, RejectsOutOfRangeStrings) {
  Program p = sampleProgram();
  p.code[2].layer = 4; // 4 strings
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("CODE: instruction 2 has layer string 4 out of "
                        "range"));
  p = sampleProgram();
  p.entryName = 4;
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("SIGNATURE: entry name string index out of range"));
}

TEST(Format, RejectsOutOfRangeSignatureIds) {
  Program p = sampleProgram();
  p.inputs = {0, 6};
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("SIGNATURE: argument or result value id out of "
                        "range"));
  p = sampleProgram();
  p.outputs = {7};
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("SIGNATURE: argument or result value id out of "
                        "range"));
}

TEST(Format, RejectsUnknownOpcode) {
  Program p = sampleProgram();
  p.code[0].op = Opcode(999);
  EXPECT_THAT(decodeError(serialize(p)), HasSubstr("unknown opcode 999"));
}

TEST(Format, RejectsBadValueDescriptors) {
  Program p = sampleProgram();
  p.values[3].shape = {2, -4};
  EXPECT_THAT(decodeError(serialize(p)), HasSubstr("VALUES section at byte"));
  EXPECT_THAT(decodeError(serialize(p)), HasSubstr("dimension -4 out of "
                                                   "range"));

  p = sampleProgram();
  p.values[3].shape = std::vector<int64_t>(9, 1);
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("rank 9 exceeds the maximum of 8"));

  p = sampleProgram();
  p.values[3].shape = {(int64_t(1) << 32) + 1};
  EXPECT_THAT(decodeError(serialize(p)), HasSubstr("out of range"));

  p = sampleProgram();
  p.values[3].shape = {int64_t(1) << 17, int64_t(1) << 17};
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("tensor has more than 2^32 elements"));

  // Value kind and element type bytes of value %0 (first descriptor).
  std::vector<uint8_t> b = serialize(sampleProgram());
  const Entry v = entry(b, indexOf(b, SectionKind::Values));
  b[v.offset + 4] = 2;
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("unknown value kind 2"));
  b = serialize(sampleProgram());
  b[v.offset + 5] = 1;
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("unknown element type 1"));
}

TEST(Format, RejectsElementCountOverflow) {
  // 2^32 x 2^32 elements is 2^64: each dimension is in range and the running
  // product must be checked before it can wrap around.
  Program p = sampleProgram();
  p.values[3].shape = {int64_t(1) << 32, int64_t(1) << 32};
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("tensor has more than 2^32 elements"));
  p.values[3].shape = {int64_t(1) << 32, int64_t(1) << 31, 3};
  EXPECT_THAT(decodeError(serialize(p)),
              HasSubstr("tensor has more than 2^32 elements"));
}

TEST(Format, RejectsHugeCounts) {
  std::vector<uint8_t> b = serialize(sampleProgram());
  const Entry s = entry(b, indexOf(b, SectionKind::Strings));
  setLE(b, s.offset, 4, 0xFFFFFFFFu);
  reseal(b);
  EXPECT_THAT(decodeError(b),
              HasSubstr("STRINGS section at byte " +
                        std::to_string(s.offset + 4) +
                        ": count 4294967295 exceeds the section size"));

  b = serialize(sampleProgram());
  const Entry c = entry(b, indexOf(b, SectionKind::Constants));
  setLE(b, c.offset + 8, 8, uint64_t(1) << 62); // first constant's count
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("CONSTANTS section at byte"));
  EXPECT_THAT(decodeError(b), HasSubstr("exceeds the section size"));

  b = serialize(sampleProgram());
  const Entry k = entry(b, indexOf(b, SectionKind::Code));
  setLE(b, k.offset, 4, 1000000);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("CODE section at byte"));

  // A string longer than its section.
  b = serialize(sampleProgram());
  setLE(b, s.offset + 4, 4, 1000);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("STRINGS section at byte"));
  EXPECT_THAT(decodeError(b), HasSubstr("truncated"));
}

TEST(Format, RejectsBadSectionTable) {
  const std::vector<uint8_t> good = serialize(sampleProgram());
  // A duplicated section kind.
  std::vector<uint8_t> b = good;
  setLE(b, kHeader + 1 * kEntry, 4, uint32_t(SectionKind::Target));
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("section TARGET appears twice"));
  // An unknown section kind.
  b = good;
  setLE(b, kHeader + 2 * kEntry, 4, 7);
  reseal(b);
  EXPECT_THAT(decodeError(b),
              HasSubstr("section table entry 2: unknown section kind 7"));
  setLE(b, kHeader + 2 * kEntry, 4, 0);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("unknown section kind 0"));
  // A section beyond the end of the file, including offset + length wrap.
  b = good;
  setLE(b, kHeader + 3 * kEntry + 8, 8, b.size() + 8);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("CONSTANTS section"));
  EXPECT_THAT(decodeError(b), HasSubstr("lies outside"));
  b = good;
  setLE(b, kHeader + 3 * kEntry + 16, 8, ~uint64_t(0) - 100);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("lies outside"));
  // A missing section: only five table entries.
  b = good;
  setLE(b, 8, 4, 5);
  reseal(b);
  EXPECT_THAT(decodeError(b), HasSubstr("missing SIGNATURE section"));
  // Too many sections.
  b = good;
  setLE(b, 8, 4, 65);
  EXPECT_THAT(decodeError(b), HasSubstr("65 sections is more than the "
                                        "maximum of 64"));
  // More sections than the file can hold.
  b = good;
  setLE(b, 8, 4, 64);
  b.resize(kHeader + 10 * kEntry);
  setLE(b, 16, 8, b.size());
  EXPECT_THAT(decodeError(b), HasSubstr("truncated section table"));
}

TEST(Format, ResealedRandomMutationsKeepInvariants) {
  // Random payload damage behind valid CRCs: never a crash, and anything
  // accepted still satisfies the decoder's promises (ids in range).
  const std::vector<uint8_t> good = serialize(sampleProgram());
  std::mt19937 rng(12345);
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = good;
    const int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t at = kTableEnd + rng() % (b.size() - kTableEnd);
      b[at] = uint8_t(rng());
    }
    reseal(b);
    std::string error;
    std::optional<Program> p = decode(b, error);
    if (!p) {
      EXPECT_FALSE(error.empty());
      continue;
    }
    ++accepted;
    const size_t nv = p->values.size();
    for (const Constant &c : p->constants)
      ASSERT_LT(c.value, nv);
    for (const Instr &in : p->code) {
      ASSERT_LT(in.result, nv);
      for (uint32_t o : in.operands)
        ASSERT_LT(o, nv);
      ASSERT_LT(in.layer, p->strings.size());
      ASSERT_NE(lookupOpcode(uint16_t(in.op)), nullptr);
    }
    ASSERT_LT(p->entryName, p->strings.size());
    for (uint32_t id : p->inputs)
      ASSERT_LT(id, nv);
    for (uint32_t id : p->outputs)
      ASSERT_LT(id, nv);
    for (const ValueDesc &v : p->values) {
      ASSERT_LE(v.shape.size(), 8u);
      for (int64_t d : v.shape)
        ASSERT_TRUE(d >= 0 && d <= (int64_t(1) << 32));
    }
  }
  // Some mutations (float data, the target text) are legitimately accepted.
  EXPECT_GT(accepted, 0);
}

} // namespace
