# refract — build, test, install.
#
#   make                  refract, librefract.a, librefract.so, refract.pc
#   make -j2 check        every test (unit, integration on a throwaway
#                         PostgreSQL, and both again under ASan+UBSan)
#   make -j2 check-full   the same with every case of the sized tests (CI)
#   make install PREFIX=/usr/local DESTDIR=
#   make demo | bench | bench-generator | fuzz | clean
#
# Sources are found by wildcard: a new .c file under generator/ or runtime/
# is built without touching this file; tests/unit/test_*.c and
# tests/integration/test_*.c each become one Check executable.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
BUILD     ?= build
FLEX      ?= flex
BISON     ?= bison
PKG_CONFIG ?= pkg-config

WARN      := -Wall -Wextra -Werror
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT       ?= -O2 -g
SAN       ?=
CFLAGS    ?=
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(SAN) $(CFLAGS) -fPIC -MMD -MP
LDFLAGS   ?=

PQ_CFLAGS    := -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
PQ_LIBS      := -lpq
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

# ---- generator ------------------------------------------------------------
GEN_SRCS  := $(sort $(wildcard generator/*.c generator/*/*.c))
GEN_MAIN  := generator/main.c
GEN_LIB_SRCS := $(filter-out $(GEN_MAIN),$(GEN_SRCS))
LEXER     := generator/parse/lexer.l
GRAMMAR   := generator/parse/parser.y
GEN_DIR   := $(BUILD)/gen
LEXER_C   := $(if $(wildcard $(LEXER)),$(GEN_DIR)/lexer.c)
PARSER_C  := $(if $(wildcard $(GRAMMAR)),$(GEN_DIR)/parser.c)
GEN_OBJS  := $(GEN_LIB_SRCS:%.c=$(BUILD)/%.o) \
             $(if $(LEXER_C),$(BUILD)/gen/lexer.o) $(if $(PARSER_C),$(BUILD)/gen/parser.o)
TEMPLATE_SRCS := $(sort $(wildcard templates/*))
TEMPLATES_C   := $(GEN_DIR)/templates.c
GEN_OBJS  += $(if $(TEMPLATE_SRCS),$(BUILD)/gen/templates.o)
GEN_INC   := -Igenerator -Igenerator/parse -I$(GEN_DIR)

# ---- runtime --------------------------------------------------------------
RT_SRCS   := $(sort $(wildcard runtime/*.c))
# rf_migrate_deploy (runtime/migrate_deploy.c) runs `refract migrate deploy`'s
# own code: these generator objects, linked with it into one object whose only
# global symbols are rf_migrate_*, so that librefract exports nothing but rf_
# names and a program's own buf_* or sha256_* never clash with them.
RT_MIGRATE_SHARED := $(addprefix $(BUILD)/generator/,migrate/deploy.o migrate/history.o \
             migrate/folder.o migrate/sqlscan.o migrate/sqltok.o migrate/dburl.o util/buf.o \
             migrate/replaces.o util/sha256.o util/uuid.o util/arena.o util/progress.o)
RT_MIGRATE_O := $(BUILD)/runtime/migrate_deploy.o
RT_MIGRATE   := $(BUILD)/runtime/migrate_all.o
RT_OBJS   := $(filter-out $(RT_MIGRATE_O),$(RT_SRCS:%.c=$(BUILD)/%.o)) $(RT_MIGRATE)
LD        ?= ld
OBJCOPY   ?= objcopy
RT_HDRS   := $(sort $(wildcard runtime/refract*.h))
RT_SONAME := librefract.so.0

# ---- tests ----------------------------------------------------------------
HARNESS_SRCS := $(sort $(wildcard tests/harness/*.c))
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
INTEG_BINS := $(INTEG_SRCS:tests/integration/%.c=$(BUILD)/tests/%)

REFRACT   := $(BUILD)/refract
RT_A      := $(BUILD)/librefract.a
RT_SO     := $(BUILD)/$(RT_SONAME)
PC        := $(BUILD)/refract.pc
# Man pages and shell completion, made from refract's own --help texts.
CLI_DOCS  := $(BUILD)/cli/completion/refract.bash

.PHONY: all tests check check-unit check-integration check-asan install uninstall clean demo bench bench-generator fuzz deps
.DEFAULT_GOAL := all
.SECONDARY:

all: $(REFRACT) $(RT_A) $(RT_SO) $(PC) $(CLI_DOCS)

$(CLI_DOCS): $(REFRACT) tools/mkcli.sh
	@rm -rf $(BUILD)/cli
	sh tools/mkcli.sh $(REFRACT) $(BUILD)/cli

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GEN_INC) $(PQ_CFLAGS) -Iruntime -Itests/harness $(CHECK_CFLAGS) -c $< -o $@

# flex/bison output is not ours to keep warning-free in every respect.
GEN_CODE_CFLAGS := -Wno-unused-function -Wno-sign-compare -Wno-unused-parameter
$(GEN_DIR)/lexer.c $(GEN_DIR)/lexer.h &: $(LEXER) | $(GEN_DIR)
	$(FLEX) --header-file=$(GEN_DIR)/lexer.h -o $(GEN_DIR)/lexer.c $<
$(GEN_DIR)/parser.c $(GEN_DIR)/parser.h &: $(GRAMMAR) | $(GEN_DIR)
	$(BISON) -Wall -Werror --defines=$(GEN_DIR)/parser.h -o $(GEN_DIR)/parser.c $<
$(BUILD)/gen/lexer.o: $(GEN_DIR)/lexer.c $(GEN_DIR)/parser.h
	$(CC) $(ALL_CFLAGS) $(GEN_CODE_CFLAGS) $(GEN_INC) -c $< -o $@
$(BUILD)/gen/parser.o: $(GEN_DIR)/parser.c $(GEN_DIR)/lexer.h
	$(CC) $(ALL_CFLAGS) $(GEN_CODE_CFLAGS) $(GEN_INC) -c $< -o $@
# Objects that include the parser/lexer headers need them generated first.
$(filter $(BUILD)/generator/parse/%.o,$(GEN_OBJS)): | $(if $(PARSER_C),$(GEN_DIR)/parser.h) $(if $(LEXER_C),$(GEN_DIR)/lexer.h)

# Templates are compiled into the binary as C string constants.
$(TEMPLATES_C): $(TEMPLATE_SRCS) tools/embed.sh | $(GEN_DIR)
	sh tools/embed.sh $(TEMPLATE_SRCS) > $@
$(BUILD)/gen/templates.o: $(TEMPLATES_C)
	$(CC) $(ALL_CFLAGS) $(GEN_INC) -c $< -o $@

$(GEN_DIR):
	@mkdir -p $@

$(BUILD)/libgen.a: $(GEN_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The migrate commands share librefract's check of connection strings (it
# never prints a password); typed SQL (`generate` with .sql files) starts its
# throwaway PostgreSQL with the tests' harness. libm: the diagram layout.
$(REFRACT): $(BUILD)/$(GEN_MAIN:.c=.o) $(BUILD)/libgen.a $(BUILD)/runtime/dsn_check.o \
            $(BUILD)/tests/harness/pg_harness.o
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(PQ_LIBS) -lm

$(RT_MIGRATE): $(RT_MIGRATE_O) $(RT_MIGRATE_SHARED)
	$(LD) -r -o $@.tmp $^
	$(OBJCOPY) --wildcard --keep-global-symbol='rf_migrate_*' $@.tmp $@
	@rm -f $@.tmp

$(RT_A): $(RT_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(RT_SO): $(RT_OBJS)
	$(CC) $(SAN) -shared -Wl,-soname,$(RT_SONAME) $(LDFLAGS) -o $@ $^ $(PQ_LIBS)
	ln -sf $(RT_SONAME) $(BUILD)/librefract.so

$(PC): refract.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# ---- tests ----------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgen.a $(RT_A) $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GEN_INC) $(PQ_CFLAGS) -Iruntime -Itests/harness $(CHECK_CFLAGS) \
	    -DREFRACT_BIN='"$(abspath $(REFRACT))"' -o $@ $< $(HARNESS_OBJS) $(BUILD)/libgen.a $(RT_A) \
	    $(SAN) $(LDFLAGS) $(CHECK_LIBS) $(PQ_LIBS)
$(BUILD)/tests/%: tests/integration/%.c $(BUILD)/libgen.a $(RT_A) $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GEN_INC) $(PQ_CFLAGS) -Iruntime -Itests/harness $(CHECK_CFLAGS) \
	    -DREFRACT_BIN='"$(abspath $(REFRACT))"' -o $@ $< $(HARNESS_OBJS) $(BUILD)/libgen.a $(RT_A) \
	    $(SAN) $(LDFLAGS) $(CHECK_LIBS) $(PQ_LIBS)

# ../shared (corpus, oracle) is optional: without it REFRACT_SHARED is left
# unset and the tests that read it skip with a message.
TEST_ENV = REFRACT_BIN=$(abspath $(REFRACT)) REFRACT_ROOT=$(CURDIR) REFRACT_SAN="$(SAN)" \
           $(if $(wildcard ../shared/corpus),REFRACT_SHARED=$(abspath ../shared)) REFRACT_BUILD=$(abspath $(BUILD))

# Build every test program without running any (CI builds them with clang too).
tests: all $(UNIT_BINS) $(INTEG_BINS)

# Running them. Each test program is a target of its own, its log
# $(CHECK_DIR)/<name>.log, so `make -j2 check` runs two at a time. A program's
# output goes to its log, which is printed whole when the program ends (two
# programs' lines never mix); a failing program's log is printed, kept, and
# fails make. The slowest programs are listed first so that both job slots
# stay busy until the end instead of waiting on one long tail.
CHECK_DIR  := $(BUILD)/check
CHECK_SLOW := test_migsql_roundtrip test_migrate_down test_migrate_down_roundtrip test_generate_corpus test_migsql_catalog test_harness
slow_first = $(filter $(addprefix %/,$(CHECK_SLOW)),$(1)) $(filter-out $(addprefix %/,$(CHECK_SLOW)),$(1))
UNIT_LOGS  := $(patsubst $(BUILD)/tests/%,$(CHECK_DIR)/%.log,$(call slow_first,$(UNIT_BINS)))
INTEG_LOGS := $(patsubst $(BUILD)/tests/%,$(CHECK_DIR)/%.log,$(call slow_first,$(INTEG_BINS)))

.PHONY: FORCE check-full check-full-extra check-tsan
FORCE:

$(CHECK_DIR)/%.log: $(BUILD)/tests/% FORCE | all
	@mkdir -p $(CHECK_DIR)
	@t0=$$(date +%s); echo "== $*" >$@; \
	$(TEST_ENV) CK_FORK=yes $< >>$@ 2>&1; rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "== $*: passed ($$(($$(date +%s) - t0)) s)" >>$@; \
	else echo "== $*: FAILED, exit status $$rc ($$(($$(date +%s) - t0)) s; log: $@)" >>$@; fi; \
	cat $@; exit $$rc

check-unit: $(UNIT_LOGS)
check-integration: $(INTEG_LOGS)

# Unit and integration tests again, built with AddressSanitizer and UBSan in
# build/asan: the test programs, librefract they link, and the refract binary
# the integration tests run ($$REFRACT_BIN is build/asan/refract there).
# They keep the default sizes also under check-full: more round-trip seeds
# and a second compiler add cases, not code for the sanitizers to watch, and
# would double CI's time (ASAN_CHECK_FULL=1 runs them full all the same).
ASAN_VARS := BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
             SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
ASAN_CHECK_FULL ?=
check-asan:
	@REFRACT_CHECK_FULL=$(ASAN_CHECK_FULL) $(MAKE) --no-print-directory $(ASAN_VARS) check-unit check-integration

# The pool under ThreadSanitizer (tests/tsan/): librefract and the harness
# built with -fsanitize=thread in build/tsan, and a test of 8 threads on one
# pool; any data race fails it. Skipped with a message where TSan cannot run
# (some kernels' address layouts, compilers without libtsan).
TSAN_VARS := BUILD=build/tsan OPT="-O1 -g" SAN="-fsanitize=thread"
TSAN_TESTS := $(patsubst tests/tsan/%.c,%,$(wildcard tests/tsan/test_*.c))
$(BUILD)/tsan-tests/%: tests/tsan/%.c $(RT_A) $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PQ_CFLAGS) -Iruntime -Itests/harness $(CHECK_CFLAGS) -o $@ $< \
	    $(HARNESS_OBJS) $(RT_A) $(SAN) $(LDFLAGS) $(CHECK_LIBS) $(PQ_LIBS)
check-tsan:
	@if printf 'int main(void){return 0;}' | $(CC) -fsanitize=thread -x c -o build/tsan-probe - 2>/dev/null \
	    && ./build/tsan-probe 2>/dev/null; then \
	    $(MAKE) --no-print-directory $(TSAN_VARS) $(addprefix build/tsan/tsan-tests/,$(TSAN_TESTS)) && \
	    for t in $(TSAN_TESTS); do echo "== $$t (ThreadSanitizer)"; \
	        TSAN_OPTIONS="halt_on_error=1 exitcode=66" CK_FORK=no build/tsan/tsan-tests/$$t || exit 1; done; \
	else echo "== check-tsan skipped: $(CC) cannot build or run -fsanitize=thread programs here"; fi; \
	rm -f build/tsan-probe

# `make check` and `make demo` first make sure the system packages are there
# (tools/deps.sh: offline when they are; installs them as root). The suites
# run in a fresh make, which sees what deps installed; with -k, so that every
# failing program is run and shown, not only the first.
deps:
	@sh tools/deps.sh $(DEPS_LEVEL)

check: DEPS_LEVEL = check
check: deps
	@$(MAKE) --no-print-directory -k check-unit check-integration check-asan check-tsan || \
	    { echo "make check: FAILED (the failing programs' logs are above, and in $(CHECK_DIR) and build/asan/check)"; exit 1; }
	@echo "make check: all suites passed"

# The same with every case of the tests whose size is a choice (all round-trip
# seeds, every corpus schema under every compiler): REFRACT_CHECK_FULL=1 is
# what those tests read (tests/harness/check_full.h). CI runs this after
# `make -j2 check`.
check-full: check
	@$(MAKE) --no-print-directory check-full-extra

# Only the programs whose size REFRACT_CHECK_FULL chooses, at full size
# (CI runs `make check`, then this: nothing runs twice at the same size).
FULL_TESTS := test_migsql_roundtrip test_migrate_down test_migrate_down_roundtrip test_generate_corpus \
              test_migrate_safe_load
check-full-extra: all $(addprefix $(BUILD)/tests/,$(FULL_TESTS))
	@REFRACT_CHECK_FULL=1 $(MAKE) --no-print-directory -k \
	    $(addprefix $(CHECK_DIR)/,$(addsuffix .log,$(FULL_TESTS)))

# ---- fuzzing (clang + libFuzzer) ------------------------------------------
FUZZ_SECONDS ?= 60
fuzz: DEPS_LEVEL = fuzz
fuzz: deps
	$(MAKE) BUILD=build/fuzz CC=clang OPT="-O1 -g" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined" build/fuzz/libgen.a
	@mkdir -p build/fuzz/corpus
	clang -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined $(GEN_INC) -Ibuild/fuzz/gen \
	    -o build/fuzz/fuzz_parse tests/fuzz/fuzz_parse.c build/fuzz/libgen.a
	build/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -dict=tests/fuzz/prisma.dict -artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/seeds

# ---- demo / bench ---------------------------------------------------------
demo: DEPS_LEVEL = demo
demo: deps
	@$(MAKE) --no-print-directory all
	REFRACT_BIN=$(abspath $(REFRACT)) sh examples/demo.sh

bench: all
	$(MAKE) -C bench run REFRACT_BUILD=$(abspath $(BUILD))

# Time and peak RSS of validate, migrate diff and generate on synthetic
# schemas of 100 to 5,000 models (BENCH_MODELS="100 1000" to choose;
# GEN_MAX=5000 to let generate run past 1,000 models).
BENCH_MODELS ?= 100 500 1000 2000 5000
bench-generator: $(REFRACT)
	@sh tools/bench_generator.sh $(abspath $(REFRACT)) $(BENCH_MODELS)

# ---- install --------------------------------------------------------------
# refract.pc is written for this PREFIX, not copied from $(PC) (built for
# whatever PREFIX the build had).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(REFRACT) $(DESTDIR)$(PREFIX)/bin/refract
	install -m 644 $(RT_A) $(DESTDIR)$(PREFIX)/lib/librefract.a
	install -m 755 $(RT_SO) $(DESTDIR)$(PREFIX)/lib/$(RT_SONAME)
	ln -sf $(RT_SONAME) $(DESTDIR)$(PREFIX)/lib/librefract.so
	$(if $(RT_HDRS),install -m 644 $(RT_HDRS) $(DESTDIR)$(PREFIX)/include/)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' refract.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/refract.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/refract.pc
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 $(BUILD)/cli/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(BUILD)/cli/completion/refract.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/refract
	install -m 644 $(BUILD)/cli/completion/_refract $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_refract

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/refract $(DESTDIR)$(PREFIX)/lib/librefract.* \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig/refract.pc \
	    $(DESTDIR)$(PREFIX)/share/man/man1/refract.1 $(DESTDIR)$(PREFIX)/share/man/man1/refract-*.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/refract \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_refract \
	    $(addprefix $(DESTDIR)$(PREFIX)/include/,$(notdir $(RT_HDRS)))

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
