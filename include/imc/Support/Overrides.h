//===- Overrides.h - imc-map's per-layer engine overrides --------*- C++ -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one parser of the `overrides` option (imc-map, --imc-pipeline,
// imc.compile, and the profile evaluator): comma-separated `layer=xbar` or
// `layer=dpu`; empty items between commas are skipped, whitespace around
// an item is trimmed; a later item for the same layer wins.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_OVERRIDES_H
#define IMC_SUPPORT_OVERRIDES_H

#include <map>
#include <string>

namespace imc {

/// Parses `text` into layer -> on crossbars (true) or the DPU (false). On a
/// bad item returns false with `error` = "override 'ITEM' is not
/// layer=xbar or layer=dpu".
inline bool parseOverrides(const std::string &text,
                           std::map<std::string, bool> &out,
                           std::string &error) {
  static const char *kSpace = " \t\n\v\f\r";
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty())
      continue; // nothing between two commas
    const size_t first = item.find_first_not_of(kSpace);
    item = first == std::string::npos
               ? std::string()
               : item.substr(first, item.find_last_not_of(kSpace) - first + 1);
    const size_t eq = item.find('=');
    const std::string engine =
        eq == std::string::npos ? std::string() : item.substr(eq + 1);
    if (eq == 0 || (engine != "xbar" && engine != "dpu")) {
      error = "override '" + item + "' is not layer=xbar or layer=dpu";
      return false;
    }
    out[item.substr(0, eq)] = engine == "xbar";
  }
  return true;
}

} // namespace imc

#endif // IMC_SUPPORT_OVERRIDES_H
