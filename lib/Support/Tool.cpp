//===- Tool.cpp - what every imc command-line tool shares -----------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Support/Tool.h"
#include "imc/Hardware/Target.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

using namespace llvm;

const char *imc::version() { return IMC_VERSION; }

static const char *toolName = "imc";

/// LLVM calls this when an allocation fails (its operator-new handler, or
/// its own checked mallocs); it must not return.
static void onBadAlloc(void *, const char *reason, bool) {
  // No allocation from here on: plain writes to stderr.
  const char *parts[] = {toolName, ": error: out of memory (", reason,
                         "): the input needs more memory than this machine "
                         "has\n"};
  for (const char *p : parts)
    if (::write(STDERR_FILENO, p, std::strlen(p)) < 0)
      break;
  sys::RunInterruptHandlers(); // removes partial output files
  ::_exit(1);
}

/// LLVM's report_fatal_error (MLIR 19's bytecode reader reaches it on
/// corrupted files, docs/upstream-mlir.md): one line and status 1 instead
/// of "LLVM ERROR" and an abort with a stack dump.
static void onFatalError(void *, const char *reason, bool) {
  const char *parts[] = {toolName, ": error: ", reason,
                         " (LLVM cannot continue)\n"};
  for (const char *p : parts)
    if (::write(STDERR_FILENO, p, std::strlen(p)) < 0)
      break;
  sys::RunInterruptHandlers(); // removes partial output files
  ::_exit(1);
}

void imc::initTool(const char *name, const char *argv0,
                   cl::OptionCategory *own) {
  toolName = name;
  install_bad_alloc_error_handler(onBadAlloc);
  install_fatal_error_handler(onFatalError);
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << toolName << " (imc " << version() << ", built with LLVM/MLIR "
       << LLVM_VERSION_STRING << ")\n";
  });
  static cl::OptionCategory none("none");
  cl::HideUnrelatedOptions(own ? *own : none);

  // Bundled targets: <prefix>/bin/<tool> -> <prefix>/share/imc/targets.
  static int anchor;
  std::string exe = sys::fs::getMainExecutable(argv0, &anchor);
  if (!exe.empty()) {
    SmallString<256> dir(sys::path::parent_path(sys::path::parent_path(exe)));
    sys::path::append(dir, "share", "imc", "targets");
    hw::setBundledTargetDir(std::string(dir));
  }
}
