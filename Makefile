# SPDX-License-Identifier: GPL-2.0
# verity-scrub: top-level build.
#
#   make                  module (against KDIR) + userspace tools
#   make KDIR=/path       build the module against another kernel tree
#   make check            every test: host, both kernels' builds, lint, KUnit,
#                         guest scenarios on both kernels
#   make check-quick      the same on the 6.12 test kernel only
#   make lint             checkpatch.pl --strict + sparse on the kernel code
#   make demo             boot a guest, damage a verity file, show verify-file

KDIR ?= /lib/modules/$(shell uname -r)/build
SRC := $(CURDIR)

.PHONY: all module userspace check check-quick lint demo clean host-check

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 KCFLAGS=-Werror modules

userspace:
	$(MAKE) -C userspace

host-check:
	$(MAKE) -C userspace check

check:
	tests/bench/vsbench.py check

check-quick:
	tests/bench/vsbench.py check --kernels 6.12

lint:
	tests/bench/lint.sh

demo:
	tests/bench/vsbench.py demo

clean:
	-$(MAKE) -C $(KDIR) M=$(SRC) clean 2>/dev/null
	$(MAKE) -C userspace clean
