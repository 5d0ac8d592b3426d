//===- Npy.cpp - NumPy .npy reading and writing ---------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Sim/Tensor.h"
#include "imc/Support/Text.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

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

namespace {

struct NpyHeader {
  char order = 0, kind = 0; ///< descr '<f4': order '<', kind 'f', width 4
  int64_t width = 0;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses the header dict of a .npy file, the Python literal NumPy writes
/// ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" padded
/// with spaces and a newline), by hand: one pass, no recursion, no regular
/// expression, any length. Returns an empty string or what is wrong.
std::string parseNpyHeader(const char *p, size_t size, NpyHeader &h) {
  const char *end = p + size;
  auto skipSpace = [&] {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      ++p;
  };
  auto eat = [&](char c) {
    skipSpace();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  };
  auto quoted = [&](std::string &out) {
    skipSpace();
    if (p == end || (*p != '\'' && *p != '"'))
      return false;
    const char q = *p++;
    const char *b = p;
    while (p < end && *p != q)
      ++p;
    if (p == end)
      return false;
    out.assign(b, p++);
    return true;
  };
  // A non-negative integer; false on overflow or when there is none.
  auto number = [&](int64_t &out) {
    skipSpace();
    if (p == end || *p < '0' || *p > '9')
      return false;
    out = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) {
      if (out > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return false;
      out = out * 10 + (*p - '0');
    }
    return true;
  };
  bool seenDescr = false, seenOrder = false, seenShape = false;
  if (!eat('{'))
    return "the .npy header is not a dict";
  while (!eat('}')) {
    std::string key;
    if (!quoted(key) || !eat(':'))
      return "malformed .npy header: expected 'key': value";
    if (key == "descr") {
      std::string d;
      if (!quoted(d) || d.size() < 3 ||
          std::string_view("<>|=").find(d[0]) == std::string_view::npos ||
          d[1] < 'a' || d[1] > 'z' ||
          d.find_first_not_of("0123456789", 2) != std::string::npos)
        return "cannot read 'descr' from the .npy header (a structured or "
               "unknown dtype)";
      h.order = d[0];
      h.kind = d[1];
      if (d.size() > 4) // more than 99 bytes an element: unsupported anyway
        return fmt::format("unsupported dtype '{}'", d.substr(1, 8));
      h.width = 0;
      for (size_t i = 2; i < d.size(); ++i) // at most two digits
        h.width = h.width * 10 + (d[i] - '0');
      seenDescr = true;
    } else if (key == "fortran_order") {
      skipSpace();
      if (end - p >= 4 && std::string_view(p, 4) == "True") {
        h.fortranOrder = true;
        p += 4;
      } else if (end - p >= 5 && std::string_view(p, 5) == "False") {
        p += 5;
      } else {
        return "malformed .npy header: 'fortran_order' must be True or False";
      }
      seenOrder = true;
    } else if (key == "shape") {
      if (!eat('('))
        return "cannot read 'shape' from the .npy header";
      while (!eat(')')) {
        int64_t d;
        if (!number(d))
          return "cannot read 'shape' from the .npy header (a dimension is "
                 "not a number or is too large)";
        if (h.shape.size() == 32)
          return "the .npy array has more than 32 dimensions";
        h.shape.push_back(d);
        if (!eat(',') && (skipSpace(), p == end || *p != ')'))
          return "cannot read 'shape' from the .npy header";
      }
      seenShape = true;
    } else {
      return fmt::format("unknown key {} in the .npy header",
                         quoteForMessage(key));
    }
    if (!eat(',') && (skipSpace(), p == end || *p != '}'))
      return "malformed .npy header: expected ',' or '}'";
  }
  skipSpace();
  if (p != end)
    return "malformed .npy header: text after the dict";
  if (!seenDescr)
    return "cannot read 'descr' from the .npy header";
  if (!seenShape)
    return "cannot read 'shape' from the .npy header";
  if (!seenOrder)
    return "cannot read 'fortran_order' from the .npy header";
  return {};
}

} // namespace

std::optional<Tensor> readNpy(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("{}: cannot open input file", path);
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return parseNpy(bytes, path, error);
}

std::optional<Tensor> parseNpy(const std::vector<uint8_t> &bytes,
                               const std::string &path, std::string &error) {
  auto fail = [&](const std::string &what) -> std::optional<Tensor> {
    error = fmt::format("{}: {}", path, what);
    return std::nullopt;
  };
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
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    return fail(fmt::format("unsupported .npy version {}", major));
  }
  if (bytes.size() < headerStart + headerLen)
    return fail("truncated .npy header");
  const char *header =
      reinterpret_cast<const char *>(bytes.data()) + headerStart;
  NpyHeader h;
  if (std::string why = parseNpyHeader(header, headerLen, h); !why.empty())
    return fail(why);
  if (h.width > 16)
    return fail(fmt::format("unsupported dtype '{}{}'", h.kind, h.width));
  if (h.order == '>' && h.width > 1)
    return fail("big-endian .npy arrays are not supported");
  if (h.fortranOrder)
    return fail("Fortran-order arrays are not supported; save with "
                "np.ascontiguousarray");

  Tensor t;
  t.shape = h.shape;
  const int64_t width = h.width;
  const char kind = h.kind;
  const size_t dataStart = headerStart + headerLen;
  const uint64_t dataBytes = bytes.size() - dataStart;
  uint64_t n = 1; // checked against the file size as it grows: no overflow
  for (int64_t d : t.shape) {
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
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
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
