//===- NpyTest.cpp - NumPy .npy reading and writing -----------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Files are written byte by byte here following the NumPy format
// specification (magic, version, little-endian header length, a Python dict
// literal padded with spaces to a 64-byte boundary and ending in '\n').
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Tensor.h"

#include "TestUtils.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <regex>

using imc::sim::readNpy;
using imc::sim::Tensor;
using imc::sim::writeNpy;
using imc::test::tempPath;
using ::testing::HasSubstr;

namespace {

/// A .npy file with the given header dict and raw data.
std::vector<uint8_t> npyFile(const std::string &dict,
                             const std::vector<uint8_t> &data, int major = 1) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  const size_t len = header.size();
  b.push_back(uint8_t(len & 0xFF));
  b.push_back(uint8_t(len >> 8));
  if (major != 1) {
    b.push_back(uint8_t(len >> 16));
    b.push_back(uint8_t(len >> 24));
  }
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

template <typename T> std::vector<uint8_t> rawBytes(std::vector<T> values) {
  std::vector<uint8_t> b(values.size() * sizeof(T));
  std::memcpy(b.data(), values.data(), b.size());
  return b;
}

std::string dict(const std::string &descr, const std::string &shape,
                 const char *fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

/// Writes `bytes` to a fresh temporary file and reads it back.
std::optional<Tensor> readBytes(const std::vector<uint8_t> &bytes,
                                std::string &error,
                                const std::string &name = "in.npy") {
  const std::string path = tempPath(name);
  imc::test::writeBinaryFile(path, bytes);
  std::optional<Tensor> t = readNpy(path, error);
  std::remove(path.c_str());
  return t;
}

std::string readError(const std::vector<uint8_t> &bytes) {
  std::string error;
  std::optional<Tensor> t;
  EXPECT_NO_THROW(t = readBytes(bytes, error, "bad.npy"));
  EXPECT_FALSE(t.has_value()) << "accepted a malformed .npy file";
  // Errors name the file.
  EXPECT_EQ(error.rfind(tempPath("bad.npy") + ": ", 0), 0u) << error;
  return error;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(Npy, RoundTripRanks0To3) {
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {5}, {2, 3}, {2, 3, 4}, {1, 1, 1}, {0}};
  for (const auto &shape : shapes) {
    SCOPED_TRACE("rank " + std::to_string(shape.size()));
    Tensor t(shape);
    for (size_t i = 0; i < t.data.size(); ++i)
      t.data[i] = float(i) * 0.5f - 3.0f;
    const std::string path = tempPath("rt.npy");
    std::string error;
    ASSERT_TRUE(writeNpy(path, t, error)) << error;
    std::optional<Tensor> back = readNpy(path, error);
    std::remove(path.c_str());
    ASSERT_TRUE(back.has_value()) << error;
    EXPECT_EQ(back->shape, shape);
    EXPECT_EQ(back->data, t.data);
  }
}

TEST(Npy, RoundTripSpecialValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor t({6}, {-0.0f, std::numeric_limits<float>::infinity(),
                 -std::numeric_limits<float>::infinity(), nan,
                 std::numeric_limits<float>::denorm_min(),
                 std::numeric_limits<float>::max()});
  const std::string path = tempPath("special.npy");
  std::string error;
  ASSERT_TRUE(writeNpy(path, t, error)) << error;
  std::optional<Tensor> back = readNpy(path, error);
  std::remove(path.c_str());
  ASSERT_TRUE(back.has_value()) << error;
  ASSERT_EQ(back->data.size(), 6u);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(bits(back->data[i]), bits(t.data[i])) << i;
}

TEST(Npy, WrittenFileLayout) {
  Tensor t({2, 3}, {1, 2, 3, 4, 5, 6});
  const std::string path = tempPath("layout.npy");
  std::string error;
  ASSERT_TRUE(writeNpy(path, t, error)) << error;
  const std::vector<uint8_t> b = imc::test::readBinaryFile(path);
  std::remove(path.c_str());
  ASSERT_GE(b.size(), 10u);
  EXPECT_EQ(std::memcmp(b.data(), "\x93NUMPY\x01\x00", 8), 0);
  const size_t len = b[8] | (size_t(b[9]) << 8);
  EXPECT_EQ((10 + len) % 64, 0u); // data 64-byte aligned
  ASSERT_EQ(b.size(), 10 + len + 6 * 4);
  const std::string header(b.begin() + 10, b.begin() + 10 + len);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_THAT(header, HasSubstr("'descr': '<f4'"));
  EXPECT_THAT(header, HasSubstr("'fortran_order': False"));
  // A Python tuple literal: "(2, 3)" or "(2, 3,)".
  EXPECT_TRUE(std::regex_search(header, std::regex("'shape': \\(2, 3,? ?\\)")))
      << header;
  float data[6];
  std::memcpy(data, b.data() + 10 + len, sizeof(data));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(data[i], float(i + 1));

  // Rank 1 needs the trailing comma to be a tuple; rank 0 is "()".
  ASSERT_TRUE(writeNpy(path, Tensor({5}), error)) << error;
  std::vector<uint8_t> r1 = imc::test::readBinaryFile(path);
  EXPECT_TRUE(std::regex_search(std::string(r1.begin(), r1.end()),
                                std::regex("'shape': \\(5, ?\\)")));
  ASSERT_TRUE(writeNpy(path, Tensor(std::vector<int64_t>{}), error)) << error;
  std::vector<uint8_t> r0 = imc::test::readBinaryFile(path);
  EXPECT_THAT(std::string(r0.begin(), r0.end()), HasSubstr("'shape': ()"));
  std::remove(path.c_str());
}

//===----------------------------------------------------------------------===//
// Reading hand-written files
//===----------------------------------------------------------------------===//

TEST(Npy, ReadsFloat64) {
  std::string error;
  std::optional<Tensor> t =
      readBytes(npyFile(dict("<f8", "(5,)"),
                        rawBytes<double>({1.5, -2.25, 1e10, 0.1, 1e40})),
                error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->shape, (std::vector<int64_t>{5}));
  ASSERT_EQ(t->data.size(), 5u);
  EXPECT_EQ(t->data[0], 1.5f);
  EXPECT_EQ(t->data[1], -2.25f);
  EXPECT_EQ(t->data[2], 1e10f);
  EXPECT_EQ(t->data[3], 0.1f); // double 0.1 rounds to float 0.1f
  EXPECT_TRUE(std::isinf(t->data[4]) && t->data[4] > 0);
}

TEST(Npy, ReadsInt32) {
  std::string error;
  std::optional<Tensor> t = readBytes(
      npyFile(dict("<i4", "(2, 2)"), rawBytes<int32_t>({-3, 0, 7, 2147483647})),
      error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t->data, (std::vector<float>{-3, 0, 7, 2147483648.0f}));
}

TEST(Npy, ReadsOtherIntegerTypes) {
  std::string error;
  std::optional<Tensor> t = readBytes(
      npyFile(dict("|i1", "(3,)"), rawBytes<int8_t>({-128, 0, 127})), error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{-128, 0, 127}));

  t = readBytes(npyFile(dict("|u1", "(2,)"), rawBytes<uint8_t>({0, 255})),
                error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{0, 255}));

  t = readBytes(npyFile(dict("<i2", "(2,)"), rawBytes<int16_t>({-32768, 5})),
                error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{-32768, 5}));

  t = readBytes(
      npyFile(dict("<i8", "(2,)"), rawBytes<int64_t>({-(int64_t(1) << 40), 3})),
      error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{-1099511627776.0f, 3}));
}

TEST(Npy, ReadsVersion2AndCompactHeaders) {
  std::string error;
  std::optional<Tensor> t = readBytes(
      npyFile(dict("<f4", "(2,)"), rawBytes<float>({1, 2}), 2), error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{1, 2}));

  // No spaces, keys in another order (numpy accepts any dict literal).
  t = readBytes(npyFile("{'shape':(1,2),'fortran_order':False,'descr':'<f4'}",
                        rawBytes<float>({3, 4})),
                error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(t->data, (std::vector<float>{3, 4}));

  // Native byte order ('=') is accepted, as documented.
  t = readBytes(npyFile(dict("=f4", "(1,)"), rawBytes<float>({5})), error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{5}));

  // A scalar.
  t = readBytes(npyFile(dict("<f4", "()"), rawBytes<float>({9})), error);
  ASSERT_TRUE(t) << error;
  EXPECT_TRUE(t->shape.empty());
  EXPECT_EQ(t->data, (std::vector<float>{9}));
}

//===----------------------------------------------------------------------===//
// Rejections
//===----------------------------------------------------------------------===//

TEST(Npy, RejectsMissingFile) {
  const std::string path = tempPath("missing.npy");
  std::string error;
  EXPECT_FALSE(readNpy(path, error).has_value());
  EXPECT_EQ(error, path + ": cannot open input file");
}

TEST(Npy, RejectsBadMagic) {
  std::vector<uint8_t> b = npyFile(dict("<f4", "(1,)"), rawBytes<float>({1}));
  b[1] = 'X';
  EXPECT_THAT(readError(b), HasSubstr("not a .npy file (bad magic)"));
  EXPECT_THAT(readError({}), HasSubstr("bad magic"));
  EXPECT_THAT(readError({0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10}),
              HasSubstr("bad magic")); // shorter than the fixed prefix
}

TEST(Npy, RejectsTruncatedData) {
  std::vector<uint8_t> b =
      npyFile(dict("<f4", "(2, 2)"), rawBytes<float>({1, 2, 3, 4}));
  b.pop_back();
  EXPECT_THAT(readError(b),
              HasSubstr("data size mismatch: shape [2, 2] of 4-byte elements "
                        "needs 16 bytes, file has 15"));
  // Every shorter prefix fails too (and never crashes).
  const std::vector<uint8_t> full =
      npyFile(dict("<f4", "(2, 2)"), rawBytes<float>({1, 2, 3, 4}));
  for (size_t len = 0; len < full.size(); ++len)
    readError(std::vector<uint8_t>(full.begin(), full.begin() + len));
  // Extra data is an error as well.
  b = full;
  b.push_back(0);
  EXPECT_THAT(readError(b), HasSubstr("data size mismatch"));
}

TEST(Npy, RejectsTruncatedHeader) {
  std::vector<uint8_t> b = npyFile(dict("<f4", "(1,)"), {});
  b.resize(40);
  EXPECT_THAT(readError(b), HasSubstr("truncated .npy header"));
  std::vector<uint8_t> v2 = npyFile(dict("<f4", "(1,)"), {}, 2);
  v2.resize(11);
  EXPECT_THAT(readError(v2), HasSubstr("truncated .npy header"));
}

TEST(Npy, RejectsFortranOrder) {
  EXPECT_THAT(readError(npyFile(dict("<f4", "(2, 2)", "True"),
                                rawBytes<float>({1, 2, 3, 4}))),
              HasSubstr("Fortran-order arrays are not supported"));
}

TEST(Npy, RejectsUnsupportedFormats) {
  EXPECT_THAT(readError(npyFile(dict(">f4", "(1,)"), rawBytes<float>({1}))),
              HasSubstr("big-endian .npy arrays are not supported"));
  EXPECT_THAT(readError(npyFile(dict("<c8", "(1,)"), rawBytes<double>({1}))),
              HasSubstr("unsupported dtype 'c8'"));
  EXPECT_THAT(readError(npyFile(dict("<f2", "(2,)"), rawBytes<float>({1}))),
              HasSubstr("unsupported dtype 'f2'"));
  EXPECT_THAT(readError(npyFile(dict("|b1", "(4,)"), rawBytes<float>({1}))),
              HasSubstr("unsupported dtype 'b1'"));
  std::vector<uint8_t> b = npyFile(dict("<f4", "(1,)"), rawBytes<float>({1}));
  b[6] = 4;
  EXPECT_THAT(readError(b), HasSubstr("unsupported .npy version 4"));
  EXPECT_THAT(readError(npyFile("{'fortran_order': False, 'shape': (1,), }",
                                rawBytes<float>({1}))),
              HasSubstr("cannot read 'descr'"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4', 'fortran_order': False, }",
                                rawBytes<float>({1}))),
              HasSubstr("cannot read 'shape'"));
}

TEST(Npy, RejectsOversizedNumbersWithoutThrowing) {
  // A header number that does not fit an integer must be an error message,
  // not an escaping std::out_of_range.
  readError(npyFile(dict("<f4", "(99999999999999999999,)"), {}));
  readError(npyFile(dict("<f99999999999", "(1,)"), rawBytes<float>({1})));
}

TEST(Npy, RejectsElementCountOverflow) {
  // 2^32 * 2^32 elements wraps to 0 in 64 bits; an empty payload must not
  // match a shape of 2^64 elements.
  EXPECT_THAT(readError(npyFile(dict("<f4", "(4294967296, 4294967296)"), {})),
              HasSubstr("data size mismatch"));
}

TEST(Npy, LongHeadersParseWithoutRecursion) {
  // A legal header padded to 60 KB (version 2 allows 4 GiB) once overflowed
  // the stack of a std::regex; the hand-written parser reads any length.
  std::string padded = "{'descr': '<f4',";
  padded += std::string(60000, ' ');
  padded += "'fortran_order': False, 'shape': (2,), }";
  std::string error;
  std::optional<Tensor> t =
      readBytes(npyFile(padded, rawBytes<float>({1, 2}), 2), error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->data, (std::vector<float>{1, 2}));
  // Many dimensions of 1 are fine up to 32.
  std::string shape = "(";
  for (int i = 0; i < 32; ++i)
    shape += "1, ";
  t = readBytes(npyFile(dict("<f4", shape + ")"), rawBytes<float>({7})), error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->shape.size(), 32u);
  EXPECT_THAT(
      readError(npyFile(dict("<f4", shape + "1)"), rawBytes<float>({7}))),
      HasSubstr("more than 32 dimensions"));
}

TEST(Npy, RejectsMalformedHeaders) {
  const std::vector<uint8_t> one = rawBytes<float>({1});
  EXPECT_THAT(readError(npyFile("", one)), HasSubstr("not a dict"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4', 'shape': (1,)", one)),
              HasSubstr("expected ',' or '}'"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4', 'shape': (1,), }", one)),
              HasSubstr("cannot read 'fortran_order'"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4', 'fortran_order': 0, "
                                "'shape': (1,), }",
                                one)),
              HasSubstr("'fortran_order' must be True or False"));
  EXPECT_THAT(readError(npyFile(dict("<f4", "(1,)") + "'extra': 1, }", one)),
              HasSubstr("text after the dict"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (1,), 'extra': 1}",
                                one)),
              HasSubstr("unknown key 'extra' in the .npy header"));
  EXPECT_THAT(readError(npyFile("{'descr': [('a', '<f4')], 'fortran_order': "
                                "False, 'shape': (1,), }",
                                one)),
              HasSubstr("a structured or unknown dtype"));
  EXPECT_THAT(readError(npyFile(dict("<f4", "(1, -2)"), one)),
              HasSubstr("cannot read 'shape'"));
  EXPECT_THAT(readError(npyFile(dict("<f4", "(1 2)"), one)),
              HasSubstr("cannot read 'shape'"));
  EXPECT_THAT(readError(npyFile(dict("<f4", "(1,"), one)),
              HasSubstr("cannot read 'shape'"));
  EXPECT_THAT(readError(npyFile("{'descr': '<f4", one)),
              HasSubstr("a structured or unknown dtype"));
  // Every prefix of a valid header is rejected without a crash.
  const std::string full = dict("<f4", "(1,)");
  for (size_t n = 0; n < full.size(); ++n)
    readError(npyFile(full.substr(0, n), one));
}

TEST(Npy, WriteFailsOnBadPath) {
  const std::string path = tempPath("no-such-dir") + "/out.npy";
  std::string error;
  EXPECT_FALSE(writeNpy(path, Tensor({1}), error));
  EXPECT_EQ(error, path + ": cannot open for writing");
}

TEST(Npy, ShapeToString) {
  EXPECT_EQ(imc::sim::shapeToString({}), "[]");
  EXPECT_EQ(imc::sim::shapeToString({7}), "[7]");
  EXPECT_EQ(imc::sim::shapeToString({2, 3, 4}), "[2, 3, 4]");
}

} // namespace
