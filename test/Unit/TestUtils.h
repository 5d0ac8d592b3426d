//===- TestUtils.h - shared helpers of the imc unit tests -------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_TEST_UNIT_TESTUTILS_H
#define IMC_TEST_UNIT_TESTUTILS_H

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace imc::test {

/// The imc source tree: $IMC_SOURCE_DIR (set by lit), else the directory
/// CMake compiled the tests from (__FILE__ may be relative under ccache).
inline std::string sourceDir() {
  if (const char *env = std::getenv("IMC_SOURCE_DIR"); env && *env)
    return env;
  return IMC_TEST_SOURCE_DIR;
}

inline std::string defaultTargetPath() {
  return sourceDir() + "/targets/default.json";
}

inline std::string readTextFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<uint8_t> readBinaryFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

inline void writeBinaryFile(const std::string &path,
                            const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
}

/// A file name in the test temporary directory, unique per test.
inline std::string tempPath(const std::string &name) {
  return (std::filesystem::path(::testing::TempDir()) /
          ("imc-unit-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

/// Reference IEEE 802.3 CRC-32, bit by bit (independent of the table-driven
/// implementation under test).
inline uint32_t referenceCrc32(const uint8_t *data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

} // namespace imc::test

#endif // IMC_TEST_UNIT_TESTUTILS_H
