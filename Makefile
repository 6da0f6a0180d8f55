# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing
# first (Debian packages through scripts/install-deps), so a fresh Debian 12 machine needs nothing
# else.

DATABASE ?= var/unknot.db
LISTEN   ?= 127.0.0.1:8080
WEB_ROOT ?= web/dist
UNKNOT_RELEASE := build/release/src/server/unknot
JOBS     ?= 2

CXX_SOURCES = $(shell find src tests bench fuzz -name '*.cpp' -o -name '*.hpp')

# libFuzzer targets (fuzz/, docs/fuzzing.md): seconds per target for `make fuzz` and
# `make fuzz-smoke`.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_TARGETS = http_request_fuzz json_body_fuzz assessment_fuzz scenario_fuzz

# The patient web app (web/): npm ci from package-lock.json, then Vite builds web/dist.
# WEB_TEST_BIN is the unknot binary the browser tests start (make test passes the asan one).
WEB_TEST_BIN ?= build/debug/src/server/unknot
WEB_TEST_TIMEOUT ?= 900

.PHONY: run test deps release asan debug tsan format format-check tidy bench clean \
	web-deps web-build web-test fuzz fuzz-smoke crash-test

# Build the release binary and the web app, create/upgrade the database, load the demo clinic and
# serve it.
run: release web-build
	@mkdir -p $(dir $(DATABASE))
	$(UNKNOT_RELEASE) migrate --database $(DATABASE)
	$(UNKNOT_RELEASE) demo --database $(DATABASE)
	@echo
	@echo "Unknot is starting at http://$(LISTEN)/  (Ctrl+C stops it; database: $(DATABASE))"
	@echo
	$(UNKNOT_RELEASE) serve --database $(DATABASE) --listen $(LISTEN) --web-root $(WEB_ROOT)

# The format check, then every test built with AddressSanitizer and UndefinedBehaviorSanitizer.
test: deps
	$(MAKE) --no-print-directory format-check
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan
	$(MAKE) --no-print-directory web-test WEB_TEST_BIN=build/asan/src/server/unknot

# The crash-consistency tests (docs/reliability.md) with many more crashes than `make test` runs:
# CRASH_CYCLES kills of `unknot serve` on SQLite and on PostgreSQL, and as many immediate stops of
# PostgreSQL, under booking load, in the asan build; then each test's summary line (acknowledged,
# found, lost).
CRASH_CYCLES ?= 30
CRASH_TEST_TIMEOUT ?= 3600
crash-test: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS) --target unknot unknot_e2e_crash_test \
	  unknot_e2e_crash_postgres_test
	@status=0; UNKNOT_CRASH_CYCLES=$(CRASH_CYCLES) ctest --preset asan -R CrashTest \
	  --timeout $(CRASH_TEST_TIMEOUT) || status=$$?; \
	  grep -h '\[crash\] .*: cycles' build/asan/Testing/Temporary/LastTest.log; exit $$status

# A clean install of exactly what web/package-lock.json records.
web-deps:
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "web: Node.js 20.19+ with npm is needed to build the patient app (docs/web.md)"; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' || \
	  { echo "web: Node.js $$(node --version) is too old: Vite 7 needs 20.19 or later (docs/web.md)"; exit 1; }
	cd web && npm ci --no-audit --no-fund

web-build: web-deps
	cd web && npm run build

# Vitest (state and formatting logic), then the browser tests: playwright-core drives Debian's
# Chromium (/usr/bin/chromium, installed by scripts/install-deps) against a real unknot serve.
web-test: web-build
	cd web && npm run test:unit
	@test -x $(WEB_TEST_BIN) || { echo "web-test: no $(WEB_TEST_BIN); build it first"; exit 1; }
	cd web && UNKNOT_BIN=$(abspath $(WEB_TEST_BIN)) timeout $(WEB_TEST_TIMEOUT) npm run test:browser

deps:
	@bash scripts/install-deps

release: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target unknot

debug asan tsan: deps
	cmake --preset $@
	cmake --build --preset $@ -j $(JOBS)

# Benchmarks: Google Benchmark binaries and the wrk load script; see docs/benchmarks.md.
bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target unknot unknot_bench unknot_bench_fixture
	bash bench/run.sh

# Builds the fuzz targets with clang-14 (preset `fuzz`) and runs each for FUZZ_SECONDS on a copy
# of its seed corpus in build/fuzz/fuzz-run; fails on any crash or sanitizer finding.
fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS) --target $(FUZZ_TARGETS)
	bash fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The same, FUZZ_SMOKE_SECONDS per target: short enough to follow the tests.
fuzz-smoke:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

format:
	clang-format -i $(CXX_SOURCES)

format-check:
	@clang-format --dry-run -Werror $(CXX_SOURCES) && echo "format-check: clean"

tidy: debug
	run-clang-tidy -quiet -p build/debug 'src/.*\.cpp$$'

clean:
	rm -rf build
