//===- PassOptions.h - pass options that name the valid ones -----*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// MLIR answers a misspelled pass option with "no such option polcy" alone.
// imc's passes and its pipeline add the options they do take:
// "no such option polcy (imc-map takes: max-analog-ratio, min-utilization,
// overrides, policy, target)".
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_PASSOPTIONS_H
#define IMC_SUPPORT_PASSOPTIONS_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace imc {

/// " (NAME takes: a, b, c)" from the textual form of a set of options,
/// "{a=1 b= c=x}" as PassOptions::print writes it.
inline std::string validOptionsNote(llvm::StringRef name,
                                    llvm::StringRef printed) {
  llvm::SmallVector<std::string> names;
  printed = printed.drop_until([](char c) { return c == '{'; });
  printed.consume_front("{");
  printed.consume_back("}");
  llvm::SmallVector<llvm::StringRef> items;
  printed.split(items, ' ', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items)
    if (size_t eq = item.find('='); eq != llvm::StringRef::npos)
      names.push_back(item.take_front(eq).str());
  if (names.empty())
    return (" (" + name + " takes no options)").str();
  return (" (" + name + " takes: " + llvm::join(names, ", ") + ")").str();
}

/// `message`, with the note appended when it is about an unknown option.
inline std::string withValidOptions(const std::string &message,
                                    llvm::StringRef name,
                                    llvm::StringRef printed) {
  llvm::StringRef m = llvm::StringRef(message).rtrim();
  if (!m.contains("no such option"))
    return message;
  return m.str() + validOptionsNote(name, printed);
}

/// Pass::initializeOptions, naming the valid options when one is unknown.
/// A pass calls it from its initializeOptions override.
inline mlir::LogicalResult initializeOptionsListingValid(
    mlir::Pass &pass, llvm::StringRef options,
    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> handler) {
  return pass.mlir::Pass::initializeOptions(
      options, [&](const llvm::Twine &msg) {
        std::string printed;
        llvm::raw_string_ostream os(printed);
        pass.printAsTextualPipeline(os);
        return handler(
            withValidOptions(msg.str(), pass.getArgument(), os.str()));
      });
}

} // namespace imc

/// The override each imc pass declares (inside its class).
#define IMC_PASS_OPTIONS_LIST_VALID                                            \
  mlir::LogicalResult initializeOptions(                                       \
      llvm::StringRef options,                                                 \
      llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> handler)    \
      override {                                                               \
    return imc::initializeOptionsListingValid(*this, options, handler);        \
  }

#endif // IMC_SUPPORT_PASSOPTIONS_H
