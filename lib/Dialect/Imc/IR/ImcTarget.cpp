//===- ImcTarget.cpp - the imc.target module attribute --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Imc/IR/ImcDialect.h"
#include "imc/Support/Text.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using namespace imc;
using json = nlohmann::json;

/// JSON -> attribute, structurally (objects become dictionaries).
static Attribute jsonToAttr(Builder &b, const json &j) {
  if (j.is_object()) {
    SmallVector<NamedAttribute> fields;
    for (auto it = j.begin(); it != j.end(); ++it)
      fields.push_back(b.getNamedAttr(it.key(), jsonToAttr(b, it.value())));
    return b.getDictionaryAttr(fields);
  }
  if (j.is_number_integer())
    return b.getI64IntegerAttr(j.get<int64_t>());
  if (j.is_number())
    return b.getF64FloatAttr(j.get<double>());
  if (j.is_boolean())
    return b.getBoolAttr(j.get<bool>());
  if (j.is_array()) {
    SmallVector<Attribute> elems;
    for (const json &e : j)
      elems.push_back(jsonToAttr(b, e));
    return b.getArrayAttr(elems);
  }
  return b.getStringAttr(j.is_string() ? j.get<std::string>() : j.dump());
}

/// Attribute -> JSON; anything that is not a plain value stays a string so
/// that the validator names the field. Strings and keys must be valid UTF-8
/// (an attribute may hold any bytes; JSON text may not): otherwise fails,
/// naming the field.
static FailureOr<json> attrToJson(Attribute attr, const std::string &path,
                                  std::string &error) {
  auto utf8 = [&](StringRef s, const std::string &where) {
    if (isValidUtf8(std::string_view(s.data(), s.size())))
      return true;
    error =
        "imc.target: field " + quoteForMessage(where) + " is not valid UTF-8";
    return false;
  };
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    json j = json::object();
    for (NamedAttribute field : dict) {
      std::string key = field.getName().str();
      std::string where = path.empty() ? key : path + "." + key;
      if (!utf8(key, where))
        return failure();
      FailureOr<json> v = attrToJson(field.getValue(), where, error);
      if (failed(v))
        return failure();
      j[key] = std::move(*v);
    }
    return j;
  }
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    if (i.getType().isInteger(1))
      return json(i.getValue().getBoolValue());
    if (i.getValue().getSignificantBits() > 64) // out of any field's range
      return json(llvm::toString(i.getValue(), 10, /*Signed=*/true));
    return json(i.getValue().getSExtValue());
  }
  if (auto f = dyn_cast<FloatAttr>(attr))
    return json(f.getValueAsDouble());
  if (auto s = dyn_cast<StringAttr>(attr)) {
    if (!utf8(s.getValue(), path))
      return failure();
    return json(s.str());
  }
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    json j = json::array();
    for (Attribute e : a) {
      FailureOr<json> v = attrToJson(e, path, error);
      if (failed(v))
        return failure();
      j.push_back(std::move(*v));
    }
    return j;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  if (!utf8(os.str(), path))
    return failure();
  return json(os.str());
}

DictionaryAttr imc::targetToAttr(MLIRContext *ctx, const hw::Target &target) {
  Builder b(ctx);
  return cast<DictionaryAttr>(
      jsonToAttr(b, json::parse(hw::targetToJson(target))));
}

FailureOr<std::string> imc::targetJsonFromAttr(Attribute attr,
                                               std::string &error) {
  if (!isa_and_nonnull<DictionaryAttr>(attr)) {
    error = "imc.target: expected a dictionary";
    return failure();
  }
  FailureOr<json> j = attrToJson(attr, "", error);
  if (failed(j))
    return failure();
  std::string text = j->dump(2);
  if (!hw::parseTarget(text, "imc.target", error))
    return failure();
  return text;
}

FailureOr<hw::Target> imc::targetFromAttr(Attribute attr, std::string &error) {
  FailureOr<std::string> text = targetJsonFromAttr(attr, error);
  if (failed(text))
    return failure();
  return *hw::parseTarget(*text, "imc.target", error);
}

FailureOr<hw::Target> imc::resolveTarget(ModuleOp module, StringRef path) {
  std::string error;
  if (!path.empty()) {
    std::optional<hw::Target> t = hw::loadTarget(path.str(), error);
    if (!t)
      return module.emitError() << error;
    module->setAttr(ImcDialect::kTargetAttrName,
                    targetToAttr(module.getContext(), *t));
    return *t;
  }
  Attribute attr = module->getAttr(ImcDialect::kTargetAttrName);
  if (!attr)
    return module.emitError()
           << "no hardware target: pass target=<file.json> to this pass or "
              "run it after one that records '"
           << ImcDialect::kTargetAttrName << "' on the module";
  FailureOr<hw::Target> t = targetFromAttr(attr, error);
  if (failed(t))
    return module.emitError() << error;
  return t;
}
