# Thin wrapper over CMake + Ninja. The two commands a user needs:
#   make demo   - install missing Debian packages, build, compile + simulate the bundled MLP
#   make check  - install missing Debian packages, build, run every test (lit, GoogleTest, end to end)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo check bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja \
	  -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py \
	  $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)

check: build
	@bash scripts/check.sh $(BUILD)

# Benchmarks print figures and are not part of check (bench/README.md).
bench: build
	PYTHONPATH=$(BUILD)/python /usr/bin/python3 bench/sim_speed.py

clean:
	rm -rf $(BUILD)
