# SPDX-License-Identifier: GPL-2.0
# verity-scrub: top-level build.
#
#   make                  module (against KDIR) + userspace tools
#   make KDIR=/path       build the module against another kernel tree
#   make check            every test: host, both kernels' builds, lint, KUnit,
#                         guest scenarios on both kernels
#   make check-quick      the same on the 6.12 test kernel only
#   make check-kasan      engine scenarios on the 6.12 test kernel + KASAN
#   make lint             checkpatch.pl --strict + sparse on the kernel code
#   make demo             install the Debian packages, boot a 6.1 guest, damage
#                         a verity file, show (and check) verify-file's report
#   make check-fresh      the README's "See it work" commands in a fresh
#                         Debian 12 chroot (debootstrap; optional, root)
#   make install          verify-file, man pages, libverityscrub (.a, .so.0)
#                         + header + pkg-config file, uapi header, udev rule,
#                         sysusers.d group, modules-load.d and Prometheus
#                         alerting rules examples, bash
#                         completion (DESTDIR=, PREFIX=; CPPFLAGS, CFLAGS,
#                         LDFLAGS, WERROR=0 for distribution builds: see
#                         userspace/Makefile)
#                         systemd units (SYSTEMDUNITDIR=), an example
#                         /etc/verity-scrub.conf (never over an existing one)
#   make uninstall        remove what make install installed (same variables;
#                         /etc/verity-scrub.conf only if unchanged)
#   make modules_install  the module into /lib/modules/KVER (KDIR=,
#                         INSTALL_MOD_PATH=, INSTALL_MOD_DIR=; runs depmod)
#   make dkms-src         copy the module sources to /usr/src/verity-scrub-VER
#   make dkms-install     dkms-src, then dkms add + dkms install (KVER=)
#   make dkms-uninstall   dkms remove --all, then delete /usr/src/verity-scrub-VER

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
SRC := $(CURDIR)

# One version for everything: VERSION (verify-file --version, the .pc file,
# DKMS).  dkms.conf spells it out for `dkms add` of a plain checkout;
# dkms-src refuses to run if the two differ.
VERSION := $(shell cat $(SRC)/VERSION)
# libverityscrub's shared library (userspace/Makefile builds it): the real
# file libverityscrub.so.0.MINOR.PATCH, its SONAME link .so.0, and the
# development link .so.
SONAME := libverityscrub.so.0
SOFILE := $(SONAME).$(word 2,$(subst ., ,$(VERSION))).$(word 3,$(subst ., ,$(VERSION)))
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(SRC)/dkms.conf)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR ?= $(PREFIX)/share/doc/verity-scrub
COMPLETIONSDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd units: in PREFIX (systemd reads /usr/local/lib/systemd/system and
# /usr/lib/systemd/system); a distribution package sets
# SYSTEMDUNITDIR=$$(pkg-config --variable=systemdsystemunitdir systemd).
# The units read SYSCONFDIR/verity-scrub.conf (always /etc: the units name it).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR := /etc
SYSTEMD_UNITS := verity-scrub@.service verity-scrub-all.service \
	verity-scrub-all.timer verity-scrub-fail@.service
DKMS_SRCDIR ?= /usr/src/verity-scrub-$(VERSION)

# Every file make install puts under $(DESTDIR) (make uninstall removes
# exactly these; tests/install/run.sh checks the list).
# (-include: a DKMS source tree has no userspace/)
-include userspace/man/links.mk
INSTALLED := $(BINDIR)/verify-file $(MANDIR)/man1/verify-file.1 \
	$(MANDIR)/man3/verityscrub.3 $(MANDIR)/man4/verity-scrub.4 \
	$(patsubst %,$(MANDIR)/man3/%.3,$(MAN3_LINKS)) \
	$(COMPLETIONSDIR)/verify-file \
	$(LIBDIR)/libverityscrub.a $(LIBDIR)/$(SOFILE) $(LIBDIR)/$(SONAME) \
	$(LIBDIR)/libverityscrub.so $(INCDIR)/verityscrub.h \
	$(INCDIR)/linux/verity_scrub.h $(PKGCONFIGDIR)/verityscrub.pc \
	$(UDEVRULESDIR)/60-verity-scrub.rules \
	$(SYSUSERSDIR)/verity-scrub.conf \
	$(DOCDIR)/examples/modules-load.d/verity-scrub.conf \
	$(DOCDIR)/examples/prometheus/verity-scrub.rules.yml \
	$(PREFIX)/share/verify-file/verify-file.schema.json \
	$(addprefix $(SYSTEMDUNITDIR)/,$(SYSTEMD_UNITS)) \
	$(DOCDIR)/examples/verity-scrub.conf

# What DKMS needs to build the module (make dkms-src).
DKMS_FILES := dkms.conf Kbuild VERSION uapi/linux/verity_scrub.h \
	$(wildcard module/*.c module/*.h kunit/*.c kunit/*.h)

.PHONY: all module userspace check check-quick check-kasan lint demo clean host-check \
	install uninstall modules_install dkms-src dkms-install \
	dkms-uninstall version-check

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 KCFLAGS=-Werror modules

userspace:
	$(MAKE) -C userspace

host-check:
	$(MAKE) -C userspace check

check:
	tests/harness/vsbench.py check

check-quick:
	tests/harness/vsbench.py check --kernels 6.12

# Optional: the engine scenarios on the 6.12 test kernel with KASAN (built
# once, cached like the others; not part of make check).
check-kasan:
	tests/harness/vsbench.py check --kernels 6.12-kasan --only '^engine-' \
		--no-host --no-lint

lint:
	tests/harness/lint.sh

demo:
	tests/harness/vsbench.py demo

# Optional: the README's "See it work" commands (make demo) on a fresh
# Debian 12 root (debootstrap, cached as a tarball; a chroot per run with a
# fresh clone of HEAD; not part of make check).
.PHONY: check-fresh
check-fresh:
	tests/fresh/check-fresh.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(SRC) clean 2>/dev/null
	$(MAKE) -C userspace clean

# ---- install -------------------------------------------------------------

install: userspace
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) \
		BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) INCDIR=$(INCDIR) MANDIR=$(MANDIR)
	install -d $(DESTDIR)$(PKGCONFIGDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    packaging/verityscrub.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/verityscrub.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/verityscrub.pc
	install -D -m 0644 packaging/60-verity-scrub.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-verity-scrub.rules
	install -D -m 0644 packaging/verity-scrub.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/verity-scrub.conf
	install -D -m 0644 packaging/modules-load.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/verity-scrub.conf
	install -D -m 0644 packaging/prometheus/verity-scrub.rules.yml \
		$(DESTDIR)$(DOCDIR)/examples/prometheus/verity-scrub.rules.yml
	install -D -m 0644 packaging/bash-completion/verify-file \
		$(DESTDIR)$(COMPLETIONSDIR)/verify-file
	@# The units: .in files get verify-file's path and the shared sandbox.
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(SYSTEMD_UNITS); do f=packaging/systemd/$$u; \
		if [ -f $$f.in ]; then sed -e 's|@BINDIR@|$(BINDIR)|g' \
		  -e '/^@SANDBOX@$$/r packaging/systemd/sandbox.conf' \
		  -e '/^@SANDBOX@$$/d' $$f.in > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; \
		else cp $$f $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; fi && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; done
	install -D -m 0644 packaging/verity-scrub.conf \
		$(DESTDIR)$(DOCDIR)/examples/verity-scrub.conf
	@# The configuration: an example, never over an existing one.
	test -e $(DESTDIR)$(SYSCONFDIR)/verity-scrub.conf || install -D -m 0644 \
		packaging/verity-scrub.conf $(DESTDIR)$(SYSCONFDIR)/verity-scrub.conf
ifeq ($(DESTDIR),)
	@# A real install: create the group now rather than at next boot, and
	@# let the dynamic linker find libverityscrub.so.0 in LIBDIR.
	-command -v systemd-sysusers >/dev/null && \
		systemd-sysusers $(SYSUSERSDIR)/verity-scrub.conf
	-PATH=$$PATH:/sbin:/usr/sbin ldconfig
endif

uninstall:
	@# /etc/verity-scrub.conf only if unchanged (else it is the admin's).
	-cmp -s packaging/verity-scrub.conf $(DESTDIR)$(SYSCONFDIR)/verity-scrub.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/verity-scrub.conf
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
ifeq ($(DESTDIR),)
	-PATH=$$PATH:/sbin:/usr/sbin ldconfig
endif
	-rmdir $(DESTDIR)$(DOCDIR)/examples/modules-load.d \
		$(DESTDIR)$(DOCDIR)/examples/prometheus \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# Kbuild skips depmod when KDIR has no System.map (distribution headers
# never have one): run it here, for the release KDIR was built for (its
# UTS_RELEASE: Debian's kernel.release file says 6.1.N, not 6.1.0-N-amd64).
modules_install: module
	$(MAKE) -C $(KDIR) M=$(SRC) modules_install
	depmod -b "$(if $(INSTALL_MOD_PATH),$(INSTALL_MOD_PATH),/)" -a $$(sed -n \
		's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)

# ---- DKMS ----------------------------------------------------------------

version-check:
	@test -n "$(VERSION)" || { echo "VERSION is empty" >&2; exit 1; }
	@test "$(VERSION)" = "$(DKMS_VERSION)" || { echo \
	  "dkms.conf PACKAGE_VERSION '$(DKMS_VERSION)' differs from VERSION '$(VERSION)'" >&2; \
	  exit 1; }

dkms-src: version-check
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; \
	done

dkms-install: dkms-src
	dkms status -m verity-scrub -v $(VERSION) | grep -q . || \
		dkms add -m verity-scrub -v $(VERSION)
	dkms install -m verity-scrub -v $(VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove -m verity-scrub -v $(VERSION) --all
	rm -rf $(DKMS_SRCDIR)

# verity-scrub benchmark (tests/benchmark/run.py; BENCH_SIZE_MB=, BENCH_RUNS=, ...)
.PHONY: bench
bench:
	tests/benchmark/run.py
