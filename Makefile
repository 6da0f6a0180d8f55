# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing
# first (Debian packages through scripts/install-deps), so a fresh Debian 12 machine needs nothing
# else.

DATABASE ?= var/unknot.db
LISTEN   ?= 127.0.0.1:8080
WEB_ROOT ?= web/public
UNKNOT_RELEASE := build/release/src/server/unknot
JOBS     ?= 2

CXX_SOURCES = $(shell find src tests bench -name '*.cpp' -o -name '*.hpp')

.PHONY: run test deps release asan debug tsan format format-check tidy bench clean

# Build the release binary, create/upgrade the database, load the demo clinic and serve it.
run: release
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

format:
	clang-format -i $(CXX_SOURCES)

format-check:
	@clang-format --dry-run -Werror $(CXX_SOURCES) && echo "format-check: clean"

tidy: debug
	run-clang-tidy -quiet -p build/debug 'src/.*\.cpp$$'

clean:
	rm -rf build
