# tnsim: the two commands a newcomer needs are `make demo` and `make test` (see README.md).
SWIFT ?= swift
# One optimised build serves the binary and the tests (numeric code is very slow in debug).
# `-target-cpu native` compiles for the processor of the machine that builds (like gcc's
# -march=native: AVX2, POPCNT, BMI2 where present), because the Makefile builds and runs on the
# same machine; the binary may not run on an older processor. A plain `swift build -c release`
# stays portable (x86-64 baseline) and gives the same outputs, only slower (docs/benchmarks.md).
BUILD_FLAGS = -c release -Xswiftc -enable-testing -Xswiftc -target-cpu -Xswiftc native
BIN = .build/release/tnsim
MNIST = train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte
# `make install PREFIX=DIR`: DIR/bin/tnsim, DIR/share/tnsim/chipdefs, DIR/share/doc/tnsim, DIR/share/man/man1/tnsim.1.
PREFIX ?= /usr/local
# `make build STATIC=1` links the Swift runtime and Foundation into the binary (`--static-swift-stdlib`),
# so that it runs on a machine without the Swift toolchain (built in .build-static, beside the usual build).
ifeq ($(STATIC),1)
BUILD_FLAGS += --static-swift-stdlib --scratch-path .build-static
BIN = .build-static/release/tnsim
endif
# The chip definitions built into the binary, generated from chipdefs/*.json.
BUILTIN_CHIPDEFS = Sources/TrueNorthIO/ChipDefinition+Builtin.swift

.PHONY: build test demo bench data clean install client fuzz mpi test-mpi

build: $(BUILTIN_CHIPDEFS)
	$(SWIFT) build $(BUILD_FLAGS)

$(BUILTIN_CHIPDEFS): chipdefs/*.json chipdefs/builtin.sh
	sh chipdefs/builtin.sh

test: data $(BUILTIN_CHIPDEFS) client
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS) --parallel --num-workers 2

# The example client package (examples/swift-package), which depends on tnsim by path; the tests
# run it from a temporary folder. Optimised (portable): it trains and deploys a small network in 2 s.
client: $(BUILTIN_CHIPDEFS)
	$(SWIFT) build -c release --package-path examples/swift-package

install: build
	install -d $(PREFIX)/bin $(PREFIX)/share/tnsim/chipdefs $(PREFIX)/share/doc/tnsim $(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(PREFIX)/bin/tnsim
	install -m 644 chipdefs/*.json $(PREFIX)/share/tnsim/chipdefs
	install -m 644 README.md $(PREFIX)/share/doc/tnsim
	cp -R docs/. $(PREFIX)/share/doc/tnsim
	$(BIN) help --man > $(PREFIX)/share/man/man1/tnsim.1

# Decompress the bundled MNIST (gzip) next to the archives and check the SHA-256 digests.
data: $(addprefix data/mnist/,$(MNIST))
	cd data/mnist && sha256sum --quiet -c SHA256SUMS

data/mnist/%-ubyte: data/mnist/%-ubyte.gz
	gzip -dc $< > $@.tmp && mv $@.tmp $@

# The main job: train the reference 5-core network on MNIST (a short schedule), deploy it at 1, 4 and
# 16 copies at 1 spike per frame, classify the 10,000 test images on the simulated chip, print the table.
demo: build data
	$(BIN) train --topology mnist-5core --epochs 3 --output out/mnist-5core.json
	$(BIN) sweep out/mnist-5core.json --copies 1,4,16 --spf 1 --output out/demo-sweep

# The benchmark workloads of docs/benchmarks.md, single-threaded and on all processors, the file
# workloads (spike files, the full-chip model, RANC's 5-core network from files to files as whole
# `tnsim run` processes), then the full chip at cycle fidelity.
bench: build
	$(BIN) bench
	$(BIN) generate random --chip truenorth --seed 7 --output out/random-chip.json
	$(BIN) run out/random-chip.json --ticks 1000 --json --fidelity cycle

clean:
	rm -rf .build .build-static .build-mpi out examples/swift-package/.build
	rm -f $(addprefix data/mnist/,$(MNIST))

# The mutation fuzzer of every file reader (docs/robustness.md): FUZZ_CASES cases per format from
# FUZZ_SEED, each worker in a child process so a trap or hang names its case; failing cases are
# saved in out/fuzz-failures. `make test` runs a fixed-seed slice of 500 cases per format.
FUZZ_CASES ?= 10000
FUZZ_SEED ?= 1
fuzz: build
	.build/release/tnsim-fuzz --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --root . --failures out/fuzz-failures

# The MPI engine (docs/mpi.md), optional: OpenMPI from Debian (installed here when missing) and
# tnsim built with TNSIM_MPI=1 in its own scratch path; `make test` never needs it.
MPI_BIN = .build-mpi/release/tnsim
mpi: $(BUILTIN_CHIPDEFS)
	@missing=; for p in libopenmpi-dev openmpi-bin; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; done; \
	command -v pkg-config >/dev/null || missing="$$missing pkgconf"; \
	if [ -n "$$missing" ]; then echo "make mpi: installing$$missing with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	TNSIM_MPI=1 $(SWIFT) build -c release -Xswiftc -target-cpu -Xswiftc native --scratch-path .build-mpi

# Training, a board, and the faults under mpirun at 1, 2 and 4 ranks (Tests/mpi/run.sh).
test-mpi: mpi data
	Tests/mpi/run.sh $(MPI_BIN)
