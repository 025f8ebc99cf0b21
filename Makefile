# tnsim: the two commands a newcomer needs are `make demo` and `make test` (see README.md).
SWIFT ?= swift
# One optimised build serves the binary and the tests (numeric code is very slow in debug).
BUILD_FLAGS = -c release -Xswiftc -enable-testing
BIN = .build/release/tnsim
MNIST = train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte

.PHONY: build test demo bench data clean

build:
	$(SWIFT) build $(BUILD_FLAGS)

test: data
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS) --parallel --num-workers 2

# Decompress the bundled MNIST (gzip) next to the archives and check the SHA-256 digests.
data: $(addprefix data/mnist/,$(MNIST))
	cd data/mnist && sha256sum --quiet -c SHA256SUMS

data/mnist/%-ubyte: data/mnist/%-ubyte.gz
	gzip -dc $< > $@.tmp && mv $@.tmp $@

demo: build data
	$(BIN) validate examples/neurons/model.json
	$(BIN) run examples/neurons/model.json --input examples/neurons/input.csv --ticks 40 --record all
	$(BIN) generate random --chip truenorth --seed 7 --output out/random-chip.json
	$(BIN) run out/random-chip.json --ticks 1000

bench: build
	$(BIN) generate random --chip truenorth --seed 7 --output out/random-chip.json
	$(BIN) run out/random-chip.json --ticks 1000 --json

clean:
	rm -rf .build out
	rm -f $(addprefix data/mnist/,$(MNIST))
