# cci: see README.md. CI runs `make ci` (.ci/run).
GO       ?= go
PKGS     := ./...
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s
SHARED   ?= ../shared

.PHONY: all build test test-integration lint bench bench-large fuzz fuzz-smoke golden generate sample tidy-check ci

all: build test

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/cci ./cmd/cci

# The S3 integration tests run when versitygw is installed (make
# test-integration installs it) and skip with a message otherwise.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

test-integration:
	VERSITYGW="$$(scripts/install-versitygw.sh)" $(GO) test -race -count=1 -run 'S3|Integration' ./internal/extract/ ./internal/s3test/

lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Benchmarks print their own figures (MB/s, records/s, ratio to gunzip).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -count 1 ./internal/extract/

bench-large:
	CCI_BENCH_RECORDS=5000000 $(GO) test -run '^$$' -bench 'Extract' -benchmem -benchtime 1x -timeout 2h ./internal/extract/

# A short run of every fuzz target; `make fuzz FUZZTIME=10m` for real work.
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

fuzz-smoke:
	FUZZTIME=3s scripts/fuzz.sh

# Regenerate golden files after a deliberate output change; review the diff.
golden:
	$(GO) test ./... -update
	UPDATE_SCRIPTS=1 $(GO) test ./cmd/cci/

# Regenerate committed tables from shared data ($(SHARED)).
generate:
	$(GO) run ./internal/policy/internal/gentables -data $(SHARED)/data/iam -out internal/policy/tables_gen.go

# Regenerate the sample trail in testdata/trails/sample.
sample:
	rm -rf testdata/trails/sample
	$(GO) run ./cmd/gentrail -out testdata/trails/sample -seed 1

tidy-check:
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

ci: tidy-check test test-integration fuzz-smoke
