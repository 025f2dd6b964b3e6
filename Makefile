# boxbench: everything goes through this file.
#   make            build build/boxbench, build/boxbench-load (and the guest pieces)
#   make test       install deps, build, run unit and integration tests
#   make bench      install deps, build, run the default comparison, write result + report
#   make bench-all  the same with every box available here (runc, podman, docker, ...)
#   make bench-images  the same for minimal and Debian images (make image-debian builds it)
#   make asan       build and test with AddressSanitizer/UBSan into build-asan/
#   make fleet      INVENTORY=FILE ARGS="..." OUT=DIR: the comparison on every host (Ansible)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
SAN     ?=
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

PKGS    := gsl hwloc jansson
# Recursively expanded on purpose: pkg-config runs when a recipe needs it, which is after the
# deps stamp has installed the packages on a fresh machine.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
GSL_STATIC = $(shell pkg-config --static --libs gsl)
CMOCKA     = $(shell pkg-config --cflags --libs cmocka)

VERSION := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

# -Wno-format-truncation: messages are cut to one bounded line on purpose.
WARN_EXTRA ?=
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation $(WARN_EXTRA)
CFLAGS  ?= -O2 -g
BBFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iharness -Ilaunchers -Ibench \
	   -DBB_VERSION='"$(VERSION)"' -DBB_GIT_COMMIT='"$(GIT_COMMIT)"'

HARNESS_SRC  := $(filter-out harness/main.c,$(wildcard harness/*.c)) $(wildcard launchers/*.c)
BENCH_SRC    := $(filter-out bench/main.c bench/init.c bench/box.c,$(wildcard bench/*.c))
HARNESS_OBJ  := $(HARNESS_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_OBJ    := $(BENCH_SRC:%.c=$(BUILD)/obj/%.o)
# The workload shares the harness's error helpers (bb_fail, bb_wrap).
LOAD_OBJ     := $(BENCH_SRC:%.c=$(BUILD)/obj-static/%.o) $(BUILD)/obj-static/bench/main.o \
		$(BUILD)/obj-static/harness/err.o
TEST_SRC     := $(wildcard tests/test_*.c)
TESTS        := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
DEPS_STAMP   := $(BUILD)/.deps-ok

.PHONY: all deps test unit bench bench-all bench-images asan clean install guest deb test-deb
.DEFAULT_GOAL := all

# The guest image rules (kernel, initramfs, boxbench-init) add themselves to GUEST_ALL.
GUEST_ALL :=
-include scripts/guest.mk

all: $(BUILD)/boxbench $(BUILD)/boxbench-load $(GUEST_ALL) $(BUILD)/boxbench.1 \
	$(BUILD)/boxbench.bash

# The man page takes every command's options from its --help; the bash completion is
# generated from the option tables (`boxbench completion bash`): neither can drift.
$(BUILD)/boxbench.1: scripts/boxbench.1.scd scripts/mkman.sh $(BUILD)/boxbench
	@echo "  MAN     $@"
	$(Q)scripts/mkman.sh $(BUILD)/boxbench scripts/boxbench.1.scd $@
$(BUILD)/boxbench.bash: $(BUILD)/boxbench
	@echo "  GEN     $@"
	$(Q)$(BUILD)/boxbench completion bash > $@.tmp && mv $@.tmp $@

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh
	@touch $@

$(BUILD)/obj/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BBFLAGS) $(SAN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# The static programs never carry sanitizers (static ASan is unsupported): own objects.
$(BUILD)/obj-static/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (static)"
	$(Q)$(CC) $(BBFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libboxbench.a: $(HARNESS_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/libbench.a: $(BENCH_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The harness links the workload's tables (suites, metric definitions) to validate names.
$(BUILD)/boxbench: $(BUILD)/obj/harness/main.o $(BUILD)/libboxbench.a $(BUILD)/libbench.a
	@echo "  LD      $@"
	$(Q)$(CC) $(BBFLAGS) $(SAN) $(CFLAGS) $< -Wl,--start-group $(BUILD)/libboxbench.a \
		$(BUILD)/libbench.a -Wl,--end-group $(PKG_LIBS) -lm -o $@

# The workload is static: the same bytes run natively, as a container's only file and as a
# guest's init payload, with no loader or shared library differing between the boxes.
$(BUILD)/boxbench-load: $(LOAD_OBJ)
	@echo "  LD      $@ (static)"
	$(Q)$(CC) $(BBFLAGS) $(CFLAGS) -static $^ $(GSL_STATIC) -lm -o $@
$(BUILD)/boxbench-init: $(BUILD)/obj-static/bench/init.o $(BUILD)/obj-static/bench/cmdline.o \
			 $(BUILD)/obj-static/bench/record.o $(BUILD)/obj-static/bench/mountinfo.o \
			 $(BUILD)/obj-static/harness/err.o
	@echo "  LD      $@ (static)"
	$(Q)$(CC) $(BBFLAGS) $(CFLAGS) -static $^ -o $@

$(BUILD)/tests/%: tests/%.c $(BUILD)/libboxbench.a $(BUILD)/libbench.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(BBFLAGS) $(SAN) $(CFLAGS) $(PKG_CFLAGS) $< -Wl,--start-group \
		$(BUILD)/libboxbench.a $(BUILD)/libbench.a -Wl,--end-group $(PKG_LIBS) $(CMOCKA) -lm -o $@

test: all $(TESTS)
	@scripts/check-size.sh
	@BUILD=$(BUILD) scripts/run-tests.sh $(TESTS)
	@$(MAKE) --no-print-directory fuzz-test
	@if command -v ansible-playbook >/dev/null; then $(MAKE) --no-print-directory fleet-check; \
	else echo "fleet-check: skipped (no ansible-playbook: scripts/deps.sh installs ansible-core)"; fi

# The default comparison: every suite natively, in boxbench's container (with its startup
# decomposition) and in the microVM, --quick budgets: 1 min 48 s here on a quiet machine with
# the VM under TCG (issue 14's target: 2 min). bench-all adds every other box available here
# (runc, crun, podman, docker, vm-full, container-in-vm): about 5 min, most of it the TCG guests.
BENCH_ARGS ?= --quick --suites all --decompose --envs native,container,vm
BENCH_ALL_ARGS ?= --quick --suites all --decompose

# Run, then write the report whenever run wrote a result (0 ok, 1 some samples failed, 130
# interrupted), so a stale result is never reported. $(1) run's flags, $(2) result, $(3) report.
define run_and_report
	@rc=0; $(BUILD)/boxbench run $(1) -o $(2) --force || rc=$$?; \
	if [ $$rc -le 1 ] || [ $$rc -eq 130 ]; then \
		$(BUILD)/boxbench report $(2) -o $(3) || exit $$?; fi; exit $$rc
endef

bench: all
	$(call run_and_report,$(BENCH_ARGS),results/latest.json,report)

bench-all: all
	$(call run_and_report,$(BENCH_ALL_ARGS),results/all.json,report-all)

# Minimal and distribution boxes side by side (claim C6): the Debian image (debootstrap, made
# once), then start-up and footprint of native, container, container-debian, vm, vm-debian.
IMAGES_ARGS ?= --quick --suites startup,footprint --image minimal,debian

bench-images: all image-debian
	$(call run_and_report,$(IMAGES_ARGS),results/images.json,report-images)

asan:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		CFLAGS="-O1 -g" test

# The fuzzing target (libFuzzer, clang; tests/fuzz/): the result reader and every consumer
# under ASan/UBSan, seeded with tests/fixtures and results/. FUZZ_SECONDS bounds a run;
# crashes land in $(FUZZ_DIR)/crash-* (each one becomes a fixture in tests/fixtures/rejected
# or a test). `make test` runs it for FUZZ_TEST_SECONDS when clang and libFuzzer are here.
FUZZ_DIR          ?= build-fuzz
FUZZ_SECONDS      ?= 300
FUZZ_TEST_SECONDS ?= 60
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
FUZZ_LIB  = $(shell clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)

# Many machines (scripts/fleet/): an Ansible playbook runs boxbench on every host of INVENTORY
# (ARGS: `boxbench run` arguments for all of them, else each host's boxbench_args), then
# `boxbench merge` and `boxbench report` into OUT. SERIAL=1 runs one host at a time, RETRY=1
# only the hosts OUT/merged.json lists as missing, LIMIT=HOSTS only those.
# fleet-tarball: the source tree (committed files plus the working tree's changes) each host
# builds. fleet-check: the playbook against two local test hosts (root; about 2-3 minutes).
FLEET_TARBALL := $(BUILD)/fleet/boxbench-src.tar.gz
INVENTORY ?=
ARGS      ?=
OUT       ?= results/fleet
SERIAL    ?=
RETRY     ?=
LIMIT     ?=
FLEET_ENV  = BOXBENCH=$(abspath $(BUILD)/boxbench) TARBALL=$(abspath $(FLEET_TARBALL))
.PHONY: fleet fleet-tarball fleet-check
fleet-tarball: $(DEPS_STAMP)
	@mkdir -p $(BUILD)/fleet
	@echo "  TAR     $(FLEET_TARBALL)"
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -f "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -czf $(FLEET_TARBALL).tmp -T - && mv $(FLEET_TARBALL).tmp $(FLEET_TARBALL)

fleet: $(BUILD)/boxbench fleet-tarball
	$(FLEET_ENV) scripts/fleet/fleet.sh -i "$(INVENTORY)" -o "$(OUT)" $(if $(ARGS),-a "$(ARGS)") \
		$(if $(filter 1 yes true,$(SERIAL)),--serial) $(if $(filter 1 yes true,$(RETRY)),--retry) \
		$(if $(LIMIT),--limit "$(LIMIT)")

fleet-check: $(BUILD)/boxbench fleet-tarball
	$(FLEET_ENV) scripts/fleet/fleet-check.sh

# Kill runs at random points, then one normal run: nothing may be left (scripts/soak.sh).
SOAK_ROUNDS ?= 20
.PHONY: soak
soak: all
	BIN=$(BUILD)/boxbench scripts/soak.sh $(SOAK_ROUNDS)

.PHONY: fuzz fuzz-build fuzz-test
fuzz-build: $(DEPS_STAMP)
	$(MAKE) BUILD=$(FUZZ_DIR) CC=clang SAN="$(FUZZ_SAN)" CFLAGS="-O1 -g" \
		WARN_EXTRA=-Wno-unknown-warning-option $(FUZZ_DIR)/libboxbench.a $(FUZZ_DIR)/libbench.a
	@echo "  LD      $(FUZZ_DIR)/fuzz_results"
	$(Q)clang $(BBFLAGS) -Wno-unknown-warning-option -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -O1 -g $(PKG_CFLAGS) tests/fuzz/fuzz_results.c \
		-Wl,--start-group $(FUZZ_DIR)/libboxbench.a $(FUZZ_DIR)/libbench.a -Wl,--end-group \
		$(PKG_LIBS) -lm -o $(FUZZ_DIR)/fuzz_results

fuzz: fuzz-build
	@FUZZ_DIR=$(FUZZ_DIR) scripts/fuzz.sh $(FUZZ_SECONDS)

# Part of `make test`: skipped (with the reason) where clang's libFuzzer is missing.
fuzz-test:
	@if [ -f "$(FUZZ_LIB)" ] && [ "$(FUZZ_LIB)" != libclang_rt.fuzzer-x86_64.a ]; then \
		$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS); \
	else echo "fuzz: skipped (no clang libFuzzer: scripts/deps.sh installs libclang-rt-14-dev)"; fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/boxbench
	install -m 755 $(BUILD)/boxbench $(DESTDIR)$(PREFIX)/bin/boxbench
	install -m 755 $(BUILD)/boxbench-load $(DESTDIR)$(PREFIX)/libexec/boxbench/
	install -d $(DESTDIR)$(PREFIX)/share/boxbench/gnuplot
	install -m 644 scripts/*.gp $(DESTDIR)$(PREFIX)/share/boxbench/gnuplot/
	install -m 644 results/boxbench-1.schema.json $(DESTDIR)$(PREFIX)/share/boxbench/
	install -m 755 scripts/validate-result.sh $(DESTDIR)$(PREFIX)/share/boxbench/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 $(BUILD)/boxbench.1 $(DESTDIR)$(PREFIX)/share/man/man1/boxbench.1
	install -m 644 $(BUILD)/boxbench.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/boxbench

# A Debian package (debhelper, scripts/debian/): the source tree as committed plus the
# working tree's changes is copied to $(BUILD)/deb/boxbench-$(VERSION), its debian/ from
# scripts/debian, and dpkg-buildpackage -b -us -uc builds it there; the .deb lands in
# $(BUILD)/deb/. The guest kernel already unpacked in $(BUILD)/guest is reused.
DEB_DIR := $(BUILD)/deb/boxbench-$(VERSION)
deb: all
	rm -rf $(BUILD)/deb && mkdir -p $(DEB_DIR)/build
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && echo "$$f"; done' sh | \
		tar -cf - -T - | tar -xf - -C $(DEB_DIR)
	cp -a scripts/debian $(DEB_DIR)/debian
	cp -a $(BUILD)/guest $(DEB_DIR)/build/guest
	cd $(DEB_DIR) && dpkg-buildpackage -b -us -uc
	@ls -l $(BUILD)/deb/*.deb

# Install the package, run native, container and vm, remove it, check nothing is left (root).
test-deb: deb
	scripts/test-deb.sh $(BUILD)/deb/boxbench_$(VERSION)-1_amd64.deb

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj $(BUILD)/obj-static -name '*.d' 2>/dev/null)
