# boxbench: everything goes through this file.
#   make            build build/boxbench, build/boxbench-load (and the guest pieces)
#   make test       install deps, build, run unit and integration tests
#   make bench      install deps, build, run the default comparison, write result + report
#   make bench-images  the same for minimal and Debian images (make image-debian builds it)
#   make asan       build and test with AddressSanitizer/UBSan into build-asan/
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
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
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

.PHONY: all deps test unit bench bench-images asan clean install guest
.DEFAULT_GOAL := all

# The guest image rules (kernel, initramfs, boxbench-init) add themselves to GUEST_ALL.
GUEST_ALL :=
-include scripts/guest.mk

all: $(BUILD)/boxbench $(BUILD)/boxbench-load $(GUEST_ALL)

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
			 $(BUILD)/obj-static/bench/record.o
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

# The default comparison: every suite in every environment available here, the container
# startup decomposition, --quick sample counts (about 4 minutes here, most of it the TCG guest).
BENCH_ARGS ?= --quick --suites all --decompose

# Run, then write the report whenever run wrote a result (0 ok, 1 some samples failed, 130
# interrupted), so a stale result is never reported. $(1) run's flags, $(2) result, $(3) report.
define run_and_report
	@rc=0; $(BUILD)/boxbench run $(1) -o $(2) --force || rc=$$?; \
	if [ $$rc -le 1 ] || [ $$rc -eq 130 ]; then \
		$(BUILD)/boxbench report $(2) -o $(3) || exit $$?; fi; exit $$rc
endef

bench: all
	$(call run_and_report,$(BENCH_ARGS),results/latest.json,report)

# Minimal and distribution boxes side by side (claim C6): the Debian image (debootstrap, made
# once), then start-up and footprint of native, container, container-debian, vm, vm-debian.
IMAGES_ARGS ?= --quick --suites startup,footprint --image minimal,debian

bench-images: all image-debian
	$(call run_and_report,$(IMAGES_ARGS),results/images.json,report-images)

asan:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		CFLAGS="-O1 -g" test

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/boxbench
	install -m 755 $(BUILD)/boxbench $(DESTDIR)$(PREFIX)/bin/boxbench
	install -m 755 $(BUILD)/boxbench-load $(DESTDIR)$(PREFIX)/libexec/boxbench/
	install -d $(DESTDIR)$(PREFIX)/share/boxbench/gnuplot
	install -m 644 scripts/*.gp $(DESTDIR)$(PREFIX)/share/boxbench/gnuplot/

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD)/obj $(BUILD)/obj-static -name '*.d' 2>/dev/null)
