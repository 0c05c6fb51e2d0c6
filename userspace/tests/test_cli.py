#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""verify-file end to end on the host, against the fake device.

verify-file-fake is verify-file linked with tests/fake_sys.c, which
simulates /dev/verity-scrub and the fs-verity ioctls over ordinary files
(see that file for the spec format).  Every test prints PASS or FAIL once.
JSON output is parsed back with the json module, strictly from bytes, and
every document is validated against verify-file.schema.json (parse_json):
a schema violation fails the test that produced the document.
"""
import datetime
import hashlib
import json
import os
import pty
import re
import signal
import stat
import subprocess
import sys
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else ".obj/bin"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True     # no __pycache__ in the source tree
from harness import (Failed, FakeWorld, check, eq, finish, report,  # noqa: E402,F401
                     run_checked, wait_for, test)
import validate_json  # noqa: E402
TOP = os.path.dirname(HERE)
FAKE = os.path.join(BIN, "verify-file-fake")
REAL = os.path.join(BIN, "verify-file")
D1 = "sha256:" + "11" * 32
BS = 4096

DEFAULT_OPTIONS = {"keep_cache": False, "page_cache": False,
                   "no_module": False, "fallback": False, "retries": 3,
                   "limit": 0, "recursive": False, "cross_mounts": False,
                   "expect_digest": False, "digest_from_name": False}


def parse_json(data):
    """A verify-file --json document from @data (bytes), valid or Failed."""
    try:
        doc = json.loads(data)  # bytes: strict UTF-8
    except ValueError as e:
        raise Failed(f"not JSON ({e}): {data!r}")
    probs = validate_json.problems(doc)
    if probs:
        raise Failed("JSON schema: " + "; ".join(probs[:5]))
    s = doc["summary"]
    eq(s["files"], s["ok"] + s["bad"] + s["errors"] + s["interrupted_files"],
       "summary: files = ok + bad + errors + interrupted_files")
    eq(s["files"], len(doc["files"]), "summary: files listed")
    return doc


class World(FakeWorld):
    """A temp dir with files and the spec the fake reads."""

    def __init__(self):
        super().__init__("vf-test-")

    def run(self, *args, binary=None, timeout=20, stderr=subprocess.PIPE,
            **kw):
        return run_checked([binary or FAKE, *args], self.fake_env(),
                           timeout=timeout, stderr=stderr, **kw)

    def json(self, *args, **kw):
        p = self.run("--json", *args, **kw)
        try:
            doc = parse_json(p.stdout)
        except Failed as e:
            raise Failed(f"{e} (stderr {p.stderr!r})")
        return p.returncode, doc


def data_of(path):
    with open(path, "rb") as f:
        return f.read()


def fsverity_digest(data, bs=BS, salt=b"", alg="sha256", root=None):
    """The fs-verity file digest of @data, written from the kernel's
    documentation (Documentation/filesystems/fsverity.rst), to check
    verify-file's libfsverity result independently.  @root: the root hash
    to put in the descriptor instead of the data's."""
    hsize = hashlib.new(alg).digest_size
    hblock = hashlib.new(alg).block_size
    prefix = salt + b"\0" * (-len(salt) % hblock) if salt else b""

    def h(block):
        return hashlib.new(alg, prefix + block).digest()

    level = [data[i:i + bs].ljust(bs, b"\0") for i in range(0, len(data), bs)]
    while len(level) > 1:
        hashes = b"".join(h(b) for b in level)
        level = [hashes[i:i + bs].ljust(bs, b"\0")
                 for i in range(0, len(hashes), bs)]
    if root is None:
        root = h(level[0]) if level else b"\0" * hsize
    desc = (bytes([1, {"sha256": 1, "sha512": 2}[alg], bs.bit_length() - 1,
                   len(salt)]) + b"\0" * 4 + len(data).to_bytes(8, "little")
            + root.ljust(64, b"\0") + salt.ljust(32, b"\0") + b"\0" * 144)
    return f"{alg}:" + hashlib.new(alg, desc).hexdigest()


@test
def version_from_version_file():
    with open(os.path.join(os.path.dirname(TOP), "VERSION")) as f:
        version = f.read().strip()
    for b in (FAKE, REAL):
        p = World().run("--version", binary=b)
        eq(p.returncode, 0, "exit")
        eq(p.stdout.decode(), f"verify-file {version}\n", "output")


@test
def usage_errors_exit_16_and_print_nothing_on_stdout():
    w = World()
    for args in ([], ["-j", "0", "x"], ["--range", "5", "x"],
                 ["--range", "18446744073709551615:2", "x"],
                 ["--retries", "abc", "x"], ["--limit", "-5", "x"],
                 ["--expect-digest", "sha1:00", "x"], ["--bogus", "x"],
                 ["--json", "--jobs"], ["-q", "-v", "x"],
                 ["--expect-digest", D1, "--expect-digest", D1, "x"]):
        p = w.run(*args)
        eq(p.returncode, 16, f"exit of {args}")
        eq(p.stdout, b"", f"stdout of {args}")
        check(b"Try 'verify-file --help'" in p.stderr, f"hint for {args}")
    eq(w.calls(), [], "no scrub calls")


@test
def clean_file_json_exact():
    w = World()
    f = w.file("clean", 10 * BS + 100)
    rc, doc = w.json(f)
    eq(rc, 0, "exit")
    eq(doc["version"], 1, "version")
    eq(len(doc["files"]), 1, "files")
    fj = doc["files"][0]
    for k, v in {"path": f, "status": "ok", "size": 10 * BS + 100,
                 "block_size": BS, "hash_algorithm": "sha256", "digest": D1,
                 "bytes_verified": 10 * BS + 100, "ranges": [],
                 "descriptor_changed": False, "method": "module"}.items():
        eq(fj[k], v, k)
    check("error" not in fj, "no error field")
    s = doc["summary"]
    for k, v in {"files": 1, "ok": 1, "bad": 0, "errors": 0, "skipped": 0,
                 "bytes_verified": 10 * BS + 100}.items():
        eq(s[k], v, "summary " + k)
    check(isinstance(s["seconds"], float), "seconds is a number")


@test
def corrupted_file_json_ranges_and_kinds():
    w = World()
    f = w.file("bad", 64 * BS, bad=[
        (8 * BS, BS, "hash_mismatch"),
        (9 * BS, BS, "hash_mismatch"),          # merged with the one before
        (16 * BS, 8 * BS, "tree_corrupt", "none", 1),
        (30 * BS, BS, "io_error", "medium"),
        (31 * BS, BS, "io_error", "timeout"),   # other detail: not merged
    ])
    rc, doc = w.json(f)
    eq(rc, 1 | 2, "exit")
    fj = doc["files"][0]
    eq(fj["status"], "bad", "status")
    eq(fj["ranges"], [
        {"offset": 8 * BS, "length": 2 * BS, "kind": "hash_mismatch", "cached_good": False},
        {"offset": 16 * BS, "length": 8 * BS, "kind": "tree_corrupt",
         "tree_level": 1, "cached_good": False},
        {"offset": 30 * BS, "length": BS, "kind": "io_error",
         "detail": "medium", "cached_good": False},
        {"offset": 31 * BS, "length": BS, "kind": "io_error",
         "detail": "timeout", "cached_good": False},
    ], "ranges")
    eq(fj["bytes_verified"], (64 - 12) * BS, "bytes_verified")
    eq(doc["summary"]["bad"], 1, "summary bad")
    eq(doc["summary"]["kind_blocks"], {"hash_mismatch": 2, "tree_corrupt": 8,
                                       "io_error": 2, "transient": 0,
                                       "unknown": 0}, "kind_blocks")


@test
def last_partial_block_range():
    w = World()
    f = w.file("tail", 5 * BS + 10, bad=[(5 * BS, BS, "hash_mismatch")])
    rc, doc = w.json(f)
    eq(rc, 1, "exit")
    eq(doc["files"][0]["ranges"], [{"offset": 5 * BS, "length": 10,
                                    "kind": "hash_mismatch", "cached_good": False}], "ranges")


@test
def transient_only_is_ok_with_bit_4_and_unknown_is_bit_2():
    w = World()
    t = w.file("t", 8 * BS, bad=[(BS, BS, "transient")])
    u = w.file("u", 8 * BS, bad=[(2 * BS, BS, "unknown")])
    rc, doc = w.json(t)
    eq(rc, 4, "transient exit")
    eq(doc["files"][0]["status"], "ok", "transient status")
    eq(doc["files"][0]["ranges"], [{"offset": BS, "length": BS,
                                    "kind": "transient", "cached_good": False}], "ranges")
    eq(doc["files"][0]["bytes_verified"], 8 * BS, "transient verified")
    rc, doc = w.json(u)
    eq(rc, 2, "unknown exit")
    eq(doc["files"][0]["status"], "bad", "unknown status")
    rc, doc = w.json(t, u)
    eq(rc, 2 | 4, "both")


@test
def resume_loop_through_cli_same_result():
    w = World()
    bad = [(b * BS, BS, "hash_mismatch") for b in range(3, 60, 6)]
    f = w.file("many", 64 * BS, bad=bad)
    rc, plain = w.json(f)
    w.spec += ["cap 1", "eintr_every 2"]
    rc2, resumed = w.json(f)
    eq(rc, 1, "exit")
    eq(rc2, 1, "exit resumed")
    eq(len(plain["files"][0]["ranges"]), 10, "ranges")
    eq(resumed["files"][0]["ranges"], plain["files"][0]["ranges"], "ranges")
    eq(resumed["files"][0]["bytes_verified"], 54 * BS, "verified summed")
    check(len(w.calls()) >= 11 + 1, f"resumed calls: {len(w.calls())}")


@test
def human_output_exact():
    w = World()
    ok = w.file("ok", 2 * BS)
    bad = w.file("bad", 8 * BS, bad=[(BS, BS, "hash_mismatch"),
                                     (4 * BS, BS, "io_error", "transport"),
                                     (6 * BS, BS, "transient")])
    p = w.run(ok, bad)
    eq(p.returncode, 1 | 2 | 4, "exit")
    lines = p.stdout.decode().splitlines()
    eq(lines[0], f"{ok}: OK", "ok line")
    eq(lines[1], f"{bad}: BAD: hash_mismatch at offset 4096 length 4096; "
       "io_error (transport) at offset 16384 length 4096; recovered: "
       "transient at offset 24576 length 4096", "bad line")
    eq(lines[2], "Scrub summary: 2 files: 1 ok, 1 bad, 0 errors; 0 skipped",
       "summary")
    check(lines[3].startswith("Verified:      32.00KiB (32768 bytes) in "),
          lines[3])
    eq(lines[4], "Error summary: hash_mismatch=1 io_error=1 transient=1 "
       "(blocks)", "error summary")
    eq(len(lines), 5, "line count")
    q = w.run("-q", ok, bad)
    eq(q.stdout.decode().splitlines(), [lines[1]], "quiet")
    check(b"\r" not in p.stderr, "no progress line when stderr is a pipe")


@test
def bad_inputs_get_clear_errors_and_exit_8():
    w = World()
    d = os.path.join(w.dir, "d")
    os.mkdir(d)
    fifo = os.path.join(w.dir, "fifo")
    os.mkfifo(fifo)
    plain = w.plain("plain")
    cases = [
        ("/nonexistent/file", "cannot open: No such file or directory"),
        (d, "is a directory (use -r to scrub the verity files under it)"),
        (fifo, "not a regular file (a FIFO)"),
        ("/dev/null", "not a regular file (a character device)"),
        (plain, "not an fs-verity file"),
    ]
    for path, msg in cases:
        rc, doc = w.json(path)
        eq(rc, 8, f"exit for {path}")
        eq(doc["files"][0]["status"], "error", "status")
        eq(doc["files"][0]["error"], msg, f"error for {path}")
        eq(doc["summary"]["errors"], 1, "summary errors")
        p = w.run(path)
        eq(p.returncode, 8, "human exit")
        check(p.stdout.decode().startswith(f"{path}: ERROR: {msg}\n"),
              f"human line: {p.stdout!r}")
    eq(w.calls()[0][0] if w.calls() else None, "scrub", "plain reached the module")
    unreadable = w.file("unreadable", BS)
    if os.geteuid() != 0:
        os.chmod(unreadable, 0)
        rc, doc = w.json(unreadable)
        eq(rc, 8, "unreadable exit")
        eq(doc["files"][0]["error"], "cannot open: Permission denied", "msg")


@test
def socket_is_rejected():
    import socket
    w = World()
    path = os.path.join(w.dir, "sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    try:
        rc, doc = w.json(path)
    finally:
        s.close()
    eq(rc, 8, "exit")
    # open() of a socket fails with ENXIO before any stat
    check(doc["files"][0]["error"] in (
        "cannot open: No such device or address",
        "not a regular file (a socket)"), doc["files"][0]["error"])


@test
def recursive_walk_scrubs_verity_and_skips_others():
    w = World()
    a = w.file("tree/a", 2 * BS)
    b = w.file("tree/sub/b", 3 * BS, bad=[(0, BS, "hash_mismatch")])
    w.plain("tree/plain.txt")
    w.plain("tree/sub/notes")
    os.symlink("a", os.path.join(w.dir, "tree/link"))
    os.mkfifo(os.path.join(w.dir, "tree/sub/fifo"))
    tree = os.path.join(w.dir, "tree")
    rc, doc = w.json("-r", "-v", tree)
    eq(rc, 1, "exit")
    eq([f["path"] for f in doc["files"]], [a, b], "scrubbed, in path order")
    eq(doc["summary"]["skipped"], 4, "skipped count")
    eq([(s["path"], s["reason"]) for s in doc["summary"]["skipped_paths"]], [
        (tree + "/link", "symbolic link"),
        (tree + "/plain.txt", "not an fs-verity file"),
        (tree + "/sub/fifo", "not a regular file"),
        (tree + "/sub/notes", "not an fs-verity file"),
    ], "skipped list")
    p = w.run("-r", "-v", tree)
    out = p.stdout.decode()
    check(f"{tree}/plain.txt: skipped (not an fs-verity file)\n" in out, out)
    rc, doc = w.json("-r", tree)
    check("skipped_paths" not in doc["summary"], "list only with -v")
    p = w.run("-r", tree)
    check("skipped (" not in p.stdout.decode(), "no list without -v")
    eq(w.run(tree).returncode, 8, "directory without -r")


@test
def recursive_walk_does_not_cross_mounts():
    # Needs a real mount point below a directory: use the first of /dev
    # (pts, shm, mqueue) and /sys/fs that has one.
    for top in ("/dev", "/sys/fs"):
        subs = [os.path.join(top, d) for d in sorted(os.listdir(top))
                if os.path.isdir(os.path.join(top, d)) and
                not os.path.islink(os.path.join(top, d)) and
                os.path.ismount(os.path.join(top, d))]
        if subs:
            break
    else:
        raise Failed("no mount point under /dev or /sys/fs to test with")
    w = World()
    rc, doc = w.json("-r", "-v", top, timeout=60)
    reasons = {s["path"]: s["reason"] for s in doc["summary"]["skipped_paths"]}
    for m in subs:
        eq(reasons.get(m), "mount point (use --cross-mounts)", m)
    check(not any(p.startswith(subs[0] + "/") for p in reasons),
          "nothing listed below a mount point")


@test
def paths_with_newline_and_non_utf8_are_escaped():
    w = World()
    name = "new\nline \xff\xfe\"q\\.bin".encode("latin-1")
    path = os.path.join(w.dir.encode(), name)
    with open(path, "wb") as f:
        f.write(b"\0" * BS)
    w.spec.append(f"file {os.stat(path).st_ino}")
    rc, doc = w.json(path)
    eq(rc, 0, "exit")
    fj = doc["files"][0]
    eq(bytes.fromhex(fj["path_hex"]), path, "path_hex is the exact bytes")
    eq(fj["path"], path.decode("utf-8", errors="replace"), "path")
    p = w.run(path)
    first = p.stdout.split(b"\n")[0]
    eq(first, w.dir.encode() + b"/new\\nline \\xff\\xfe\"q\\\\.bin: OK",
       "escaped human line")
    # valid UTF-8 stays as is, without path_hex
    u = w.file("caf\u00e9 \u2713", BS)
    rc, doc = w.json(u)
    eq(doc["files"][0]["path"], u, "utf-8 path")
    check("path_hex" not in doc["files"][0], "no path_hex for UTF-8")


@test
def module_missing_and_fallback():
    w = World()
    f = w.file("f", 4 * BS, "real")
    w.spec.append("module absent")
    g = w.file("g", 4 * BS)
    p = w.run("--json", f, g)
    doc = parse_json(p.stdout)
    eq(p.returncode, 8, "exit without module")
    check("modprobe verity_scrub" in doc["files"][0]["error"], "how to load")
    eq(doc["files"][1]["error"], doc["files"][0]["error"], "every file")
    eq(p.stderr.count(b"modprobe verity_scrub"), 1, "said once on stderr")
    p = w.run("--json", "--fallback", f)
    eq(p.returncode, 0, "fallback exit")
    check(b"warning:" in p.stderr and b"falling back" in p.stderr,
          "fallback warning")
    doc = parse_json(p.stdout)
    eq(doc["files"][0]["method"], "pread", "method")
    eq(doc["files"][0]["bytes_verified"], 4 * BS, "verified")
    w.spec[-1] = "module eacces"
    rc, doc = w.json(f)
    eq(rc, 8, "eacces exit")
    check(doc["files"][0]["error"].startswith(
        "permission denied opening /dev/verity-scrub"), "eacces message")


@test
def no_module_narrows_failing_chunks_to_blocks():
    w = World()
    size = 3 * 1024 * 1024 + 7 * BS + 123   # chunks of 4 MiB and less
    nb = (size + BS - 1) // BS
    f = w.file("big", size, bad=[
        (5 * BS, 2 * BS, "hash_mismatch"),
        (700 * BS, BS, "io_error", "medium"),
        (701 * BS, BS, "transient"),
        ((nb - 1) * BS, BS, "tree_corrupt"),
    ])
    rc, doc = w.json("--no-module", f)
    eq(rc, 2 | 4, "exit")
    fj = doc["files"][0]
    eq(fj["method"], "pread", "method")
    eq(fj["ranges"], [
        {"offset": 5 * BS, "length": 2 * BS, "kind": "unknown", "cached_good": False},
        {"offset": 700 * BS, "length": BS, "kind": "unknown", "cached_good": False},
        {"offset": 701 * BS, "length": BS, "kind": "transient", "cached_good": False},
        {"offset": (nb - 1) * BS, "length": size - (nb - 1) * BS,
         "kind": "unknown", "cached_good": False},
    ], "ranges")
    eq(fj["bytes_verified"], size - 3 * BS - (size - (nb - 1) * BS),
       "verified")
    eq(w.calls(), [], "no module calls")
    f2 = w.file("big2", 9 * 1024 * 1024, bad=[(8 * 1024 * 1024, BS,
                                              "hash_mismatch")])
    rc, doc = w.json("--no-module", "--range", "8M:8K", f2)
    eq(doc["files"][0]["ranges"], [{"offset": 8 << 20, "length": BS,
                                    "kind": "unknown", "cached_good": False}], "range ranges")
    eq(doc["files"][0]["bytes_verified"], BS, "range verified")
    rc, doc = w.json("--no-module", w.plain("plain"))
    eq(rc, 8, "no-module on a non-verity file")
    eq(doc["files"][0]["error"], "not an fs-verity file", "message")


@test
def expect_digest_match_and_mismatch():
    w = World()
    f = w.file("f", 2 * BS)
    g = w.file("g", 2 * BS, "digest=" + "22" * 32)
    rc, doc = w.json("--expect-digest", D1, f)
    eq(rc, 0, "match exit")
    eq(doc["files"][0]["digest_matches"], True, "match")
    rc, doc = w.json("--expect-digest", D1, g)
    eq(rc, 1, "mismatch exit")
    eq(doc["files"][0]["status"], "bad", "status")
    eq(doc["files"][0]["digest_matches"], False, "mismatch")
    eq(doc["files"][0]["expected_digest"], D1, "expected")
    rc, doc = w.json("--expect-digest", "sha512:" + "11" * 64, f)
    eq(rc, 1, "other algorithm")
    p = w.run("--expect-digest", D1, g)
    check(f"{g}: BAD: digest sha256:{'22' * 32}, expected {D1}".encode()
          in p.stdout, p.stdout)
    df = os.path.join(w.dir, "digests")
    with open(df, "w") as out:   # the format 'fsverity digest' prints
        out.write(f"{D1} {f}\nsha256:{'22' * 32} {g}\n")
    rc, doc = w.json("--expect-digest-file", df, f, g)
    eq(rc, 0, "file: all match")
    with open(df, "w") as out:
        out.write(f"{D1} {f}\n")
    rc, doc = w.json("--expect-digest-file", df, f, g)
    eq(rc, 8, "file: missing entry")
    eq(doc["files"][1]["error"],
       "no expected digest for this path in --expect-digest-file", "msg")
    h = w.file("h", 2 * BS, "real")
    rc, doc = w.json("--no-module", "--expect-digest", D1, h)
    eq(rc, 1, "no-module mismatch")
    eq(doc["files"][0]["digest_matches"], False, "no-module: mismatch")
    check("descriptor_changed" in doc["files"][0] and
          not doc["files"][0]["descriptor_changed"], "only the digest differs")
    rc, doc = w.json("--no-module", "--expect-digest",
                     fsverity_digest(data_of(h)), h)
    eq(rc, 0, "no-module match")


@test
def descriptor_changed_is_corruption():
    w = World()
    f = w.file("f", 2 * BS, "descchanged")
    rc, doc = w.json(f)
    eq(rc, 1, "flag from the module")
    eq(doc["files"][0]["descriptor_changed"], True, "descriptor_changed")
    eq(doc["files"][0]["status"], "bad", "status")
    # the module could not check: verify-file compares with MEASURE itself
    g = w.file("g", 2 * BS, "measured=" + "33" * 32)
    rc, doc = w.json(g)
    eq(rc, 1, "measured differs")
    eq(doc["files"][0]["measured_digest"], "sha256:" + "33" * 32, "measured")
    eq(doc["files"][0]["digest"], D1, "digest on disk")


@test
def malformed_or_unreadable_descriptor():
    w = World()
    f = w.file("f", 2 * BS, "errno=117")   # EUCLEAN
    g = w.file("g", 2 * BS, "errno=5")     # EIO
    rc, doc = w.json(f)
    eq(rc, 1, "malformed descriptor is corruption")
    eq(doc["files"][0]["status"], "bad", "status")
    eq(doc["files"][0]["descriptor_corrupt"], True, "flag")
    eq(doc["files"][0]["error"],
       "the fs-verity descriptor on disk is malformed (corrupt)", "message")
    p = w.run(f)
    eq(p.stdout.decode().splitlines()[0], f"{f}: BAD: the fs-verity "
       "descriptor on disk is malformed (corrupt)", "human")
    rc, doc = w.json(g)
    eq(rc, 2, "unreadable descriptor is an I/O error")
    eq(doc["files"][0]["descriptor_unreadable"], True, "flag")
    eq(doc["files"][0]["error"],
       "I/O error reading the fs-verity descriptor", "message")


@test
def options_reach_the_kernel():
    w = World()
    f = w.file("f", 100 * BS)
    rc, doc = w.json("--keep-cache", "--retries", "7", "--range", "5000:10000",
                     f)
    eq(rc, 0, "exit")
    eq(w.calls(), [["scrub", "5000", "15000", "1", "7"]], "ioctl args")
    eq(doc["files"][0]["bytes_verified"], 3 * BS, "rounded outward")
    rc, doc = w.json("--range", "1T:4K", f)
    eq(rc, 0, "range past EOF exit")
    eq(doc["files"][0]["bytes_verified"], 0, "nothing to do")
    eq(doc["files"][0]["status"], "ok", "status")
    g = w.file("old", BS, "noflags")
    rc, doc = w.json("--keep-cache", g)
    eq(rc, 8, "flag unknown to the module")
    check("too old" in doc["files"][0]["error"], doc["files"][0]["error"])


@test
def read_path_reported():
    w = World()
    f = w.file("f", 10 * BS)
    rc, doc = w.json(f)
    eq(rc, 0, "exit")
    eq([c[3] for c in w.calls()], ["0"], "no flags")
    eq(doc["files"][0]["read_path"], "direct", "module read it directly")
    rc, doc = w.json("--page-cache", f)
    eq(rc, 0, "page-cache exit")
    eq([c[3] for c in w.calls()], ["0", "4"], "PAGE_CACHE flag")
    eq(doc["files"][0]["read_path"], "page_cache", "through the page cache")
    out = w.run("-v", "--page-cache", f).stdout.decode()
    check("read through the page cache," in out, out)
    out = w.run("-v", f).stdout.decode()
    check("read from the device," in out, out)


def start_slow(w, *args):
    with open(os.path.join(w.dir, ".spec"), "w") as f:
        f.write("\n".join(w.spec) + "\n")
    env = dict(os.environ, VF_FAKE_SPEC=os.path.join(w.dir, ".spec"),
               VF_FAKE_LOG=w.log)
    p = subprocess.Popen([FAKE] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    # wait until the first ioctl call: signal handlers are installed then
    wait_for(w, p, lambda calls: calls)
    return p


def slow_at(path, pos):
    """pred: the fake is about to sleep (or sleeps) at @pos of @path: every
    block before it was scrubbed, and a signal now stops the call at @pos."""
    key = ["slow", str(os.stat(path).st_ino), str(pos)]
    return lambda calls: key in calls


@test
def sigint_stops_cleanly_with_partial_report():
    for jobs in ("1", "3"):
        w = World()
        # each slow file takes 16 x 0.4 s: a stop well before that is prompt
        f = w.file("slow", 256 * BS, "slowms=400",
                   bad=[(2 * BS, BS, "hash_mismatch")])
        g = w.file("slow2", 256 * BS, "slowms=400")
        h = w.file("never", BS)
        p = start_slow(w, "--json", "-j", jobs, f, g, h)
        wait_for(w, p, slow_at(f, 16 * BS))     # past block 2
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
        eq(p.returncode, 32 | 1, f"exit with -j {jobs}")
        doc = parse_json(out)
        eq(doc["summary"]["interrupted"], True, "interrupted")
        fj = doc["files"][0]
        eq(fj["path"], f, "first file")
        eq(fj["interrupted"], True, "file interrupted")
        eq(fj["ranges"], [{"offset": 2 * BS, "length": BS,
                           "kind": "hash_mismatch", "cached_good": False}], "found so far")
        # stopped promptly: where the signal found it, not at the end
        eq(fj["resume_offset"], 16 * BS, "resume offset")
        if jobs == "1":
            check(h not in [x["path"] for x in doc["files"]], "not started")
            eq(doc["summary"]["not_scrubbed"], 2, "not scrubbed")
        check(b"interrupted" in err, "message on stderr")
    # SIGTERM, human output
    w = World()
    f = w.file("slow", 256 * BS, "slowms=400")
    p = start_slow(w, f)
    wait_for(w, p, slow_at(f, 16 * BS))
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    eq(p.returncode, 32, "SIGTERM exit")
    check(re.search(rb"slow: INTERRUPTED \(interrupted at offset 65536\)\n",
                    out), out)


def opens(w):
    """The files verify-file opened, in order (the fake's "logopen")."""
    return [c[1] for c in w.calls() if c[0] == "open"]


@test
def the_next_files_are_opened_while_the_workers_scrub():
    for jobs in (1, 2):
        w = World()
        w.spec.append("logopen")
        paths = [w.file(f"f{i}", 4 * BS) for i in range(2 * jobs + 2)]
        held = paths[:jobs]     # their calls wait for a go file
        inos = [os.stat(f).st_ino for f in held]
        w.spec += [f"pause {ino} 0" for ino in inos]
        p = start_slow(w, "--json", "-j", str(jobs), *paths)
        # the next file of each worker is opened while all of them are held
        for f in paths[jobs:2 * jobs]:
            wait_for(w, p, lambda calls: ["open", f] in calls)
        for ino in inos:
            wait_for(w, p, lambda calls: ["pause", str(ino), "0"] in calls)
        with open(w.log, "a") as log:   # mark the release in the log
            log.write("released\n")
        for ino in inos:
            open(f"{w.log}.go.{ino}.0", "w").close()
        out, err = p.communicate(timeout=20)
        eq(p.returncode, 0, f"-j {jobs}: exit ({err!r})")
        eq([f["status"] for f in parse_json(out)["files"]],
           ["ok"] * len(paths), f"-j {jobs}: all scrubbed")
        eq(sorted(opens(w)), sorted(paths), f"-j {jobs}: each opened once")
        # one file a worker ahead, no more: the rest after the release
        order = [c[1] if c[0] == "open" else c[0] for c in w.calls()
                 if c[0] in ("open", "released")]
        eq(sorted(order[order.index("released") + 1:]), paths[2 * jobs:],
           f"-j {jobs}: opened after the release")


@test
def files_the_run_skips_are_never_opened():
    w = World()
    w.spec.append("logopen")
    a = w.file("t/a", BS)
    b = w.file("t/b", BS)
    c = w.file("t/c", BS)
    w.spec.append(f"patherr lookup 5 {b}")  # the walk fails b: a finding
    ino = os.stat(a).st_ino
    w.spec.append(f"pause {ino} 0")
    p = start_slow(w, "--json", "-r", "-j", "1", os.path.join(w.dir, "t"))
    # while a is held the one file opened ahead is c: b is passed over
    wait_for(w, p, lambda calls: ["open", c] in calls)
    open(f"{w.log}.go.{ino}.0", "w").close()
    out, err = p.communicate(timeout=20)
    eq(p.returncode, 2, "exit")
    eq([(f["path"], f["status"]) for f in parse_json(out)["files"]],
       [(a, "ok"), (b, "bad"), (c, "ok")], "files")
    eq(opens(w), [a, c], "opened")


@test
def parallel_jobs_give_the_same_report():
    w = World()
    paths = [w.file(f"f{i}", (i + 1) * 8 * BS,
                    bad=[(i * BS, BS, "hash_mismatch")] if i % 2 else [])
             for i in range(8)]
    rc1, d1 = w.json("-j", "1", *paths)
    rc4, d4 = w.json("-j", "4", *paths)
    eq(rc1, 1, "exit")
    eq(rc4, 1, "exit -j 4")
    strip = lambda d: [(f["path"], f["status"], f["ranges"], f["bytes_verified"])
                       for f in d["files"]]
    eq(strip(d4), strip(d1), "same files, same order")
    eq(d4["summary"]["bad"], 4, "bad")


@test
def limit_throttles():
    w = World()
    f = w.file("f", 256 * 1024)
    t0 = time.time()
    rc, doc = w.json("--limit", "512K", f)
    took = time.time() - t0
    eq(rc, 0, "exit")
    check(took >= 0.4, f"256 KiB at 512 KiB/s took {took:.2f}s")
    t0 = time.time()
    rc, doc = w.json("--no-module", "--limit", "512K", f)
    check(time.time() - t0 >= 0.4, "fallback throttled")


@test
def progress_only_on_a_tty():
    w = World()
    f = w.file("slow", 256 * BS, "slowms=100")
    master, slave = pty.openpty()
    p = w.run(f, stderr=slave)
    os.close(slave)
    data = b""
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    os.close(master)
    eq(p.returncode, 0, "exit")
    # the ETA only once a rate is known (issue 12): optional here
    check(re.search(rb"\r\x1b\[K *\d+\.\d%  [\d.]+ MiB/s"
                    rb"(  ETA \d+:\d\d:\d\d)?(\r|$)", data),
          f"progress line on a tty: {data[:200]!r}")
    p = w.run("-q", f)
    check(b"%" not in (p.stderr or b""), "quiet: no progress")


@test
def example_tool_reports_ranges():
    w = World()
    f = w.file("f", 16 * BS, bad=[(3 * BS, 2 * BS, "hash_mismatch")])
    g = w.file("g", 2 * BS)
    ex = os.path.join(BIN, "scrub-example-fake")
    p = w.run(f, g, w.plain("p"), binary=ex)
    eq(p.returncode, 1 | 2, "exit")
    eq(p.stdout.decode(), f"{f} 12288 8192 hash_mismatch\n"
       f"{f}: 57344 bytes verified, 1 bad ranges\n"
       f"{g}: 8192 bytes verified, 0 bad ranges\n", "output")
    eq(p.stderr.decode().splitlines()[-1],
       f"{ex}: {w.dir}/p: not an fs-verity file", "error")
    w.spec.append("module absent")
    p = w.run(g, binary=ex)
    eq(p.returncode, 2, "no module")
    check(b"modprobe verity_scrub" in p.stderr, "how to load")


IO_ERRNOS = [(5, "EIO", "Input/output error"),
             (117, "EUCLEAN", "Structure needs cleaning"),
             (74, "EBADMSG", "Bad message")]


@test
def io_errors_at_open_stat_lookup_are_findings():
    for num, name, text in IO_ERRNOS:
        for op, what in (("open", "cannot open"), ("stat", "cannot stat")):
            w = World()
            f = w.file("f", 2 * BS)
            g = w.file("g", 2 * BS)
            w.spec.append(f"patherr {op} {num} {f}")
            rc, doc = w.json(f, g)
            msg = f"{what}: {text} ({name})"
            eq(rc, 2, f"{op} {name}: exit")
            fj = doc["files"][0]
            eq((fj["status"], fj["error"], fj["errno"]), ("bad", msg, name),
               f"{op} {name}: file")
            eq(doc["files"][1]["status"], "ok", "other file")
            s = doc["summary"]
            eq((s["files"], s["ok"], s["bad"], s["errors"]), (2, 1, 1, 0),
               f"{op} {name}: summary")
            p = w.run(f, g)
            eq(p.returncode, 2, f"{op} {name}: human exit")
            lines = p.stdout.decode().splitlines()
            eq(lines[0], f"{f}: BAD: {msg}", f"{op} {name}: human line")
            check("2 files: 1 ok, 1 bad, 0 errors" in lines[2], lines[2])
        # the walk's check of each entry (statx) fails: -r
        w = World()
        w.file("t/a", BS)
        b = w.file("t/b", BS)
        w.spec.append(f"patherr lookup {num} {b}")
        rc, doc = w.json("-r", os.path.join(w.dir, "t"))
        eq(rc, 2, f"lookup {name}: exit")
        fj = doc["files"][1]
        eq((fj["path"], fj["status"], fj["errno"], fj["error"]),
           (b, "bad", name, f"cannot check for fs-verity: {text} ({name})"),
           f"lookup {name}: file")
        eq(doc["summary"]["bad"], 1, "lookup: summary bad")
    # other errnos stay operational errors
    w = World()
    f = w.file("f", BS)
    w.spec.append(f"patherr open 13 {f}")
    rc, doc = w.json(f)
    eq(rc, 8, "EACCES exit")
    eq(doc["files"][0]["status"], "error", "EACCES status")
    check("errno" not in doc["files"][0], "no errno field for EACCES")
    eq(doc["files"][0]["error"], "cannot open: Permission denied", "EACCES")


def digest_file(w, text, mode="w"):
    df = os.path.join(w.dir, "digests")
    with open(df, mode) as out:
        out.write(text)
    return df


@test
def digest_file_global_line_does_not_override_paths():
    w = World()
    f = w.file("f", BS)
    g = w.file("g", BS, "digest=" + "22" * 32)
    d2 = "sha256:" + "22" * 32
    df = digest_file(w, f"{D1}\n{d2} {g}\n")
    rc, doc = w.json("--expect-digest-file", df, f, g)
    eq(rc, 0, "exit")
    eq([x["expected_digest"] for x in doc["files"]], [D1, d2], "expected")
    df = digest_file(w, f"{d2} {g}\n{D1}\n")
    rc, doc = w.json("--expect-digest-file", df, f, g)
    eq(rc, 0, "exit, global line last")


@test
def digest_file_crlf_comments_blank_lines():
    w = World()
    f = w.file("f", BS)
    g = w.file("g", BS, "digest=" + "22" * 32)
    df = digest_file(w, f"# made by fsverity digest\r\n\r\n  \n"
                     f"{D1} {f}\r\n   # indented comment\n"
                     f"sha256:{'22' * 32} {g}\r\n", mode="w", )
    rc, doc = w.json("--expect-digest-file", df, f, g)
    eq(rc, 0, "exit")
    eq([x["digest_matches"] for x in doc["files"]], [True, True], "matches")


@test
def digest_file_fsverity_digest_formats():
    w = World()
    f = w.file("f", BS)
    g = w.file("g", BS, "alg=sha512", "digest=" + "33" * 64)
    # fsverity digest --compact: the hex digest only (sha256: 64 digits)
    rc, doc = w.json("--expect-digest-file", digest_file(w, "11" * 32 + "\n"),
                     f)
    eq(rc, 0, "compact sha256")
    eq(doc["files"][0]["expected_digest"], D1, "compact expected")
    rc, doc = w.json("--expect-digest-file",
                     digest_file(w, "33" * 64 + "\r\n"), g)
    eq(rc, 0, "compact sha512 (128 digits)")
    eq(doc["files"][0]["expected_digest"], "sha512:" + "33" * 64, "sha512")
    rc, doc = w.json("--expect-digest-file", digest_file(w, "22" * 32), f)
    eq(rc, 1, "compact mismatch, no newline at the end")
    # fsverity digest: "sha256:HEX PATH", a path with spaces
    h = w.file("with space", BS)
    rc, doc = w.json("--expect-digest-file",
                     digest_file(w, f"{D1} {h}\nsha512:{'33' * 64} {g}\n"),
                     h, g)
    eq(rc, 0, "normal output")


@test
def digest_file_malformed_line_exit_8_nothing_scrubbed():
    w = World()
    f = w.file("f", BS)
    cases = [
        (f"{D1} {f}\nsha256:12zz {f}\n",
         "line 2: sha256 digest must have 64 hex digits, not 4"),
        ("1234\n", "line 1: expected ALG:HEX, HEX or 'ALG:HEX PATH', "
         "e.g. sha256:0123..."),
        ("z" * 64 + "\n", "line 1: digest has a non-hex character"),
        (f"{D1} \n", "line 1: empty path after the digest"),
        (f"{D1}\n{D1}\n", "line 2: a second line without a path"),
        ("# only a comment\n\n", "no digests in the file"),
    ]
    for text, msg in cases:
        df = digest_file(w, text)
        for json_ in (False, True):
            args = (["--json"] if json_ else []) + ["--expect-digest-file",
                                                     df, f]
            p = w.run(*args)
            eq(p.returncode, 8, f"exit for {text!r}")
            eq(p.stdout, b"", f"stdout for {text!r}")
            eq(p.stderr.decode(), f"verify-file: invalid --expect-digest-file"
               f" '{df}': {msg}\n", f"message for {text!r}")
    p = w.run("--expect-digest-file", "/nonexistent", f)
    eq((p.returncode, p.stdout, p.stderr.decode()),
       (8, b"", "verify-file: invalid --expect-digest-file '/nonexistent': "
        "cannot open: No such file or directory\n"), "missing file")
    eq(w.calls(), [], "nothing scrubbed")


@test
def no_module_checks_the_descriptor_on_disk():
    w = World()
    salt = bytes(range(1, 9))
    f = w.file("f", 5 * BS + 123, "real")
    g = w.file("g", 3 * BS, "real", "bs=1024", f"salt={salt.hex()}")
    k = "sha256:" + "33" * 32
    changed = w.file("changed", 2 * BS, "real", "measured=" + "33" * 32)
    root = w.file("root", 2 * BS, "real", "diskroot=" + "44" * 32)
    df, dg = fsverity_digest(data_of(f)), fsverity_digest(data_of(g), 1024,
                                                          salt)
    dchanged = fsverity_digest(data_of(changed))
    droot = fsverity_digest(data_of(root))
    # the module's view of the same files: the same digests
    rc, doc = w.json(f, g)
    eq((rc, [x["digest"] for x in doc["files"]]), (0, [df, dg]), "module")
    for args in (["--no-module"], ["--fallback"]):
        if args == ["--fallback"]:
            w.spec.append("module absent")
        rc, doc = w.json(*args, f, g)
        eq(rc, 0, f"{args}: exit")
        for fj, d in zip(doc["files"], (df, dg)):
            eq((fj["digest"], fj["descriptor_checked"],
                fj["descriptor_changed"], fj["method"]),
               (d, True, False, "pread"), f"{args}: {fj['path']}")
            check("descriptor_unchecked_reason" not in fj, "no reason")
        p = w.run(*args, f)
        eq(p.stdout.decode().splitlines()[0], f"{f}: OK", f"{args}: text")
        check("note:" not in p.stdout.decode(), f"{args}: no note")
        # the kernel holds another digest than data and descriptor give
        rc, doc = w.json(*args, changed)
        fj = doc["files"][0]
        eq((rc, fj["status"], fj["descriptor_checked"],
            fj["descriptor_changed"], fj["digest"], fj["measured_digest"]),
           (1, "bad", True, True, dchanged, k), f"{args}: changed")
        p = w.run(*args, changed)
        eq((p.returncode, p.stdout.decode().splitlines()[0]),
           (1, f"{changed}: BAD: descriptor changed (on disk {dchanged}, "
            f"kernel holds {k})"), f"{args}: changed text")
        # the root hash on disk is not the data's
        rc, doc = w.json(*args, root)
        fj = doc["files"][0]
        eq((rc, fj["status"], fj["descriptor_changed"],
            fj["descriptor_disk_differs"], fj["digest"]),
           (1, "bad", True, True, droot), f"{args}: root")
        check("measured_digest" not in fj, "the kernel's digest is the data's")
        p = w.run(*args, root)
        eq(p.stdout.decode().splitlines()[0], f"{root}: BAD: descriptor "
           "changed (the descriptor on disk does not describe the data the "
           f"kernel verified, {droot})", f"{args}: root text")


@test
def no_module_descriptor_not_checked_says_why():
    w = World()
    cases = [
        (w.file("old", 2 * BS, "real", "nodesc=25"), [], 0,   # ENOTTY
         "the filesystem or the kernel cannot read it (no "
         "FS_IOC_READ_VERITY_METADATA)"),
        (w.file("inval", 2 * BS, "real", "nodesc=22"), [], 0,
         "it cannot be read (FS_IOC_READ_VERITY_METADATA failed)"),
        (w.file("part", 8 * BS, "real"), ["--range", "4096:4096"], 0,
         "only part of the file was read"),
        (w.file("bad", 8 * BS, "real", bad=[(2 * BS, BS, "hash_mismatch")]),
         [], 2, "some data could not be read"),
        # a zeroed descriptor (no root hash, no "real"): not the data's
        (w.file("fake", 2 * BS), [], 1, None),
    ]
    for path, args, want_rc, why in cases:
        rc, doc = w.json("--no-module", *args, path)
        fj = doc["files"][0]
        eq(rc, want_rc, f"{path}: exit")
        eq(fj["descriptor_checked"], why is None, f"{path}: checked")
        eq(fj.get("descriptor_unchecked_reason"), why, f"{path}: reason")
        p = w.run("--no-module", *args, path)
        notes = [ln for ln in p.stdout.decode().splitlines() if "note:" in ln]
        eq(notes, [f"{path}: note: the fs-verity descriptor on disk was not "
                   f"checked ({why})"] if why else [], f"{path}: note")
        eq(w.run("-q", "--no-module", *args, path).stdout.count(b"note:"),
           0, f"{path}: -q")
    # EIO reading it: an I/O finding, as with the module
    eio = w.file("eio", 2 * BS, "real", "nodesc=5")
    rc, doc = w.json("--no-module", eio)
    fj = doc["files"][0]
    eq((rc, fj["status"], fj["descriptor_unreadable"]), (2, "bad", True),
       "EIO")


@test
def quiet_fallback_downgrade_always_shown():
    w = World()
    f = w.file("f", 2 * BS, "real")
    w.spec.append("module absent")
    for args in (["-q"], ["-q", "--json"], ["--json"]):
        p = w.run(*args, "--fallback", f)
        eq(p.returncode, 0, f"{args}: exit")
        eq(p.stderr.count(b"warning: "), 1, f"{args}: warning on stderr")
        check(b"falling back to reading with pread" in p.stderr,
              f"{args}: {p.stderr!r}")
        if "--json" in args:
            s = parse_json(p.stdout)["summary"]
            eq(s["fallback"], "/dev/verity-scrub is not available: the "
               "verity_scrub module is not loaded (load it with 'modprobe "
               "verity_scrub' or 'insmod verity_scrub.ko')",
               f"{args}: summary fallback")
    w.spec[-1] = "module present"
    rc, doc = w.json("--fallback", f)
    check("fallback" not in doc["summary"], "no downgrade, no fallback key")


@test
def no_module_on_proc_file_is_not_verity():
    w = World()
    rc, doc = w.json("--no-module", "/proc/version")
    eq(rc, 8, "exit")
    eq(doc["files"][0]["error"], "not an fs-verity file", "message")


@test
def range_and_keep_cache_runs_are_not_full_runs():
    w = World()
    f = w.file("f", 100 * BS)
    rc, doc = w.json(f)
    eq(doc["options"], dict(DEFAULT_OPTIONS), "options of a full run")
    eq(doc["files"][0]["whole_file_from_disk"], True, "full run")
    check("range" not in doc["files"][0], "no range")
    rc, doc = w.json("--keep-cache", "--range", "5000:10000", f)
    eq(rc, 0, "exit")
    eq(doc["options"], dict(DEFAULT_OPTIONS, keep_cache=True,
                            range={"offset": 5000, "length": 10000}),
       "options")
    fj = doc["files"][0]
    eq(fj["range"], {"offset": 5000, "length": 10000}, "range of the file")
    eq(fj["whole_file_from_disk"], False, "range run")
    rc, doc = w.json("--keep-cache", f)
    eq(doc["files"][0]["whole_file_from_disk"], False, "keep-cache run")
    rc, doc = w.json("--range", "0:1T", f)
    eq(doc["files"][0]["range"], {"offset": 0, "length": 100 * BS},
       "clamped to EOF")
    eq(doc["files"][0]["whole_file_from_disk"], True, "range of it all")
    for r in ("1T:4K", f"{100 * BS}:1"):
        rc, doc = w.json("--range", r, f)
        eq(rc, 0, f"{r}: exit")
        fj = doc["files"][0]
        eq((fj["nothing_scrubbed"], fj["whole_file_from_disk"],
            fj["range"]["length"], fj["bytes_verified"]),
           (True, False, 0, 0), f"{r}: nothing scrubbed")
        p = w.run("--range", r, f)
        eq(p.stdout.decode().splitlines()[0],
           f"{f}: nothing scrubbed: the range starts past the last block "
           f"of the file ({100 * BS} bytes)", f"{r}: text")
        eq(w.run("-q", "--range", r, f).stdout, b"", f"{r}: -q")
    rc, doc = w.json("--range", "4096:4096", f)
    check("nothing_scrubbed" not in doc["files"][0], "something scrubbed")
    # a range that starts inside the last block scrubs it
    g = w.file("g", 10 * BS + 100, bad=[(10 * BS, 100, "hash_mismatch")])
    rc, doc = w.json("--range", f"{10 * BS + 50}:1000", g)
    eq(rc, 1, "last block scrubbed")
    check("nothing_scrubbed" not in doc["files"][0], "last block: scrubbed")
    rc, doc = w.json("--range", f"{11 * BS}:10", g)
    eq((rc, doc["files"][0]["nothing_scrubbed"]), (0, True), "past it")



# ---- --digest-from-name (issue 13, item 8): content-addressed stores ----
H1 = "ab" + "c1" * 31                   # sha256 digests, 64 hex digits
H2 = "cd" + "34" * 31
H3 = "12" + "56" * 31
H5 = "ef" + "78" * 63                   # sha512, 128 hex digits
NOT_A_DIGEST = ("name is not a digest (expected XX/ and 62 or 126 "
                "lowercase hex digits, or 64 or 128)")


def obj(digest):
    """The composefs object path of a digest: objects/XX/YYYY..."""
    return f"objects/{digest[:2]}/{digest[2:]}"


def scrubs(w):
    return [c for c in w.calls() if c[0] == "scrub"]


def one_file_run(w, path, want_rc, want_line, *args, **kw):
    p = w.run("--digest-from-name", *args, path, **kw)
    eq(p.returncode, want_rc, f"exit for {path}")
    eq(p.stdout.decode().splitlines()[0], want_line, f"line for {path}")
    return p


@test
def digest_from_name_composefs_layout_good_and_misnamed():
    w = World()
    good = w.file(obj(H1), 3 * BS, "digest=" + H1)
    mis = w.file(obj(H2), 2 * BS, "digest=" + H1)   # H1's content, H2's name
    one_file_run(w, good, 0, f"{good}: OK")
    eq(len(scrubs(w)), 1, "the good object was scrubbed")
    one_file_run(w, mis, 1, f"{mis}: BAD: digest sha256:{H1}, expected "
                 f"sha256:{H2}")
    eq(len(scrubs(w)), 2, "the misnamed object was scrubbed")
    rc, doc = w.json("--digest-from-name", good, mis)
    eq(rc, 1, "json exit")
    eq([(f["status"], f["expected_digest"], f["digest_matches"],
         f["bytes_verified"], f["ranges"], f["whole_file_from_disk"])
        for f in doc["files"]],
       [("ok", "sha256:" + H1, True, 3 * BS, [], True),
        ("bad", "sha256:" + H2, False, 2 * BS, [], True)], "files")
    eq((doc["summary"]["ok"], doc["summary"]["bad"]), (1, 1), "summary")
    # the kernel's digest (FS_IOC_MEASURE_VERITY) is compared too
    k = w.file(obj(H3), BS, "digest=" + H3, "measured=" + H1)
    rc, doc = w.json("--digest-from-name", k)
    eq((rc, doc["files"][0]["digest_matches"],
        doc["files"][0]["descriptor_changed"]), (1, False, True),
       "kernel digest differs from the name")


@test
def digest_from_name_flat_names_good_and_misnamed():
    w = World()
    good = w.file(H1, 2 * BS, "digest=" + H1)
    mis = w.file(H2, 2 * BS, "digest=" + H1)
    one_file_run(w, good, 0, f"{good}: OK")
    one_file_run(w, mis, 1, f"{mis}: BAD: digest sha256:{H1}, expected "
                 f"sha256:{H2}")
    # a flat name in a directory whose name is 2 hex digits is still flat
    flat_in_xx = w.file(f"ab/{H2}", BS, "digest=" + H2)
    one_file_run(w, flat_in_xx, 0, f"{flat_in_xx}: OK")
    eq(len(scrubs(w)), 3, "every file scrubbed")


@test
def digest_from_name_sha512_lengths():
    w = World()
    lay = w.file(obj(H5), 2 * BS, "alg=sha512", "digest=" + H5)
    flat = w.file(f"flat/{H5}", 2 * BS, "alg=sha512", "digest=" + H5)
    one_file_run(w, lay, 0, f"{lay}: OK")
    one_file_run(w, flat, 0, f"{flat}: OK")
    rc, doc = w.json("--digest-from-name", lay, flat)
    eq([f["expected_digest"] for f in doc["files"]], ["sha512:" + H5] * 2,
       "sha512 expected")
    # a sha256 file with a sha512 name (layout and flat): not its digest
    lay256 = w.file(f"s/{obj(H5)}", BS, "digest=" + H1)
    flat256 = w.file(f"s/{H5}", BS, "digest=" + H1)
    for p in (lay256, flat256):
        one_file_run(w, p, 1, f"{p}: BAD: digest sha256:{H1}, expected "
                     f"sha512:{H5}")
    # a sha512 file with a sha256 name
    s512 = w.file(f"t/{obj(H1)}", BS, "alg=sha512", "digest=" + H5)
    one_file_run(w, s512, 1, f"{s512}: BAD: digest sha512:{H5}, expected "
                 f"sha256:{H1}")


@test
def digest_from_name_not_a_digest_is_exit_8_still_scrubbed():
    w = World()
    names = ["README", f"objects/ab/{H1[2:]}0",       # 63 digits
             f"objects/ab/{H1[2:-1]}",                 # 61 digits
             f"objects/zz/{H1[2:]}", f"objects/abc/{H1[2:]}",
             f"objects/a/{H1[2:]}", f"objects/ab/{'g' * 62}",
             f"objects/ab/{H1[2:-2]}.x", H1[:-1], H1 + "0", "f" * 127,
             "e" * 129, f"{H1}.tmp", f"objects/ab/{H1[2:]}~"]
    for i, n in enumerate(names):
        p = w.file(f"{i}/{n}", BS, "digest=" + H1)
        before = len(scrubs(w))
        one_file_run(w, p, 8, f"{p}: ERROR: {NOT_A_DIGEST}")
        eq(len(scrubs(w)), before + 1, f"{n} scrubbed all the same")
        rc, doc = w.json("--digest-from-name", p)
        fj = doc["files"][0]
        eq((rc, fj["status"], fj["error"], fj["bytes_verified"],
            "expected_digest" in fj), (8, "error", NOT_A_DIGEST, BS, False),
           f"json of {n}")
    # its bad ranges are reported as in any scrub
    r = w.file("rotten/README", 4 * BS, "digest=" + H1,
               bad=[(BS, BS, "hash_mismatch")])
    one_file_run(w, r, 9, f"{r}: BAD: hash_mismatch at offset 4096 length "
                 f"4096; ERROR: {NOT_A_DIGEST}")


@test
def digest_from_name_uppercase_hex_is_not_a_digest():
    w = World()
    for n in (obj(H1.upper()), f"objects/AB/{H1[2:]}",
              f"objects/ab/{H1[2:].upper()}", H1.upper(),
              H1[:10] + H1[10:].upper()):
        p = w.file(f"u{len(scrubs(w))}/{n}", BS, "digest=" + H1)
        one_file_run(w, p, 8, f"{p}: ERROR: {NOT_A_DIGEST}")


@test
def digest_from_name_directory_from_cwd_when_not_in_path():
    w = World()
    good = w.file(obj(H1), BS, "digest=" + H1)
    xx = os.path.dirname(good)
    for cwd, path in ((xx, H1[2:]), (xx, "./" + H1[2:]),
                      (os.path.join(xx, "sub"), "../" + H1[2:]),
                      (os.path.dirname(xx), "ab//" + H1[2:])):
        os.makedirs(cwd, exist_ok=True)
        one_file_run(w, path, 0, f"{path}: OK", cwd=cwd,
                     binary=os.path.abspath(FAKE))
    mis = w.file(obj(H2), BS, "digest=" + H1)
    one_file_run(w, H2[2:], 1, f"{H2[2:]}: BAD: digest sha256:{H1}, "
                 f"expected sha256:{H2}", cwd=os.path.dirname(mis),
                 binary=os.path.abspath(FAKE))


@test
def digest_from_name_recursive_store_exact_report():
    w = World()
    store = os.path.join(w.dir, "store")
    good = w.file("store/" + obj(H1), 3 * BS, "digest=" + H1)
    mis = w.file("store/" + obj(H2), 2 * BS, "digest=" + H1)
    rot = w.file("store/" + obj(H3), 8 * BS, "digest=" + H3,
                 bad=[(5 * BS, BS, "hash_mismatch")])
    flat = w.file("store/" + H5, BS, "alg=sha512", "digest=" + H5)
    w.plain("store/objects/ab/notes")        # not verity: skipped
    p = w.run("-r", "--digest-from-name", store)
    eq(p.returncode, 1, "exit")
    eq(p.stdout.decode().splitlines()[:5], [     # in path order
        f"{flat}: OK",
        f"{rot}: BAD: hash_mismatch at offset 20480 length 4096",
        f"{good}: OK",
        f"{mis}: BAD: digest sha256:{H1}, expected sha256:{H2}",
        "Scrub summary: 4 files: 2 ok, 2 bad, 0 errors; 1 skipped"],
       "report")
    p = w.run("-r", "-q", "--digest-from-name", store)
    eq((p.returncode, p.stdout.decode()), (1,
       f"{rot}: BAD: hash_mismatch at offset 20480 length 4096\n"
       f"{mis}: BAD: digest sha256:{H1}, expected sha256:{H2}\n"), "-q")
    rc, doc = w.json("-r", "--digest-from-name", store)
    eq([(f["path"], f["status"], f["digest_matches"]) for f in doc["files"]],
       [(flat, "ok", True), (rot, "bad", True), (good, "ok", True),
        (mis, "bad", False)], "json files")
    eq(doc["files"][1]["ranges"], [{"offset": 5 * BS, "length": BS,
                                    "kind": "hash_mismatch", "cached_good": False}], "rot range")
    # a stray file in the store whose name is not a digest: exit 8 too
    stray = w.file("store/objects/ab/upload.tmp", BS)
    p = w.run("-r", "-q", "--digest-from-name", store)
    eq((p.returncode, p.stdout.decode()), (9,
       f"{rot}: BAD: hash_mismatch at offset 20480 length 4096\n"
       f"{stray}: ERROR: {NOT_A_DIGEST}\n"
       f"{mis}: BAD: digest sha256:{H1}, expected sha256:{H2}\n"), "stray")


@test
def digest_from_name_no_module():
    # --no-module computes the digest from the data (libfsverity): the
    # fake's "real" files hold what their digest says
    w = World()
    d = fsverity_digest(bytes(i % 251 for i in range(BS)))[len("sha256:"):]
    good = w.file(obj(d), BS, "real")
    mis = w.file(obj(H2), BS, "real")
    p = w.run("--no-module", "--digest-from-name", good, mis)
    eq(p.returncode, 1, "exit")
    eq([l for l in p.stdout.decode().splitlines() if ": note: " not in l][:2],
       [f"{good}: OK",
        f"{mis}: BAD: digest sha256:{d}, expected sha256:{H2}"], "lines")


@test
def digest_from_name_excludes_expect_digest():
    w = World()
    f = w.file(obj(H1), BS, "digest=" + H1)
    df = digest_file(w, f"sha256:{H1} {f}\n")
    msg = ("verify-file: --digest-from-name excludes --expect-digest and "
           "--expect-digest-file\nTry 'verify-file --help' for more "
           "information.\n")
    for args in (["--digest-from-name", "--expect-digest", "sha256:" + H1],
                 ["--expect-digest", "sha256:" + H1, "--digest-from-name"],
                 ["--digest-from-name", "--expect-digest-file", df],
                 ["--expect-digest-file", df, "--digest-from-name"],
                 # usage errors first: the file is not even read
                 ["--expect-digest-file", "/nonexistent",
                  "--digest-from-name"]):
        for json_ in ([], ["--json"]):
            p = w.run(*json_, *args, f)
            eq((p.returncode, p.stdout, p.stderr.decode()), (16, b"", msg),
               f"{args}")
    eq(w.calls(), [], "nothing scrubbed")


def rfc3339(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)


@test
def json_has_format_version_tool_times_and_options():
    with open(os.path.join(os.path.dirname(TOP), "VERSION")) as f:
        version = f.read().strip()
    w = World()
    f = w.file("f", 4 * BS)
    t0 = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    rc, doc = w.json(f)
    t1 = datetime.datetime.now(datetime.timezone.utc)
    eq(rc, 0, "exit")
    eq((doc["version"], doc["format"], doc["tool"]),
       (1, {"major": 1, "minor": 3},
        {"name": "verify-file", "version": version}), "format and tool")
    started, ended = rfc3339(doc["started"]), rfc3339(doc["ended"])
    check(t0 <= started <= ended <= t1, f"{t0} <= {started} <= {ended} <= {t1}")
    eq(list(doc)[:3], ["version", "format", "tool"], "first keys")
    # every option that changes what was checked, or how
    df = os.path.join(w.dir, "digests")
    with open(df, "w") as out:
        out.write(f"{D1} {f}\n")
    rc, doc = w.json("-r", "--cross-mounts", "--keep-cache", "--page-cache",
                     "--no-module", "--fallback", "--retries", "5",
                     "--limit", "1G", "--range", "0:4K",
                     "--expect-digest-file", df, f)
    eq(doc["options"], {"range": {"offset": 0, "length": 4096},
                        "keep_cache": True, "page_cache": True,
                        "no_module": True, "fallback": True, "retries": 5,
                        "limit": 1 << 30, "recursive": True,
                        "cross_mounts": True, "expect_digest": True,
                        "digest_from_name": False},
       "options")
    rc, doc = w.json("--expect-digest", D1, f)
    eq(doc["options"], dict(DEFAULT_OPTIONS, expect_digest=True), "--expect")
    rc, doc = w.json("--digest-from-name", f)
    eq(doc["options"], dict(DEFAULT_OPTIONS, digest_from_name=True),
       "--digest-from-name")


def good_doc():
    w = World()
    f = w.file("f", 4 * BS, bad=[(BS, BS, "io_error", "medium")])
    rc, doc = w.json(f)
    return doc


@test
def schema_violations_are_caught():
    doc = good_doc()
    eq(validate_json.problems(doc), [], "a real document is valid")
    bad = []
    for path, value in ((("version",), "1"),
                        (("format", "minor"), 0),
                        (("started",), "2026-12-01 15:00:00"),
                        (("files", 0, "status"), "fine"),
                        (("files", 0, "bytes_read"), -1),
                        (("files", 0, "ranges", 0, "kind"), "bogus"),
                        (("files", 0, "ranges", 0, "detail"), None),
                        (("files", 0, "extra"), 1),
                        (("options", "retries"), 0),
                        (("summary", "kind_blocks", "io_error"), "1")):
        d = json.loads(json.dumps(doc))
        o = d
        for k in path[:-1]:
            o = o[k]
        if value is None:
            del o[path[-1]]     # io_error without its detail
        else:
            o[path[-1]] = value
        if not validate_json.problems(d):
            bad.append(path)
    eq(bad, [], "violations the schema let through")
    # the script, as vsbench.py and a shell use it
    w = World()
    good = os.path.join(w.dir, "good.json")
    wrong = os.path.join(w.dir, "wrong.json")
    with open(good, "w") as out:
        json.dump(doc, out)
    doc["files"][0]["status"] = "fine"
    with open(wrong, "w") as out:
        json.dump(doc, out)
    script = [sys.executable, os.path.join(HERE, "validate_json.py")]
    p = subprocess.run(script + [good], stderr=subprocess.PIPE)
    eq((p.returncode, p.stderr), (0, b""), "valid file")
    p = subprocess.run(script + [wrong], stderr=subprocess.PIPE)
    eq(p.returncode, 1, "invalid file")
    check(b"files/0/status: 'fine' is not one of" in p.stderr, p.stderr)
    log = os.path.join(w.dir, "console.log")
    with open(log, "w") as out:
        out.write("[ 1.0] kernel line\r\n" + json.dumps(
            good_doc(), separators=(",", ":")) + "\r\nVS-RESULT PASS x y\n")
    p = subprocess.run(script + ["--scan", log], stderr=subprocess.PIPE)
    eq((p.returncode, p.stderr), (0, b""), "console log")
    with open(log, "a") as out:
        out.write(json.dumps(doc, separators=(",", ":")) + "\n")
    p = subprocess.run(script + ["--scan", log], stderr=subprocess.PIPE)
    eq(p.returncode, 1, "console log with a bad document")
    check(b"console.log:4: files/0/status" in p.stderr, p.stderr)


@test
def interrupted_file_has_one_status_in_text_json_and_exit():
    for args, attrs in (([], ["slowms=400"]),
                        (["--no-module"], ["real", "slowms=400"])):
        for json_ in (True, False):
            w = World()
            f = w.file("slow", 256 * BS, *attrs)
            p = start_slow(w, *(["--json"] if json_ else []), *args, f)
            # during the second slow call
            wait_for(w, p, (lambda c: ["pread", str(16 * BS), str(16 * BS)]
                            in c) if args else slow_at(f, 16 * BS))
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=10)
            eq(p.returncode, 32, f"{args} json={json_}: exit")
            if json_:
                doc = parse_json(out)
                fj = doc["files"][0]
                eq((fj["status"], fj.get("error"), fj["interrupted"]),
                   ("interrupted", None, True), f"{args}: JSON status")
                s = doc["summary"]
                eq((s["files"], s["errors"], s["interrupted_files"]),
                   (1, 0, 1), f"{args}: summary")
                eq(fj["resume_offset"], 16 * BS, "resume offset")
                if args:    # pread stops between reads of 16 blocks
                    eq(fj["resume_offset"] % (16 * BS), 0, "at a read")
                    eq(fj["bytes_verified"], fj["resume_offset"], "verified")
                    eq(fj["descriptor_unchecked_reason"], "interrupted",
                       "not checked")
            else:
                lines = out.decode().splitlines()
                check(re.fullmatch(rf"{re.escape(f)}: INTERRUPTED \(interrupted"
                                   r" at offset \d+\)", lines[0]), lines[0])
                eq(lines[1 if not args else 2], "Scrub summary: 1 files: "
                   "0 ok, 0 bad, 0 errors, 1 interrupted; 0 skipped",
                   f"{args}: summary")


@test
def long_paths_are_never_cut():
    w = World()
    deep = os.path.join(w.dir.encode(), *[b"\x01" * 200] * 6)
    os.makedirs(deep)
    path = os.path.join(deep, b"f")
    with open(path, "wb") as out:
        out.write(b"\0" * BS)
    w.spec.append(f"file {os.stat(path).st_ino}")
    with open(os.path.join(deep, b"plain"), "wb") as out:
        out.write(b"x")
    esc = path.replace(b"\x01", b"\\x01")
    check(len(esc) > 4800, "longer than any fixed buffer")
    p = w.run(path)
    line = p.stdout.split(b"\n")[0]
    check((p.returncode, line) == (0, esc + b": OK"),
          f"text: exit {p.returncode}, {len(line)} bytes ending "
          f"{line[-24:]!r}, want {len(esc) + 4} bytes")
    p = w.run("-v", "-r", deep)
    check(esc[:-1] + b"plain: skipped (not an fs-verity file)\n" in p.stdout,
          "skipped line")
    missing = os.path.join(deep, b"missing")
    p = w.run("--json", missing)
    eq(p.stderr.decode(), "verify-file: " + missing.replace(
        b"\x01", b"\\x01").decode() + ": cannot open: No such file or "
       "directory\n", "stderr")


@test
def method_and_read_path_only_for_files_read():
    w = World()
    f = w.file("f", 2 * BS)
    eio = w.file("eio", 2 * BS)
    w.spec.append(f"patherr open 5 {eio}")
    d = os.path.join(w.dir, "d")
    os.mkdir(d)
    plain = w.plain("plain")
    rc, doc = w.json(f, eio, d, plain, "/nonexistent")
    eq(rc, 2 | 8, "exit")
    got = [(x["path"], x.get("method"), x.get("read_path"),
            x.get("descriptor_checked")) for x in doc["files"]]
    eq(got, [(f, "module", "direct", True), (eio, None, None, None),
             (d, None, None, None), (plain, None, None, None),
             ("/nonexistent", None, None, None)], "fields")
    rc, doc = w.json("--no-module", eio, plain)
    eq([(x.get("method"), x.get("read_path")) for x in doc["files"]],
       [(None, None), (None, None)], "--no-module")


@test
def cached_good_per_range_json_exact():
    w = World()
    f = w.file("f", 16 * BS, bad=[
        (BS, BS, "hash_mismatch", "cached"),
        (2 * BS, BS, "hash_mismatch", "cached"),   # merged: both cached
        (3 * BS, BS, "hash_mismatch"),             # not cached: its own range
        (8 * BS, BS, "io_error", "medium", "cached"),
        (9 * BS, BS, "tree_corrupt", "none", 0, "cached"),
        (12 * BS, BS, "transient", "cached"),      # never flagged
    ])
    rc, doc = w.json(f)
    eq(rc, 1 | 2 | 4, "exit")
    eq(doc["files"][0]["ranges"], [
        {"offset": BS, "length": 2 * BS, "kind": "hash_mismatch",
         "cached_good": True},
        {"offset": 3 * BS, "length": BS, "kind": "hash_mismatch",
         "cached_good": False},
        {"offset": 8 * BS, "length": BS, "kind": "io_error",
         "detail": "medium", "cached_good": True},
        {"offset": 9 * BS, "length": BS, "kind": "tree_corrupt",
         "tree_level": 0, "cached_good": True},
        {"offset": 12 * BS, "length": BS, "kind": "transient",
         "cached_good": False},
    ], "ranges")
    eq(validate_json.problems(doc), [], "valid against the schema")
    # one range per call, resumed: the library merges only equal flags
    w.spec += ["cap 1"]
    rc2, resumed = w.json(f)
    eq(resumed["files"][0]["ranges"], doc["files"][0]["ranges"], "resumed")


@test
def cached_good_text_says_repair_now_only_when_all_cached():
    w = World()
    allc = w.file("allc", 8 * BS, bad=[
        (BS, BS, "hash_mismatch", "cached"),
        (5 * BS, BS, "io_error", "medium", "cached"),
        (6 * BS, BS, "transient")])
    some = w.file("some", 8 * BS, bad=[
        (BS, BS, "hash_mismatch", "cached"), (5 * BS, BS, "hash_mismatch")])
    none = w.file("none", 8 * BS, bad=[(BS, BS, "hash_mismatch")])
    p = w.run(allc, some, none)
    eq(p.returncode, 1 | 2 | 4, "exit")
    lines = p.stdout.decode().splitlines()
    eq(lines[:5], [
        f"{allc}: BAD: hash_mismatch at offset 4096 length 4096; io_error "
        "(medium) at offset 20480 length 4096; recovered: transient at "
        "offset 24576 length 4096",
        f"{allc}: every bad block is still in the page cache, verified: "
        f"repair it now, from the cache, with 'verify-file --repair {allc}'",
        f"{some}: BAD: hash_mismatch at offset 4096 length 4096; "
        "hash_mismatch at offset 20480 length 4096",
        f"{none}: BAD: hash_mismatch at offset 4096 length 4096",
        "Scrub summary: 3 files: 0 ok, 3 bad, 0 errors; 0 skipped"],
       "lines")
    q = w.run("-q", allc).stdout.decode().splitlines()
    eq(q, lines[:2], "quiet keeps it")
    r = w.run("--range", "0:8K", allc).stdout.decode().splitlines()
    eq(r[0], f"{allc}: BAD: hash_mismatch at offset 4096 length 4096",
       "--range line")
    check("page cache" not in r[1], "not claimed for a partial scrub")


finish()
