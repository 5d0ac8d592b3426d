# lit configuration for imc's regression tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "IMC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.imc_obj_root, "test")
config.excludes = ["Inputs", "Unit", "corpus", "regressions", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
# Scripts that RUN lines call find the tools on PATH.
llvm_config.with_environment("PATH", config.imc_tools_dir, append_path=True)

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%imc_src", config.imc_src_root))
config.substitutions.append(("%imc_obj", config.imc_obj_root))
# Debian's interpreter (numpy, torch); lit's own %python may lack them.
if config.imc_python_preload:  # a sanitizer build: preload the ASan runtime
    config.substitutions.append(
        ("%imc_python",
         "env LD_PRELOAD=%s ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 %s"
         % (config.imc_python_preload, config.python_executable)))
    # imc-coopt --dask starts Python itself.
    config.environment["IMC_PYTHON_PRELOAD"] = config.imc_python_preload
else:
    config.substitutions.append(("%imc_python", config.python_executable))
# Sanitizer reports fail the test (UBSan halts; ASan always does).
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
# LLVM's BumpPtrAllocator poisons the slabs it starts when the code that
# inlines it is instrumented (ours) and does not unpoison what the
# uninstrumented libMLIR allocates from them: a false use-after-poison. Every
# other ASan check stays on.
config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
llvm_config.add_tool_substitutions(
    ["imc-opt", "imc-translate", "imc-sim", "imc-cost-bench", "imc-coopt"], [config.imc_tools_dir])
