//===- Nesting.h - refuse MLIR text nested too deeply to parse ---*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// MLIR 19's parser recurses once per nested bracket, so text such as 20,000
// '[' overflows the stack and kills mlir-opt as it kills imc-opt
// (docs/upstream-mlir.md). imc's tools, Python's imc.parse and the fuzzer
// count the nesting first, outside string literals and comments, and refuse
// text nested deeper than any model needs. Header only, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_NESTING_H
#define IMC_SUPPORT_NESTING_H

#include <string>
#include <string_view>
#include <vector>

namespace imc {

/// Deepest bracket nesting imc accepts in MLIR text: far above what models
/// need (a rank-8 dense literal inside a region inside a function is about
/// 15), far below what overflows an 8 MB stack (thousands).
constexpr unsigned kMaxNesting = 256;

/// An empty string when `text` nests '(', '[', '{' and '<' at most
/// `maxDepth` deep (outside "..." literals and // comments; the '>' of '->'
/// closes nothing), else one line saying where it goes deeper. MLIR bytecode
/// (magic "ML\xefR") is not text and passes.
inline std::string checkNesting(std::string_view text,
                                unsigned maxDepth = kMaxNesting) {
  if (text.substr(0, 4) == std::string_view("ML\xefR", 4))
    return {};
  unsigned depth = 0, line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
    case '\n':
      ++line;
      break;
    case '"': // a string literal, with backslash escapes
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\')
          ++i;
        else if (text[i] == '\n')
          ++line;
      }
      break;
    case '/':
      if (i + 1 < text.size() && text[i + 1] == '/')
        while (i + 1 < text.size() && text[i + 1] != '\n')
          ++i;
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxDepth)
        return "line " + std::to_string(line) + ": brackets nested more " +
               "than " + std::to_string(maxDepth) +
               " deep (imc refuses such text: MLIR's parser would overflow "
               "its stack)";
      break;
    case '>':
      if (i > 0 && text[i - 1] == '-')
        break; // the arrow of a function type or an affine map
      [[fallthrough]];
    case ')':
    case ']':
    case '}':
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return {};
}

namespace detail {

/// Whether `text` at `i` (after spaces) is "= [" followed by a list of
/// distinct integers and "]" (a repeated dimension is invalid anyway, and
/// linalg.broadcast's verifier crashes on one).
inline bool isIntListAt(std::string_view text, size_t i) {
  std::vector<std::string_view> seen;
  auto space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' ||
                               text[i] == '\n' || text[i] == '\r'))
      ++i;
  };
  auto eat = [&](char c) {
    space();
    if (i < text.size() && text[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!eat('=') || !eat('['))
    return false;
  if (eat(']'))
    return true;
  do {
    space();
    if (i < text.size() && text[i] == '-')
      ++i;
    const size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    if (i == digits)
      return false;
    const std::string_view value =
        text.substr(digits - (text[digits - 1] == '-'),
                    i - digits + (text[digits - 1] == '-'));
    for (std::string_view v : seen)
      if (v == value)
        return false;
    seen.push_back(value);
  } while (eat(','));
  return eat(']');
}

} // namespace detail

/// checkNesting, then the other inputs that crash MLIR 19's parser (see the
/// top of this file); an empty string when `text` is safe to parse, else
/// one line saying what imc refuses.
inline std::string checkMlirText(std::string_view text) {
  if (std::string why = checkNesting(text); !why.empty())
    return why;
  if (text.substr(0, 4) == std::string_view("ML\xefR", 4))
    return {};
  if (text.find("{-#") != std::string_view::npos)
    return "MLIR resource blobs ({-# ... #-}) are not read by imc (it "
           "compiles dense<...> constants; MLIR 19 crashes on some blobs)";
  struct Form {
    const char *op, *keyword;
  };
  for (Form f : {Form{"linalg.transpose", "permutation"},
                 Form{"linalg.broadcast", "dimensions"},
                 Form{"linalg.reduce", "dimensions"}}) {
    const std::string_view op(f.op), keyword(f.keyword);
    for (size_t at = text.find(op); at != std::string_view::npos;
         at = text.find(op, at + 1)) {
      if (at > 0 && text[at - 1] == '"')
        continue; // the generic form: parsed safely
      const size_t k = text.find(keyword, at);
      if (k == std::string_view::npos ||
          !detail::isIntListAt(text, k + keyword.size()))
        return std::string(op) + " without a well-formed `" +
               std::string(keyword) +
               " = [...]` list of distinct integers (MLIR 19 "
               "crashes on it)";
    }
  }
  return {};
}

} // namespace imc

#endif // IMC_SUPPORT_MLIRTEXTGUARD_H
