# rubric - build, test, bench, install.
#
# `make` builds ./rubric; `make test` runs every test (unit, golden CLI,
# policy tests, cross-check, and the whole suite again under ASan+UBSan);
# `make bench` measures 1,000,000 accounts.  Generated files (parser,
# scanner, objects) live under build/ and are never committed.

PREFIX  ?= /usr/local
DESTDIR ?=
# Where the zsh completion goes: zsh's own folder for a local install;
# `make deb` puts it where Debian's zsh looks for packages' completions.
ZSHDIR  ?= $(PREFIX)/share/zsh/site-functions
BUILD   ?= build
CC      ?= cc

WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wvla
# The generated scanner and parser are not ours to tidy.
GENWARN = -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare -Wno-unused-parameter
# No auto-vectorisation: it merges the two 8-byte halves of a number into
# 16-byte loads right after 8-byte stores, a store-forwarding stall on every
# measure (about 5% of a run; see docs/performance.md).
OPT     ?= -O2 -fno-tree-vectorize
CFLAGS  ?=
# The layers of src/, first to last, written here once: a file uses only
# its own layer and those before it, and tests/layers.py checks that.
LAYERS  = base lang engine data lint fmt report sql lsp cli
CPPFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(LAYERS:%=-Isrc/%) -I$(BUILD)/gen -I$(PQ_INCLUDE) $(CPPFLAGS)
# SQLite keeps the score history (run --history, rubric history): pkg-config
# says how to link it where it can, -lsqlite3 otherwise.
SQLITE_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
# libpq runs a compiled policy on a PostgreSQL server (run POLICY
# postgresql://...); Debian keeps its header in a folder of its own.  It is
# not linked: src/data/db_postgres.c loads it when a run connects
# (src/data/pq_api.h), and $(BUILD)/pq_needs tells the package to depend on it.
PQ_INCLUDE := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
LDLIBS  = -lcjson $(SQLITE_LIBS) -lm

# Everything but the command line is librubric.a, which the unit tests and
# the fuzzers link; the scanner and parser belong to the language layer.
LIB_SRCS = $(foreach l,$(filter-out cli,$(LAYERS)),$(wildcard src/$(l)/*.c))
CLI_SRCS = $(wildcard src/cli/*.c)
GEN_C   = $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c
GEN_H   = $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h

LIB_OBJS      = $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/lang/parser.o $(BUILD)/obj/lang/lexer.o
CLI_OBJS      = $(CLI_SRCS:src/%.c=$(BUILD)/obj/%.o)
ASAN_LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/lang/parser.o $(BUILD)/asan/lang/lexer.o
ASAN_CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/asan/%.o)
SANFLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# ThreadSanitizer, for run -j's threads (tests/jobs): a build of its own.
TSAN_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/tsan/%.o) $(BUILD)/tsan/lang/parser.o $(BUILD)/tsan/lang/lexer.o \
            $(CLI_SRCS:src/%.c=$(BUILD)/tsan/%.o)
TSANFLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer

.PHONY: all deps check test bench demo fuzz man install uninstall deb vsix clean
all: rubric

$(BUILD)/.deps-ok: tools/ensure-deps.sh tools/apt-install.sh
	@sh tools/ensure-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(BUILD)/.deps-ok

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y $(BUILD)/.deps-ok
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h: grammar/lexer.l $(BUILD)/.deps-ok
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

$(BUILD)/obj/lang/%.o: $(BUILD)/gen/%.c $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(OPT) -g $(GENWARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/%.o: src/%.c $(GEN_H) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(OPT) -g $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/lang/%.o: $(BUILD)/gen/%.c $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(SANFLAGS) $(GENWARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/asan/%.o: src/%.c $(GEN_H) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(SANFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tsan/lang/%.o: $(BUILD)/gen/%.c $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(TSANFLAGS) $(GENWARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tsan/%.o: src/%.c $(GEN_H) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(TSANFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/rubric-tsan: $(TSAN_OBJS)
	$(CC) $(TSANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/librubric.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $(LIB_OBJS)
$(BUILD)/librubric-asan.a: $(ASAN_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $(ASAN_LIB_OBJS)

rubric: $(CLI_OBJS) $(BUILD)/librubric.a
	$(CC) $(OPT) -g $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/rubric-asan: $(ASAN_CLI_OBJS) $(BUILD)/librubric-asan.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit_tests: tests/unit/unit_tests.c $(BUILD)/librubric.a
	$(CC) $(CPPFLAGS_ALL) $(OPT) -g $(WARN) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit_tests-asan: tests/unit/unit_tests.c $(BUILD)/librubric-asan.a
	$(CC) $(CPPFLAGS_ALL) $(SANFLAGS) $(WARN) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The JSON conformance suite's reader (tests/json/run.sh).
$(BUILD)/json_conform: tests/json/conform.c $(BUILD)/librubric.a
	$(CC) $(CPPFLAGS_ALL) $(OPT) -g $(WARN) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/gen_accounts: tools/gen_accounts.c
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 $(WARN) -o $@ $<

# The edit loop's tests, in seconds: the layers, the unit tests, the golden
# cases of every verb, the shipped policies' own tests.  `make test` is the
# whole suite.
check: rubric $(BUILD)/unit_tests
	@sh tests/check.sh ./rubric $(BUILD) $(LAYERS)

# The one test command.  Prints `N passed, N failed` last.
test: rubric $(BUILD)/rubric-asan $(BUILD)/rubric-tsan $(BUILD)/unit_tests $(BUILD)/unit_tests-asan $(BUILD)/gen_accounts $(BUILD)/json_conform
	@LAYERS="$(LAYERS)" sh tests/run.sh ./rubric $(BUILD)/rubric-asan $(BUILD)

# Coverage-guided fuzzing with libFuzzer (clang), FUZZ_SECONDS per harness;
# not part of `make test`, which must not depend on time.  Findings are
# written to build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRCS = $(LIB_SRCS) $(GEN_C)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_SRCS) $(GEN_H)
	@mkdir -p $(BUILD)/fuzz
	clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -Wno-unused-function -o $@ $< $(FUZZ_SRCS) $(LDLIBS)
fuzz: $(BUILD)/fuzz/fuzz_policy $(BUILD)/fuzz/fuzz_data $(BUILD)/fuzz/fuzz_json $(BUILD)/fuzz/fuzz_histogram
	mkdir -p $(BUILD)/fuzz/policy-corpus $(BUILD)/fuzz/data-corpus $(BUILD)/fuzz/json-corpus $(BUILD)/fuzz/histogram-corpus
	cp rules/gitlab/*.rules tests/golden/fixtures/*.rules $(BUILD)/fuzz/policy-corpus/
	for f in rules/gitlab/accounts.csv tests/golden/fixtures/*.csv tests/golden/fixtures/*.json; do \
	    { printf '\0'; head -c 4000 $$f; } > $(BUILD)/fuzz/data-corpus/$$(basename $$f); done
	for f in tests/golden/fixtures/*.json tests/golden/fixtures/*.ndjson; do \
	    head -c 4000 $$f > $(BUILD)/fuzz/json-corpus/$$(basename $$f); done
	$(BUILD)/fuzz/fuzz_policy -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/policy-corpus
	$(BUILD)/fuzz/fuzz_data -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/data-corpus
	$(BUILD)/fuzz/fuzz_json -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/json-corpus
	$(BUILD)/fuzz/fuzz_histogram -max_total_time=$(FUZZ_SECONDS) -max_len=2048 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/histogram-corpus

demo: rubric
	./rubric run rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv --as-of 2026-11-01

bench: rubric
	@status=0; BENCH_SUMMARY_LATER=1 bash bench/run.sh $(BUILD) ./rubric || status=1; \
	bash bench/instances.sh $(BUILD) ./rubric || status=1; \
	bash tests/sql/with_postgres.sh bash bench/db.sh $(BUILD) ./rubric || status=1; \
	echo; cat $(BUILD)/bench-summary.txt 2>/dev/null || status=1; exit $$status

# The manual page is made from the verb table (`rubric help --man`), so it
# says what --help says; the completions ask the installed rubric for its
# verbs, options and a policy's outputs (docs/cli.md).
$(BUILD)/rubric.1: rubric
	./rubric help --man >$@.tmp && mv $@.tmp $@
man: $(BUILD)/rubric.1

install: rubric $(BUILD)/rubric.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(ZSHDIR)
	install -m 755 rubric $(DESTDIR)$(PREFIX)/bin/rubric
	install -m 644 $(BUILD)/rubric.1 $(DESTDIR)$(PREFIX)/share/man/man1/rubric.1
	install -m 644 completions/rubric.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rubric
	install -m 644 completions/_rubric $(DESTDIR)$(ZSHDIR)/_rubric

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rubric $(DESTDIR)$(PREFIX)/share/man/man1/rubric.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rubric $(DESTDIR)$(ZSHDIR)/_rubric

# build/rubric_VERSION_ARCH.deb: what `make install` puts under /usr,
# staged, then made a Debian package of by tools/make-deb.sh (docs/cli.md).
deb: rubric $(BUILD)/rubric.1 $(BUILD)/pq_needs
	@rm -rf $(BUILD)/deb-root
	@$(MAKE) -s install DESTDIR=$(BUILD)/deb-root PREFIX=/usr ZSHDIR=/usr/share/zsh/vendor-completions
	@sh tools/make-deb.sh $(BUILD)/deb-root $(BUILD) $(BUILD)/pq_needs
# The libpq functions rubric loads at run time, linked, for the package's
# Depends (tools/pq_needs.c).
$(BUILD)/pq_needs: tools/pq_needs.c src/data/pq_api.h $(BUILD)/.deps-ok
	$(CC) -std=c11 -Isrc/data -I$(PQ_INCLUDE) -O2 $(WARN) -o $@ $< -lpq

# The VS Code extension (editors/vscode/README.md), packaged by @vscode/vsce
# from the committed package-lock.json: npm ci reaches only the npm
# registry, and vsce runs with no terminal to ask on.
VSCODE_VERSION = $(shell sed -n 's/.*"version": "\(.*\)".*/\1/p' editors/vscode/package.json | head -n 1)
editors/vscode/node_modules/.ci-stamp: editors/vscode/package.json editors/vscode/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make vsix: needs Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }
	cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error
	touch $@
vsix: editors/vscode/node_modules/.ci-stamp
	@mkdir -p $(BUILD)
	cd editors/vscode && ./node_modules/.bin/vsce package --skip-license \
	    --out $(abspath $(BUILD))/rubric-$(VSCODE_VERSION).vsix </dev/null

clean:
	rm -rf $(BUILD) rubric

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/asan/*/*.d $(BUILD)/tsan/*/*.d)
