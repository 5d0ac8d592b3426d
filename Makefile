# Thin wrapper over CMake + Ninja. The two commands a user needs:
#   make demo   - install missing Debian packages, build, compile + simulate the bundled MLP
#   make check  - install missing Debian packages, build, run every test (lit, GoogleTest, end to end)
# and, for the project's own robustness (both in .ci/run):
#   make check-sanitize - the whole suite built with ASan + UBSan (clang-19), in build-san/
#   make check-models   - every model of test/python/test_models.py, the large ones included
#   make fuzz           - replay the fuzz corpora, then fuzz each target briefly (fixed seed);
#                         make fuzz FUZZ_RUNS=1000000 runs N executions per target instead
BUILD ?= build
SAN_BUILD ?= build-san
CMAKE_FLAGS ?=
FUZZ_RUNS ?=
MLIR_FLAGS = -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py

.PHONY: all deps configure build demo check check-models bench clean check-sanitize fuzz

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(MLIR_FLAGS) $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)

check: build
	@bash scripts/check.sh $(BUILD)

check-models: build
	cd $(BUILD) && IMC_MODELS=all PYTHONPATH=python /usr/bin/python3 -m pytest -q \
	  --durations=20 ../test/python/test_models.py

# One clang tree serves both: every library instrumented for ASan + UBSan and
# for libFuzzer's coverage; the fuzz targets link libFuzzer's main.
$(SAN_BUILD)/build.ninja:
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(SAN_BUILD) -G Ninja $(MLIR_FLAGS) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMC_SANITIZE=ON -DIMC_FUZZ=ON $(CMAKE_FLAGS)

check-sanitize: deps $(SAN_BUILD)/build.ninja
	cmake --build $(SAN_BUILD)
	@bash scripts/check.sh $(SAN_BUILD)

fuzz: deps $(SAN_BUILD)/build.ninja
	cmake --build $(SAN_BUILD)
	@if [ -n "$(FUZZ_RUNS)" ]; then bash test/fuzz/run.sh $(SAN_BUILD) runs $(FUZZ_RUNS); \
	 else bash test/fuzz/run.sh $(SAN_BUILD) smoke; fi

# Benchmarks print figures and are not part of check (bench/README.md).
bench: build
	PYTHONPATH=$(BUILD)/python /usr/bin/python3 bench/sim_speed.py

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
