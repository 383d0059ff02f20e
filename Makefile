# aips — top-level entry points. Every target installs what it needs first (make deps).
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_DIR ?= demo-data
DEMO_USERS ?= 200000
DEMO_DAYS ?= 90
DEMO_PORT ?= 8080

APT_PACKAGES := build-essential cmake ninja-build pkg-config git python3 tzdata clang-format \
  libroaring-dev libsimdjson-dev libtomlplusplus-dev libcli11-dev libfmt-dev libabsl-dev \
  libxxhash-dev libzstd-dev liblz4-dev libgtest-dev libgmock-dev libcpp-httplib-dev libboost1.81-dev libssl-dev \
  chromium fonts-wqy-microhei clang libfuzzer-14-dev zstd \
  clickhouse-server clickhouse-client libbenchmark-dev clang-tidy wrk

.PHONY: deps web configure build build-aips install test demo clean format format-check soak bench
# Warnings are errors in CI (CI=true); locally they are shown.
WERROR := $(if $(filter true,$(CI)),ON,OFF)
PREFIX ?= /usr/local

# Installs the Debian packages that are missing (no-op when all are present).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing" >&2; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi; \
	if ! command -v npm >/dev/null 2>&1; then \
	  echo "make deps: installing nodejs npm" >&2; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; \
	fi
	@# libchdb.so (ClickHouse 26.7 in process, for --engine chdb:DIR): the npm version pinned in deps/chdb.
	@if [ ! -f deps/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so ]; then \
	  echo "make deps: installing libchdb.so for --engine chdb:DIR (npm, 178 MB download, 566 MB)" >&2; \
	  (cd deps/chdb && npm ci --no-audit --no-fund --loglevel=error); \
	fi

# The dashboard: npm packages from the lock file, then web/dist (embedded into the binary by cmake).
web: deps
	cd web && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

configure: web
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DAIPS_PCH=ON -DAIPS_WERROR=$(WERROR) >/dev/null

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Only the aips binary (what make demo needs).
build-aips: configure
	cmake --build $(BUILD) -j $(JOBS) --target aips

# aips on the PATH: $(PREFIX)/bin/aips.
install: build-aips
	install -m 0755 $(BUILD)/aips $(PREFIX)/bin/aips

test: build
	tests/run_all.sh $(BUILD)

demo: build-aips
	scripts/demo.sh $(BUILD)/aips $(DEMO_DIR) $(DEMO_USERS) $(DEMO_DAYS) $(DEMO_PORT)

# aips against DuckDB and ClickHouse on the 20-million-event world (bench/run.py; results in bench/results/
# and docs/performance.md; distributed_bench.py: every command and page on 2 shards, docs/distributed.md).
# BENCH_ARGS="--users 200000" for a smaller world.
bench: build
	python3 bench/run.py $(BENCH_ARGS)
	python3 bench/serve_bench.py $(SERVE_BENCH_ARGS)
	python3 bench/distributed_bench.py $(DIST_BENCH_ARGS)

# The long variants of the tests: many more kill trials.
soak: build
	CRASH_TRIALS=200 FUZZ_SECONDS=900 LOAD_SECONDS=120 LIFT_WORLDS=600 FORECAST_WORLDS=180 FAULT_STRIDE=1 OPS_DAYS=365 OPS_USERS=200000 tests/run_all.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(DEMO_DIR)
