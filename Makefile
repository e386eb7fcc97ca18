# SPDX-License-Identifier: MIT
# Thin wrapper over CMake: the commands a newcomer types. `make` builds, `make test` runs every
# unit and end-to-end test and then the same suite under ASan+UBSan, `make demo` runs the main job.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PEOPLE     ?= 200000

.PHONY: all deps build web test unit asan fuzz demo bench bench-http bench-gate clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)
	$(MAKE) --no-print-directory web

# The web UI (web/, Vue 3 + Vite + ECharts) is built into $(BUILD)/web, where `fangkong serve`
# finds it beside the binary. npm ci runs only when the lockfile changed, vite only when a source
# did. The asan build gets its own copy so its browser test (tests/e2e/60-web.sh) finds one too.
WEB_SRC := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)
WEB_OUT ?= $(BUILD)/web

web: $(WEB_OUT)/index.html

$(WEB_OUT)/index.html: web/node_modules/.fk-installed $(WEB_SRC)
	cd web && npx --no-install vite build --logLevel warn --outDir $(abspath $(WEB_OUT)) --emptyOutDir

web/node_modules/.fk-installed: web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/Makefile:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFK_SANITIZE=ON

# The sanitizer run leaves out what a sanitizer build of the server adds nothing to, which keeps
# CI within its half hour (with them it took 28.5 minutes, then 26.6):
# - the browser tests but e2e/60 (the main pages) and 61 (escaping): each checks a page's
#   language, layout and behaviour in Chromium, and the server paths a page calls are run under
#   the sanitizers by the API test of its issue (50, 52, 54, 88, 89, 91, 96 and the others);
#   the screenshot tour (e2e/67) among them, 5 minutes alone. All of them run in `make unit`.
# - the PostgreSQL end-to-end comparisons (e2e/85-87): the backend they drive runs under the
#   sanitizers in the unit/*_pg tests (every store call, migrate, the watch, the bulk events);
# - the failover and province tests (e2e/94-95; run under the sanitizers by hand once, clean,
#   the server logs checked for sanitizer reports).
ASAN_SKIP := ^e2e/(6[2-9]|7[0-9]|8[01]|8[5-7]|9[02457])-
asan: $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(MAKE) --no-print-directory web WEB_OUT=$(ASAN_BUILD)/web
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS) -E '$(ASAN_SKIP)'

# The libFuzzer targets (tests/fuzz: CSV reader, resident IDs, time round trip, JSON bodies), built
# with clang when it is there (FK_FUZZ), FUZZ_SECONDS each; `make unit` runs them 20 s each.
FUZZ_SECONDS ?= 60
fuzz: build
	@grep -q '^FK_FUZZ:BOOL=ON' $(BUILD)/CMakeCache.txt || \
	    { echo "fuzz: no clang with libFuzzer (make deps installs it; then cmake -DFK_FUZZ=ON $(BUILD))"; exit 1; }
	cd $(BUILD) && FK_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -R '^fuzz/' --output-on-failure -j $(JOBS)

test: deps
	bash scripts/check-style.sh
	$(MAKE) unit
	$(MAKE) asan

demo: deps build
	bash scripts/demo.sh $(BUILD)/fangkong $(PEOPLE)

bench: deps build
	bash bench/run.sh $(BUILD)

# The HTTP benchmark (wrk against fangkong serve and Debian's nginx; results in bench/RESULTS.md).
# It builds its own Release binary in $(HTTP_BUILD); PEOPLE=… sets the city's size (default 1 M).
HTTP_BUILD ?= build-release
bench-http: deps
	HTTP_PEOPLE=$(if $(filter command line environment,$(origin PEOPLE)),$(PEOPLE),1000000) \
	    bash bench/run-http.sh --build $(HTTP_BUILD)

# The gate-check benchmark of issue 18 (bench_gate in-process, then wrk against GET /api/v1/check/ID
# idle and during an import; results in bench/RESULTS.md). The same Release build as bench-http;
# PEOPLE=… sets the city's size (default 1 M; the city stays in /tmp for the next run).
bench-gate: deps
	GATE_PEOPLE=$(if $(filter command line environment,$(origin PEOPLE)),$(PEOPLE),1000000) \
	    bash bench/run-gate.sh --build $(HTTP_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
