# SPDX-License-Identifier: GPL-2.0
"""The host tests' harness (test_cli*.py, test_docs.py).

Each test prints "PASS: name" or "FAIL: name: why" (tests/run-tests.sh
counts those lines); an exception other than Failed is a failure too, never
a skip.  finish() prints the total and exits 1 if anything failed.
"""

import sys

failures = 0


class Failed(Exception):
    pass


def eq(got, want, what=""):
    if got != want:
        raise Failed(f"{what}: got {got!r}, want {want!r}")


def check(cond, what):
    if not cond:
        raise Failed(what)


def report(name, fn, *args):
    """Run fn(*args) as the test @name."""
    global failures
    try:
        fn(*args)
        print(f"PASS: {name}")
    except Failed as e:
        failures += 1
        print(f"FAIL: {name}: {e}")
    except Exception as e:  # a crash in the test is a failure, not a skip
        failures += 1
        print(f"FAIL: {name}: {type(e).__name__}: {e}")
    sys.stdout.flush()


def test(fn):
    """Decorator: run @fn now, as the test of its name."""
    report(fn.__name__, fn)
    return fn


def read_calls(log):
    """The fake device's call log @log (fake_sys.c): one list of words a
    call, [] if nothing called it yet."""
    try:
        with open(log) as f:
            return [line.split() for line in f]
    except FileNotFoundError:
        return []


def finish():
    print(f"{failures} test(s) failed" if failures else "all passed")
    sys.exit(1 if failures else 0)
