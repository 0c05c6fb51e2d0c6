#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vsbench - the verity-scrub test bench (the command; the machinery is
tests/harness/vsbenchlib.py).

Builds the module against the bench kernels, builds the userspace tools,
boots qemu guests (TCG) with a busybox initramfs, runs the KUnit suites and
the guest scenarios in tests/scenarios/, and decides pass/fail from explicit
result lines.  A kernel oops, KASAN/KFENCE report, lockdep splat, hung task or
"BUG:" anywhere in a guest's console log fails the scenario it happened in.

    vsbench.py check [--kernels 6.1,6.12] [--only REGEX] [--no-host] [--no-lint]
    vsbench.py run --kernel 6.12 SCENARIO[:FS]...    (development)
    vsbench.py demo [--kernel 6.1]                   (make demo)
    vsbench.py systemd             (development: the systemd guest only)
    vsbench.py verify-demo FILE      (checks make demo's output in FILE)

Every check counts as one test; the run ends with "N passed, N failed".
Guests run VS_JOBS at a time (default 2; a TCG guest keeps about 1.2 host
CPUs busy): the scenarios are split into boots balanced by the guest time
each unit took last time (logs/unit-times.txt), longest first; the host
tests and lint run alongside.
"""

import argparse
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
import vsbenchlib as lib  # noqa: E402  (this folder is sys.path[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('check')
    c.add_argument('--kernels', default=','.join(lib.KERNELS))
    c.add_argument('--only', help='regex: only scenarios whose name matches')
    c.add_argument('--no-host', action='store_true')
    c.add_argument('--no-lint', action='store_true')
    r = sub.add_parser('run')
    r.add_argument('--kernel', default='6.12', choices=lib.KERNELS + lib.VARIANTS)
    r.add_argument('scenarios', nargs='+', help='NAME[:fs,fs] or kunit')
    d = sub.add_parser('demo')
    d.add_argument('--kernel', default=lib.DEMO_KERNEL, choices=lib.KERNELS)
    sub.add_parser('systemd')
    v = sub.add_parser('verify-demo')
    v.add_argument('file', help="make demo's output")
    args = ap.parse_args()
    if args.cmd == 'verify-demo':
        return lib.cmd_verify_demo(args)
    lock = lib.lock_build_dir()  # noqa: F841 (held until exit)
    return {'check': lib.cmd_check, 'run': lib.cmd_run, 'demo': lib.cmd_demo,
            'systemd': lib.cmd_systemd}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
