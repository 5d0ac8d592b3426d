# Runs the GoogleTest binaries under lit, one lit test per gtest case.
import os

import lit.formats

config.name = "IMC-Unit"
config.suffixes = []
config.test_source_root = os.path.join(config.imc_obj_root, "test", "Unit")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
# Tests read fixtures (targets, inputs) from the source tree.
config.environment["IMC_SOURCE_DIR"] = config.imc_src_root
# See test/lit.cfg.py: LLVM's allocator annotations are only half
# instrumented here.
config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
