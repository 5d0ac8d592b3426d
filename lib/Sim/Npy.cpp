//===- Npy.cpp - NumPy .npy reading and writing ---------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Tensor.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <regex>

namespace imc::sim {

std::string shapeToString(const std::vector<int64_t> &shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

template <typename T>
static void convert(const uint8_t *src, std::vector<float> &dst) {
  for (size_t i = 0; i < dst.size(); ++i) {
    T v;
    std::memcpy(&v, src + i * sizeof(T), sizeof(T));
    dst[i] = static_cast<float>(v);
  }
}

std::optional<Tensor> readNpy(const std::string &path, std::string &error) {
  auto fail = [&](const std::string &what) -> std::optional<Tensor> {
    error = fmt::format("{}: {}", path, what);
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail("cannot open input file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    return fail("not a .npy file (bad magic)");
  const uint8_t major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated .npy header");
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) |
                (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    return fail(fmt::format("unsupported .npy version {}", major));
  }
  if (bytes.size() < headerStart + headerLen)
    return fail("truncated .npy header");
  std::string header(bytes.begin() + headerStart,
                     bytes.begin() + headerStart + headerLen);

  std::smatch m;
  if (!std::regex_search(header, m,
                         std::regex("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'")))
    return fail("cannot read 'descr' from the .npy header");
  const char order = m[1].str()[0];
  const char kind = m[2].str()[0];
  // Widths and dimensions are parsed without exceptions: a header may hold
  // numbers of any length.
  auto parseNumber = [](const std::string &s, int64_t &out) {
    out = 0;
    for (char c : s) {
      if (out > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  int64_t width;
  if (!parseNumber(m[3].str(), width) || width > 16)
    return fail(fmt::format("unsupported dtype '{}{}'", kind, m[3].str()));
  if (order == '>' && width > 1)
    return fail("big-endian .npy arrays are not supported");
  if (std::regex_search(header, m,
                        std::regex("'fortran_order'\\s*:\\s*True")))
    return fail("Fortran-order arrays are not supported; save with "
                "np.ascontiguousarray");
  if (!std::regex_search(header, m,
                         std::regex("'shape'\\s*:\\s*\\(([^)]*)\\)")))
    return fail("cannot read 'shape' from the .npy header");

  Tensor t;
  std::string dims = m[1].str();
  std::regex num("(\\d+)");
  const size_t dataStart = headerStart + headerLen;
  const uint64_t dataBytes = bytes.size() - dataStart;
  uint64_t n = 1; // checked against the file size as it grows: no overflow
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num);
       it != std::sregex_iterator(); ++it) {
    int64_t d;
    if (!parseNumber((*it)[1].str(), d))
      return fail(fmt::format("dimension {} is too large", (*it)[1].str()));
    t.shape.push_back(d);
    if (d != 0 && n > dataBytes / uint64_t(d))
      n = dataBytes + 1; // more elements than bytes: certainly a mismatch
    else
      n *= uint64_t(d);
  }
  if (n > dataBytes || n * uint64_t(width) != dataBytes)
    return fail(fmt::format("data size mismatch: shape {} of {}-byte "
                            "elements needs {} bytes, file has {}",
                            shapeToString(t.shape), width,
                            n > dataBytes ? std::string("more")
                                          : std::to_string(n * width),
                            dataBytes));
  t.data.resize(n);
  const uint8_t *src = bytes.data() + dataStart;
  if (kind == 'f' && width == 4)
    convert<float>(src, t.data);
  else if (kind == 'f' && width == 8)
    convert<double>(src, t.data);
  else if (kind == 'i' && width == 1)
    convert<int8_t>(src, t.data);
  else if (kind == 'i' && width == 2)
    convert<int16_t>(src, t.data);
  else if (kind == 'i' && width == 4)
    convert<int32_t>(src, t.data);
  else if (kind == 'i' && width == 8)
    convert<int64_t>(src, t.data);
  else if (kind == 'u' && width == 1)
    convert<uint8_t>(src, t.data);
  else
    return fail(fmt::format("unsupported dtype '{}{}'", kind, width));
  return t;
}

bool writeNpy(const std::string &path, const Tensor &t, std::string &error) {
  std::string shape;
  for (int64_t d : t.shape)
    shape += std::to_string(d) + ", ";
  if (t.shape.size() > 1)
    shape.resize(shape.size() - 1); // "(2, 3,)" rather than "(2, 3, )"
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       shape + "), }";
  // Pad so that the data starts on a 64-byte boundary, ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = fmt::format("{}: cannot open for writing", path);
    return false;
  }
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = uint16_t(header.size());
  out.put(char(len & 0xFF));
  out.put(char(len >> 8));
  out.write(header.data(), std::streamsize(header.size()));
  out.write(reinterpret_cast<const char *>(t.data.data()),
            std::streamsize(t.data.size() * sizeof(float)));
  if (!out) {
    error = fmt::format("{}: write failed", path);
    return false;
  }
  return true;
}

} // namespace imc::sim
