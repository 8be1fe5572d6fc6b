# xen-netmodes: native replacements for Xen's network hotplug scripts.
#
#   make            build build/xen-netmodes and build/bin/<applet> links
#   make check      install what is missing, then unit, fixture and namespace tests
#                   under AddressSanitizer and UndefinedBehaviorSanitizer
#   make check-xen  the real-Xen suite alone (Debian 13's Xen 4.20 under QEMU; also in
#                   make check); XNM_XEN_RELEASE=12: Debian 12's Xen 4.17 instead
#   make bench-xen  figures of xl create on the real Xen host (not in make check)
#   make demo       the lab on one machine: two guests on a bridge
#   make lab        the lab on real Xen: two Xen hosts under QEMU, a live migration
#                   (Debian 13's; XNM_XEN_RELEASE=12: Debian 12's)
#   make deb        the Debian package (debian/), checked by lintian, into build/
#   make install    DESTDIR, PREFIX, XEN_SCRIPT_DIR as usual; SBINDIR, MANDIR, XEN_CONF_DIR,
#                   UDEV_RULES_DIR, SYSTEMD_UNIT_DIR (xen-netmodesd.service), STATE_DIR
#                   (/var/lib/xen-netmodes: the dnsmasq directories);
#                   the release build only
#   SAN=1, FAULTS=1 the test builds (in build/san, build/faults): see below
#   make deps       install the Debian build and test dependencies when missing
#   V=1             show the full command lines

PREFIX ?= /usr/local
DESTDIR ?=
XEN_SCRIPT_DIR ?= /etc/xen/scripts
LIBEXECDIR ?= $(PREFIX)/lib/xen-netmodes
# xen-netmodes itself (status, check), for the administrator
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
XEN_CONF_DIR ?= /etc/xen
UDEV_RULES_DIR ?= /usr/lib/udev/rules.d
SYSTEMD_UNIT_DIR ?= /usr/lib/systemd/system
# where vif-nat keeps the dnsmasq files (the defaults' dnsmasq_hostsdir, _optsdir)
STATE_DIR ?= /var/lib/xen-netmodes

# Each variant in its own directory: build/ is the release build, the only
# one make install takes; the test builds (SAN=1, FAULTS=1) go elsewhere.
ifeq ($(SAN),1)
VARIANT := san
BUILD ?= build/san
else ifeq ($(FAULTS),1)
VARIANT := faults
BUILD ?= build/faults
else
VARIANT := release
BUILD ?= build
endif

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libnl-3.0 libnl-route-3.0 libmnl libnftnl xenstore jansson

CFLAGS ?= -O2 -g
# project headers by their path from the top: #include "netmodes/rtnl/links.h"
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP -pthread -iquote .
CFLAGS += $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
CFLAGS += -DXEN_SCRIPT_DIR='"$(XEN_SCRIPT_DIR)"'
SHARED_LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread
LDLIBS += $(SHARED_LDLIBS)

# Loading shared libraries costs a hotplug more than its work: the release
# build links libnl, libnftnl, libxenstore and jansson (OVSDB's JSON)
# statically (only the objects it calls; a link's kind is read as a string,
# no libnl type module needed);
# libc and libmnl stay shared. STATIC_DEPS=0 links them all shared. See
# docs/PERFORMANCE.md.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS)$(SAN),1)
LDLIBS := -Wl,-Bstatic -lnl-route-3 -lnl-3 -lnftnl -lxenstore -lxentoolcore -ljansson -Wl,-Bdynamic \
	-lmnl -lpthread
endif

# The test build: sanitizers, and the switch that lets a test fail step N of a plan.
# FAULTS=1: the fault-injection switch without the sanitizers (for valgrind-full).
ifeq ($(FAULTS),1)
CFLAGS += -DXNM_FAULT_INJECTION
endif
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS += -DXNM_FAULT_INJECTION
LDFLAGS += -fsanitize=address,undefined
endif

# A directory holds one variant: asked to build another there, make stops.
BUILT_VARIANT := $(shell cat $(BUILD)/variant 2>/dev/null)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
ifneq ($(BUILT_VARIANT),)
ifneq ($(BUILT_VARIANT),$(VARIANT))
$(error $(BUILD) holds a $(BUILT_VARIANT) build and this is a $(VARIANT) one: give it its own BUILD=DIR, or make clean BUILD=$(BUILD))
endif
endif
endif

ifneq ($(V),1)
Q := @
quiet = @printf '  %-6s %s\n' $(1) $(2);
endif

# The two programs' mains; everything else is shared by both.
MAINS := hotplug/main.c hotplug/xen_netmodesd.c
LIB_SRCS := $(wildcard netmodes/*.c netmodes/*/*.c) $(filter-out $(MAINS),$(wildcard hotplug/*.c hotplug/*/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
BIN := $(BUILD)/xen-netmodes
# The applets' links: the names the binary's own table marks (xen-netmodes
# --list), read when a recipe needs them, once the binary is built.
APPLETS = $(shell $(BIN) --list)
LINKS := $(BUILD)/bin/.links
# The daemon: the same sources, linked with the shared libraries. Its
# threads share one xenstore connection, and Debian's static libxenstore is
# built without thread support (its shared one has it); a process that
# starts once has no loading time to save.
DAEMON := $(BUILD)/xen-netmodesd

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))

.PHONY: all bench bench-xen deb deps-deb lab fuzz fuzz-run lint valgrind valgrind-full check check-run check-xen demo demo-run deps install install-check uninstall install-scripts \
	uninstall-scripts clean tests

all: $(BIN) $(LINKS) $(DAEMON)

$(BUILD)/variant:
	$(Q)mkdir -p $(dir $@) && echo $(VARIANT) >$@

$(BUILD)/%.o: %.c | $(BUILD)/variant
	$(call quiet,CC,$@)mkdir -p $(dir $@) && $(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BIN): $(LIB_OBJS) $(BUILD)/hotplug/main.o
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(DAEMON): $(LIB_OBJS) $(BUILD)/hotplug/xen_netmodesd.o
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(SHARED_LDLIBS)

$(LINKS): $(BIN)
	$(Q)mkdir -p $(dir $@) && rm -f $(dir $@)[!.]* && \
	for a in $(APPLETS); do ln -sf ../xen-netmodes $(dir $@)$$a; done && touch $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	$(call quiet,LD,$@)mkdir -p $(dir $@) && $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# test_alloc makes libnl's object copies and message parsing fail on demand.
$(BUILD)/tests/unit/test_alloc: LDFLAGS += -Wl,--wrap=nl_object_clone -Wl,--wrap=nl_msg_parse

# libFuzzer targets (clang) over the real parsers and printers: `make fuzz`
# runs each for FUZZ_SECONDS; `make check` builds them and runs each briefly.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -iquote . \
	-fsanitize=fuzzer-no-link,address,undefined -DXEN_SCRIPT_DIR='"$(XEN_SCRIPT_DIR)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/fuzz/obj/%.o: %.c
	$(call quiet,CC,$@)mkdir -p $(dir $@) && $(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call quiet,LD,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(LDLIBS)

# Kept between runs: make would take them for intermediates of the pattern rules.
.SECONDARY: $(FUZZ_OBJS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-run

fuzz-run: $(FUZZ_TARGETS)
	$(Q)tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

include tests/xenstored/Makefile.inc

# The benchmark's own programs: the netlink floor, the process timer, the
# xenstore round trip, the packet-rate sender.
BENCH_TOOLS := $(BUILD)/bench/floor $(BUILD)/bench/spawn $(BUILD)/bench/daemon_rtt $(BUILD)/bench/devlog $(BUILD)/bench/xs_rtt \
	$(BUILD)/bench/pkt_blast

# The daemon's client speaks the project's own wire format.
$(BUILD)/bench/daemon_rtt: tests/bench/daemon_rtt.c $(LIB_OBJS)
	$(call quiet,LD,$@)mkdir -p $(dir $@) && $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SHARED_LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c
	$(call quiet,CC,$@)mkdir -p $(dir $@) && $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

tests: all $(UNIT_TESTS) $(BUILD)/xs-fixture $(FUZZ_TARGETS) $(BENCH_TOOLS)

# The README's commands must work on a fresh Debian machine, so both start
# with deps; the real work runs in a fresh make that sees the installed
# libraries through pkg-config.
check: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/san SAN=1 check-run

# Static analysis: cppcheck and clang-tidy over every C source (also in make check).
lint: deps
	$(Q)tests/lint.sh

# Every namespace suite with each call under valgrind memcheck (long: not in
# make check, which runs every mode's calls under it instead).
valgrind-full: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/vg FAULTS=1 STATIC_DEPS=0 all $(BUILD)/vg/xs-fixture
	$(Q)tests/valgrind_full.sh $(BUILD)/vg

# memcheck needs a build without the sanitizers.
valgrind: deps
	$(Q)$(MAKE) --no-print-directory $(UNIT_TESTS) all $(BUILD)/xs-fixture
	$(Q)tests/valgrind.sh $(BUILD)

check-run: tests
	$(Q)tests/run-all.sh $(BUILD)

# The real-Xen suite alone: Debian's Xen, dom0 and guests under QEMU, the
# project installed into dom0's image (tests/xen/run.sh; make check runs it
# too). XNM_XEN_RELEASE=13 (default: Debian 13, Xen 4.20) or 12 (Debian 12,
# Xen 4.17), images in $(BUILD)/xen/RELEASE. XNM_XEN_DEBUG=1 keeps dom0 up
# with a command server instead.
check-xen: deps
	$(Q)tests/xen/run.sh $(BUILD)/xen/$${XNM_XEN_RELEASE:-13}

# The seed's lab on real Xen: two Xen hosts under QEMU, alice and bob, a
# guest each, bridged over eth24, and a live migration (tests/xen/lab.sh).
# Debian 13 hosts unless XNM_XEN_RELEASE=12.
lab: deps
	$(Q)tests/xen/lab.sh $(BUILD)/xen/$${XNM_XEN_RELEASE:-13}

# Figures on the real Xen host (tests/xen/scenarios/figures.sh): a benchmark,
# so not part of make check. 20 guests at once need dom0 and the host larger
# than the checks' (each xl create unpacks the guest's kernel in dom0).
bench-xen: deps
	$(Q)XNM_XEN_SCENARIOS=figures XNM_XEN_MEM=5120 XNM_XEN_DOM0_MEM=2048 tests/xen/run.sh $(BUILD)/xen/$${XNM_XEN_RELEASE:-13}

# The Debian package (debian/): dpkg-buildpackage in a copy of the tree (so
# this one stays as it is), lintian on the result, the .deb left in $(BUILD).
# The package's build is its own: none of this make's variables reach it.
deb: deps deps-deb
	$(Q)rm -rf $(BUILD)/deb $(BUILD)/xen-netmodes_*.deb && mkdir -p $(BUILD)/deb/src
	$(Q)tar -c --exclude=./.git --exclude=./build --exclude=./$(BUILD) . | tar -x -C $(BUILD)/deb/src
	$(Q)cd $(BUILD)/deb/src && env -u BUILD -u SAN -u FAULTS -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; echo "make deb: dpkg-buildpackage failed ($(BUILD)/deb/build.log)" >&2; exit 1; }
	$(Q)rc=0; lintian --fail-on error,warning $(BUILD)/deb/xen-netmodes_*.deb >$(BUILD)/deb/lintian.log 2>&1 || rc=$$?; \
		grep -v '^running with root privileges' $(BUILD)/deb/lintian.log; \
		[ $$rc -eq 0 ] || { echo "make deb: lintian found errors or warnings" >&2; exit 1; }
	$(Q)cp $(BUILD)/deb/xen-netmodes_*.deb $(BUILD)/ && ls $(BUILD)/xen-netmodes_*.deb

demo: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/xs-fixture
	$(Q)tests/demo.sh $(BUILD)

deps:
	$(Q)tests/deps.sh

# make deb's own tools (make check's run-all.sh installs them before the
# rig, which builds the package, starts beside the other suites)
deps-deb:
	$(Q)tests/deps.sh dpkg-dev debhelper lintian

# The benchmark: an optimised build, the test rig, numbers (not part of check).
bench: deps
	$(Q)tests/deps.sh valgrind time xen-utils-common iptables bridge-utils
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/xs-fixture $(BENCH_TOOLS)
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/shared STATIC_DEPS=0 all
	$(Q)tests/bench/bench.sh $(BUILD)

# install-scripts puts the applets in place of Xen's scripts, keeping each
# original aside as NAME.orig; uninstall-scripts is the way back.
install: all install-scripts
	install -d $(DESTDIR)$(SBINDIR)
	ln -sfn $(LIBEXECDIR)/xen-netmodes $(DESTDIR)$(SBINDIR)/xen-netmodes
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	for s in 5 7 8; do for f in docs/*.$$s; do [ -e "$$f" ] || continue; \
		install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man$$s/; done; done
	install -d $(DESTDIR)$(XEN_CONF_DIR) $(DESTDIR)$(UDEV_RULES_DIR)
	[ -e $(DESTDIR)$(XEN_CONF_DIR)/xen-netmodes.conf ] || \
		install -m 0644 conf/xen-netmodes.conf $(DESTDIR)$(XEN_CONF_DIR)/xen-netmodes.conf
	sed 's|/etc/xen/scripts|$(XEN_SCRIPT_DIR)|g' udev/xen-netmodes.rules \
		>$(DESTDIR)$(UDEV_RULES_DIR)/80-xen-netmodes.rules
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' conf/xen-netmodesd.service \
		>$(DESTDIR)$(SYSTEMD_UNIT_DIR)/xen-netmodesd.service
	install -d -m 0755 $(DESTDIR)$(STATE_DIR)/dnsmasq-hosts $(DESTDIR)$(STATE_DIR)/dnsmasq-opts

# A test build's binaries carry the fault-injection switch, which runs a
# command taken from the environment: they are never installed.
install-check: all
	$(Q)for f in $(BIN) $(DAEMON); do \
		if grep -qF XNM_FAULT_INJECTION_BUILD "$$f"; then \
			echo "make install: $$f is a test build (XNM_FAULT_INJECTION: SAN=1 or FAULTS=1);" \
				"only the release build is installed: make install, without SAN or FAULTS" >&2; \
			exit 1; fi; done

install-scripts: install-check
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(XEN_SCRIPT_DIR)
	install -m 0755 $(BIN) $(DESTDIR)$(LIBEXECDIR)/xen-netmodes
	install -m 0755 $(DAEMON) $(DESTDIR)$(LIBEXECDIR)/xen-netmodesd
	$(Q)for a in $(APPLETS); do \
		l=$(DESTDIR)$(XEN_SCRIPT_DIR)/$$a; \
		if [ -e "$$l" ] && [ ! -L "$$l" ] && [ ! -e "$$l.orig" ]; then mv "$$l" "$$l.orig"; fi; \
		ln -sfn $(LIBEXECDIR)/xen-netmodes "$$l"; done

uninstall-scripts: $(BIN)
	$(Q)for a in $(APPLETS); do \
		l=$(DESTDIR)$(XEN_SCRIPT_DIR)/$$a; \
		if [ "$$(readlink "$$l")" = $(LIBEXECDIR)/xen-netmodes ]; then rm -f "$$l"; \
			if [ -e "$$l.orig" ]; then mv "$$l.orig" "$$l"; fi; fi; done
	rm -f $(DESTDIR)$(LIBEXECDIR)/xen-netmodes $(DESTDIR)$(LIBEXECDIR)/xen-netmodesd
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

uninstall: uninstall-scripts
	rm -f $(DESTDIR)$(SBINDIR)/xen-netmodes
	for s in 5 7 8; do for f in docs/*.$$s; do [ -e "$$f" ] || continue; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename "$$f"); done; done
	rm -f $(DESTDIR)$(UDEV_RULES_DIR)/80-xen-netmodes.rules
	rm -f $(DESTDIR)$(SYSTEMD_UNIT_DIR)/xen-netmodesd.service
	-rmdir $(DESTDIR)$(STATE_DIR)/dnsmasq-hosts $(DESTDIR)$(STATE_DIR)/dnsmasq-opts \
		$(DESTDIR)$(STATE_DIR) 2>/dev/null

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path $(BUILD)/xen -prune -o -name '*.d' -type f -print 2>/dev/null)
