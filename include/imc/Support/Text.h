//===- Text.h - checks and quoting of untrusted text -------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Strings that come from a file or an attribute (layer names in a program,
// the target's name, JSON keys) are checked with isValidUtf8 when they are
// decoded, and shown in one-line error messages with quoteForMessage. Header
// only and free of MLIR and LLVM, so every library can use it.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_TEXT_H
#define IMC_SUPPORT_TEXT_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace imc {

/// Whether `s` is well-formed UTF-8 (RFC 3629, Unicode table 3-7): no
/// overlong forms, no surrogates, nothing above U+10FFFF, no truncated
/// sequence.
inline bool isValidUtf8(std::string_view s) {
  const auto *p = reinterpret_cast<const unsigned char *>(s.data());
  const auto *end = p + s.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len;
    unsigned lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0)
        lo = 0xA0; // no overlong
      else if (c == 0xED)
        hi = 0x9F; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0)
        lo = 0x90; // no overlong
      else if (c == 0xF4)
        hi = 0x8F; // nothing above U+10FFFF
    } else {
      return false;
    }
    if (end - p < len || p[1] < lo || p[1] > hi)
      return false;
    for (int i = 2; i < len; ++i)
      if ((p[i] & 0xC0) != 0x80)
        return false;
    p += len;
  }
  return true;
}

/// The longest prefix of valid UTF-8 `s` that has at most `maxBytes` bytes
/// and does not cut a character in two.
inline std::string_view truncateUtf8(std::string_view s, size_t maxBytes) {
  if (s.size() <= maxBytes)
    return s;
  size_t n = maxBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n; // s[n] continues a character: cut before that character
  return s.substr(0, n);
}

/// `s` for an error message: quoted, at most `maxChars` bytes of it (then
/// "..."), with control characters, quotes, backslashes and bytes that are
/// not printable ASCII escaped, so the message stays one line of valid text.
inline std::string quoteForMessage(std::string_view s, size_t maxChars = 64) {
  std::string out = "'";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == maxChars) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "'";
}

/// `s` as one CSV field: in double quotes, its quotes doubled (RFC 4180).
inline std::string csvQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

} // namespace imc

#endif // IMC_SUPPORT_TEXT_H
