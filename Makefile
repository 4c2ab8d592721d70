# cci: see README.md. CI runs .ci/run, which runs these targets.
SHELL := /bin/bash
GO       ?= go
PKGS     := ./...
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 100000x
SHARED   ?= ../shared

.PHONY: all build pgo test test-portable test-integration lint bench bench-large bench-shapes-large fuzz fuzz-smoke golden generate sample docs tidy-check ci

all: build test

# Static, as README.md installs it (CGO_ENABLED=0: no libc mapped into
# every run; docs/performance.md).
build:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/cci ./cmd/cci

# The S3 integration tests run when versitygw is installed (make
# test-integration installs it) and skip with a message otherwise.
# -pgo=off: the tests do not need cmd/cci/default.pgo, which would make go
# test compile cmd/cci's dependencies a second time.
test:
	@[ -x "$${VERSITYGW:-}" ] || command -v versitygw >/dev/null 2>&1 || [ -x "$$($(GO) env GOPATH)/bin/versitygw" ] || \
		ls "$$($(GO) env GOCACHE)"/cci-tools/versitygw-*/versitygw >/dev/null 2>&1 || \
		echo "note: versitygw is not installed: the S3 integration tests will skip (make test-integration installs it)"
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -pgo=off $(PKGS)

# The gunzip fast loop's portable memory access (words_other.go) runs on
# big-endian or alignment-strict machines only: a 386 build takes it here
# (without TestTruncatedEverywhere, half the time and no arch-specific code).
test-portable:
	GOARCH=386 $(GO) test -short -count=1 -skip '^TestTruncatedEverywhere$$' ./internal/extract/gunzip/

test-integration:
	VERSITYGW="$$(scripts/install-versitygw.sh)" $(GO) test -race -count=1 -run 'S3' -v ./internal/extract/... 2>&1 | grep -E '^(=== RUN|--- (PASS|FAIL|SKIP)|ok|FAIL|PASS)' | grep -v '=== RUN'; exit $${PIPESTATUS[0]}

lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Benchmarks print their own figures (see docs/performance.md): floor
# (read + gunzip), extract, ratio, MB/s, records/s, peak RSS of a cci
# process, allocs/record, and the S3 line (skipped without versitygw);
# then, for every trail shape of issue 14 (trailgen.Shapes), the cci
# process timed from outside against the floor as a process, medians of
# five pairs with their range, beside extract.Run in-process.
# Last, S3 as a process (skipped without versitygw): cci from versitygw
# on loopback against the S3 floor (list + GET + gunzip, cmd/s3floor),
# directly and with 20 ms per request, on the unique shape (or
# CCI_BENCH_SHAPES). CCI_BENCH_TRAILS=DIR keeps the generated trails for
# the next run.
bench:
	$(GO) test -run '^$$' -bench 'Extract' -benchmem -benchtime 1x -count 1 -timeout 30m ./internal/extract/
	$(GO) test -run '^$$' -bench 'RecordPath' -benchmem -benchtime 2s -count 1 ./internal/extract/
	CCI_BENCH_INPROCESS=1 $(GO) test -run '^$$' -bench '^BenchmarkProcess$$' -benchtime 1x -count 1 -timeout 60m ./internal/procbench/
	$(GO) test -run '^$$' -bench '^BenchmarkS3Process$$' -benchtime 1x -count 1 -timeout 30m ./internal/procbench/

# The shapes of issue 14 at 200k and 1M records: peak RSS against the 200k run.
bench-shapes-large:
	CCI_BENCH_RECORDS=200000,1000000 $(GO) test -run '^$$' -bench '^BenchmarkProcess$$' -benchtime 1x -count 1 -timeout 2h ./internal/procbench/

# 200k, 1M and 5M records: the same figures, and peak RSS against the 200k run.
bench-large:
	CCI_BENCH_RECORDS=200000,1000000,5000000 $(GO) test -run '^$$' -bench '^BenchmarkExtract$$' -benchmem -benchtime 1x -count 1 -timeout 2h ./internal/extract/

# Every fuzz target for FUZZTIME executions (a count: see scripts/fuzz.sh);
# `make fuzz FUZZTIME=10000000x` or FUZZTIME=10m for real work.
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

fuzz-smoke:
	FUZZTIME=5000x scripts/fuzz.sh

# Regenerate golden files after a deliberate output change; review the diff.
# -update is passed only to the packages whose tests define it (a test
# binary without the flag would fail on it). trailgen goes first: it
# rewrites the sample trail that the extract goldens are made from.
GOLDEN_PKGS = $(shell grep -rl --include='*_test.go' 'flag[.]Bool."update"' . | xargs -n1 dirname | sort -u)
golden:
	$(GO) test -count=1 ./internal/trailgen -update
	$(GO) test -count=1 $(filter-out ./internal/trailgen,$(GOLDEN_PKGS)) -update
	UPDATE_SCRIPTS=1 $(GO) test -count=1 ./cmd/cci/

# Regenerate committed tables from shared data ($(SHARED)).
generate:
	$(GO) run ./internal/policy/internal/gentables -data $(SHARED)/data/iam -out internal/policy/tables_gen.go

# Regenerate the man page docs/cci.1 from the commands' help (TestManPage
# fails while it is stale).
docs:
	$(GO) test ./cmd/cci/ -run '^TestManPage$$' -count=1 -update

# cmd/cci/default.pgo, the CPU profile go build optimizes cci with
# (profile-guided optimization: every go build and go install of ./cmd/cci
# uses it): extract.Run in process on the unique, mixed and bench trails of
# issue 14, merged. Regenerate after large changes to the extract path.
pgo:
	@d="$$(mktemp -d)"; trap 'rm -rf "$$d"' EXIT; \
	for s in unique mixed bench; do \
		CCI_BENCH_SHAPES=$$s $(GO) test -run '^$$' -bench '^BenchmarkInProcess$$' -benchtime 6x -cpuprofile "$$d/$$s.out" -o "$$d/procbench.test" ./internal/procbench/ || exit 1; \
	done; \
	$(GO) tool pprof -proto "$$d"/*.out > cmd/cci/default.pgo

# Regenerate the sample trail in testdata/trails/sample.
sample:
	rm -rf testdata/trails/sample
	$(GO) run ./cmd/gentrail -out testdata/trails/sample -seed 1

tidy-check:
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

ci: tidy-check test test-integration fuzz-smoke
