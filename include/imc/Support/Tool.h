//===- Tool.h - what every imc command-line tool shares ----------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SUPPORT_TOOL_H
#define IMC_SUPPORT_TOOL_H

namespace llvm::cl {
class OptionCategory;
} // namespace llvm::cl

namespace imc {

/// imc's version, e.g. "0.6.0".
const char *version();

/// Sets up an imc tool before it parses its command line:
/// - `--version` prints imc's version (and the LLVM/MLIR it was built with);
/// - `--help` lists only the tool's own options: every option registered so
///   far (the many flags of the linked LLVM libraries) is hidden unless it is
///   in `own` or LLVM's generic category; hidden options still parse;
/// - running out of memory anywhere, LLVM included, prints one line
///   "<tool>: error: out of memory ...", removes the output files registered
///   for removal on a signal, and exits with status 1 (no abort, no stack
///   dump); so does an LLVM fatal error (report_fatal_error), which MLIR's
///   bytecode reader raises on some corrupted files;
/// - a target named without a path (`target=rram-22nm`) is looked up among
///   the bundled targets in <prefix>/share/imc/targets beside the tool.
void initTool(const char *toolName, const char *argv0,
              llvm::cl::OptionCategory *own = nullptr);

} // namespace imc

#endif // IMC_SUPPORT_TOOL_H
