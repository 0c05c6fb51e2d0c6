# SPDX-License-Identifier: GPL-2.0
"""The host tests' harness (test_cli*.py, test_docs.py).

Each test prints "PASS: name" or "FAIL: name: why" (tests/run-tests.sh
counts those lines); an exception other than Failed is a failure too, never
a skip.  finish() prints the total and exits 1 if anything failed.
"""

import os
import subprocess
import sys
import tempfile
import time

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


def wait_for(w, p, pred):
    """Poll @w's fake log until pred(calls) holds, while process @p runs (a
    guard of 20 s against a hang, not a timing condition: the outcome never
    depends on it)."""
    deadline = time.time() + 20
    while not pred(w.calls()) and time.time() < deadline and p.poll() is None:
        time.sleep(0.02)
    check(pred(w.calls()), "the fake never got there")


class FakeWorld:
    """A temp dir for one test: its files, the spec the fake device reads
    (fake_sys.c, VF_FAKE_SPEC) and the fake's call log (VF_FAKE_LOG).
    Each test file's World adds its own runs and readers."""

    def __init__(self, prefix, directives=()):
        self.tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self.dir = self.tmp.name
        self.spec = list(directives)
        self.log = os.path.join(self.dir, ".log")

    def path(self, name):
        """@name in the dir, its parent directories made."""
        p = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def file(self, name, size, *attrs, bad=(), data=None):
        """A file the fake takes for a verity file: @size bytes of a fixed
        pattern (or @data), @attrs on its spec line, and a "bad INO ..."
        line for each tuple of @bad."""
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data if data is not None else
                    bytes(i % 251 for i in range(size)))
        ino = os.stat(path).st_ino
        self.spec.append(" ".join(["file", str(ino)] + list(attrs)))
        for b in bad:
            self.spec.append(" ".join(["bad", str(ino)] + [str(x) for x in b]))
        return path

    def plain(self, name, size=10):
        """A file the fake does not know: not an fs-verity file."""
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(b"x" * size)
        return path

    def fake_env(self, **extra):
        """The environment of a run: the spec written out, the log named."""
        spec = os.path.join(self.dir, ".spec")
        with open(spec, "w") as f:
            f.write("\n".join(self.spec) + "\n")
        return dict(os.environ, VF_FAKE_SPEC=spec, VF_FAKE_LOG=self.log,
                    **extra)

    def calls(self):
        return read_calls(self.log)


def run_checked(argv, env, timeout=30, stderr=subprocess.PIPE, **kw):
    """Run @argv (each str(), bytes kept as they are); a sanitizer report
    in its stderr fails the test."""
    p = subprocess.run([a if isinstance(a, bytes) else str(a) for a in argv],
                       stdout=subprocess.PIPE, stderr=stderr,
                       timeout=timeout, env=env, **kw)
    err = p.stderr or b""
    for marker in (b"runtime error", b"AddressSanitizer", b"LeakSanitizer"):
        check(marker not in err, "sanitizer: " + err.decode(errors="replace"))
    return p


def finish():
    print(f"{failures} test(s) failed" if failures else "all passed")
    sys.exit(1 if failures else 0)
