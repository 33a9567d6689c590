# Mutual Aid Portal — build, run and test.
#
#   make run     install what is missing, build, run the whole stack in the foreground
#   make start   the same stack in the background (returns once /healthz answers 200)
#   make stop    stop the background stack
#   make check   install what is missing, build and run every test
#   make lint    clang -Werror, cppcheck, clang-tidy, function and file sizes
#   make fuzz    run each libFuzzer harness (tests/fuzz/) for FUZZ_SECONDS
#   make bench   the portal side by side with nginx and pgbench (docs/performance.md)
#
# Environment: PORTAL_VAR, PORTAL_PORT, PORTAL_POLICY, PORTAL_DSN, PORTAL_SMTP_URL
# (see README.md and ../shared/CONTRACT.md).

CC      ?= cc
CXX     ?= c++
PKGS    := libpq libsodium libcurl liboath libqrencode
CFLAGS_BASE := -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icgi-bin
CXXFLAGS_BASE := -std=c++11 -Wall -Wextra -Werror -Icgi-bin
OPT     ?= -O2 -g
BUILD   ?= build
SANITIZE ?=

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL   = $(CFLAGS_BASE) $(OPT) $(SANITIZE) $(PKG_CFLAGS)
CXXFLAGS_ALL = $(CXXFLAGS_BASE) $(OPT) $(SANITIZE)
LIBS = $(PKG_LIBS) -lcrack -lfcgi -lctemplate_nothreads -lstdc++ -lm

# Everything but the three programs' main files goes into one library, so
# the unit tests link exactly the code the programs run.
LIB_SRC := $(filter-out cgi-bin/portal.c cgi-bin/notifier.c cgi-bin/portalctl.c, $(wildcard cgi-bin/*.c))
LIB_OBJ := $(patsubst cgi-bin/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/view.o
HDRS    := $(wildcard cgi-bin/*.h)
PROGS   := $(BUILD)/portal $(BUILD)/portalctl $(if $(wildcard cgi-bin/notifier.c),$(BUILD)/notifier)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))


.PHONY: all build build-asan unit-bins deps deps-test deps-bench run start stop status check lint unit \
	integration browser clean seed-history bench-history bench fuzz fuzz-smoke fuzz-bins drill

all: build

build: $(PROGS)

$(BUILD)/obj/%.o: cgi-bin/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/obj/view.o: cgi-bin/view.cc cgi-bin/view.h
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	@$(CXX) $(CXXFLAGS_ALL) -c $< -o $@

$(BUILD)/libportal.a: $(LIB_OBJ)
	@ar rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/%.o $(BUILD)/libportal.a
	@echo "  LD      $@"
	@$(CC) $(SANITIZE) $< $(BUILD)/libportal.a $(LIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libportal.a $(HDRS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) $< $(BUILD)/libportal.a \
		$(LIBS) $(shell pkg-config --libs cmocka) -o $@

# The same programs and tests under AddressSanitizer and UndefinedBehaviorSanitizer.
build-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		build unit-bins

unit-bins: $(UNIT_BIN)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c, one per parser of untrusted
# bytes), built with clang in a directory of their own: the library with
# coverage instrumentation (fuzzer-no-link) and the sanitizers, each harness
# linked with libFuzzer's main. scripts/fuzz.sh runs them on a working
# corpus under $(FUZZ_BUILD)/ seeded from tests/fuzz/corpus/.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/fuzz/%,$(FUZZ_SRC))

fuzz-bins:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CXX=clang++ \
		OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_BIN)

# Linked by clang++: view.cc's UBSan checks need the C++ runtime of UBSan.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libportal.a $(HDRS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CC) $(CFLAGS_BASE) $(OPT) $(PKG_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) \
		-c $< -o $@.o
	@$(CXX) -fsanitize=fuzzer $(FUZZ_SAN) $@.o $(BUILD)/libportal.a $(LIBS) -o $@

# gcc is `make build`; this adds clang -Werror, cppcheck, clang-tidy
# (.clang-tidy), functions of at most 80 lines and files of at most 500.
lint:
	@scripts/lint.sh

fuzz: fuzz-bins
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-bins
	@scripts/fuzz.sh $(FUZZ_BUILD) 5

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh check

deps-bench:
	@scripts/deps.sh bench

unit: $(UNIT_BIN)
	@scripts/unit.sh $(BUILD)

run: deps build
	@scripts/stack.sh run

start: deps build
	@scripts/stack.sh start

stop:
	@scripts/stack.sh stop

# What runs, restarts, mail backlog, notifier heartbeat, audit chain.
status:
	@scripts/stack.sh status

browser: build
	@node tests/browser/run.mjs

integration: build
	@/usr/bin/python3 tests/integration/run.py

# History at scale (issue: 100,000 requests, median under 50 ms): with the
# stack running (make start), load N synthetic requests, then time the views.
N ?= 100000
seed-history:
	@scripts/seed-history.sh $(N)

bench-history:
	@scripts/bench-history.py --port $${PORTAL_PORT:-8080}

# Issue 14: one run, side by side, on a stack of its own (tests/out/bench):
# each page against nginx serving its bytes and against pgbench running the
# page's own SQL (captured from the portal), filing against its own
# transaction and a single-row insert, history at 100,000 requests, worker
# RSS. Prints the table and writes it to docs/performance.md. Takes 4-5
# minutes; BENCH_FLAGS='--seconds 30 --long' for a longer one (see
# scripts/bench.py --help).
BENCH_FLAGS ?=
bench: deps-bench build
	@/usr/bin/python3 scripts/bench.py $(BENCH_FLAGS)

# Issue 11: the fault drill, on a stack of its own with an SMTP server on
# loopback: 16 filers for 20 s, a worker SIGKILLed at t+5 s, PostgreSQL
# restarted at t+10 s, the notifier SIGKILLed at t+15 s; prints answers by
# status, the 503 share, lost filings, missing notifications, the mail
# backlog (about 3 minutes; docs/reliability.md). Exit 1 when anything was
# lost. DRILL_FLAGS='--seconds 60 --connections 32' for a longer one.
DRILL_FLAGS ?=
drill: build
	@/usr/bin/python3 scripts/drill.py $(DRILL_FLAGS)

check: deps-test
	@scripts/check.sh

clean:
	rm -rf build build-asan build-fuzz tests/out
.SECONDARY:
