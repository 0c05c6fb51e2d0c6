#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""verify-file --repair-from on the host, against the fake device.

The fake (tests/fake_sys.c) gives a damaged file the descriptor, Merkle
tree and digest that libfsverity computes for its good copy ("real=");
its bad blocks fail to read, as through fs-verity.  FS_IOC_ENABLE_VERITY
makes the new file a good fake fs-verity file, so the second scrub of a
repaired file is clean.  Every test prints PASS or FAIL once.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from harness import (Failed, FakeWorld, check, eq, finish, report,  # noqa: E402,F401
                     run_checked, test)
import validate_json  # noqa: E402  (the schema check of every document)

BIN = sys.argv[1] if len(sys.argv) > 1 else ".obj/bin"
FAKE = os.path.join(BIN, "verify-file-fake")
BS = 4096
SIZE = 10 * BS + 1000


def content(size, seed=0):
    return bytes((i * 7 + seed + i // 4096) % 251 for i in range(size))


def flip(data, offsets):
    b = bytearray(data)
    for o in offsets:
        b[o] ^= 0x5a
    return bytes(b)


class World(FakeWorld):
    def __init__(self):
        super().__init__("vf-repair-")

    def write(self, name, data, mode=0o644):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return p

    def damaged(self, name, good, blocks, *attrs, kind="hash_mismatch",
                size=SIZE, bs=BS, cached=(), cache_bytes=None):
        """A verity file whose good copy is @good, bad in @blocks; a
        verified copy of the @cached ones is in the page cache: the file's
        bytes there are @cache_bytes (default: the good ones) while the
        fake's reads through fs-verity fail."""
        ref = self.write(".good/" + name, good)
        offs = [b * bs + 11 for b in blocks if b not in cached]
        data = flip(good, offs)
        if cache_bytes is not None:
            data = cache_bytes
        p = self.write(name, data, 0o640)
        os.setxattr(p, "user.vs", b"kept")
        os.utime(p, ns=(1_000_000_000_123, 1_100_000_000_456_789))
        ino = os.stat(p).st_ino
        self.spec.append(" ".join(["file", str(ino), "real=" + ref,
                                   f"bs={bs}"] + list(attrs)))
        for b in blocks:
            ln = min(bs, size - b * bs)
            self.spec.append(f"bad {ino} {b * bs} {ln} {kind}" +
                             (" cached" if b in cached else ""))
        return p

    def damaged_with_copy(self, name, blocks, *attrs, **kw):
        """damaged() of content(SIZE), and its good copy as copy/f:
        (good bytes, damaged file, copy)."""
        good = content(SIZE)
        f = self.damaged(name, good, blocks, *attrs, **kw)
        return good, f, self.write("copy/f", good)

    def run(self, *args):
        return run_checked([FAKE, *args], self.fake_env())

    def run_binary(self, binary, *args):
        """Run another program of the build (the example tool) in it."""
        global FAKE
        saved, FAKE = FAKE, binary
        try:
            return self.run(*args)
        finally:
            FAKE = saved

    def json(self, *args):
        p = self.run("--json", *args)
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            raise Failed(f"not JSON ({e}): {p.stdout!r} {p.stderr!r}")
        probs = validate_json.problems(doc)
        if probs:
            raise Failed("JSON schema: " + "; ".join(probs[:5]))
        return p.returncode, doc

    def calls(self, what):
        try:
            with open(self.log) as f:
                return [l.split() for l in f if l.startswith(what)]
        except FileNotFoundError:
            return []

    def listing(self, sub=""):
        return sorted(os.listdir(os.path.join(self.dir, sub)))


def snapshot(path):
    """The original before a run: its stat and its bytes, for unchanged()."""
    with open(path, "rb") as f:
        return os.stat(path), f.read()


def unchanged(path, st, data):
    """The original is as it was: same inode, same bytes."""
    eq(os.stat(path).st_ino, st.st_ino, "same inode")
    with open(path, "rb") as f:
        eq(f.read() == data, True, "same bytes")


def repair_of(doc):
    eq(len(doc["files"]), 1, "one file")
    return doc["files"][0]["repair"]


@test
def good_source_repairs_two_blocks():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2, 7])
    st = os.stat(f)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 64, "exit: damage found and all repaired")
    fj = doc["files"][0]
    eq(fj["status"], "bad", "the scrub found it bad")
    eq([(r["offset"], r["kind"]) for r in fj["ranges"]],
       [(2 * BS, "hash_mismatch"), (7 * BS, "hash_mismatch")], "ranges")
    r = fj["repair"]
    eq(r["status"], "repaired", "status")
    eq(r["blocks"], 2, "blocks")
    eq(r["replaced"], True, "replaced")
    eq(r["sources"], [{"source": src, "bytes": 8192, "rejected_blocks": 0}],
       "sources")
    eq(r["expected_digest"], fj["digest"], "expected is the kernel's")
    eq(r["new_scrub"], {"complete": True, "bytes_verified": SIZE,
                        "ranges": []}, "new scrub")
    eq((doc["summary"]["repaired"], doc["summary"]["not_repaired"]), (1, 0),
       "summary")
    nst = os.stat(f)
    check(nst.st_ino != st.st_ino, "a new inode")
    eq((oct(nst.st_mode), nst.st_uid, nst.st_gid, nst.st_mtime_ns),
       (oct(st.st_mode), st.st_uid, st.st_gid, 1_100_000_000_456_789),
       "mode, owner, mtime")
    eq(os.getxattr(f, "user.vs"), b"kept", "xattr")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")
    eq(w.listing("d"), ["f"], "no temp file left")
    eq(w.calls("enable"), [["enable", "1", "4096", "0"]], "enable call")
    # the first scrub, then the scrub of the new file
    eq(len(w.calls("scrub")), 2, "scrubbed twice")


@test
def repaired_text_report():
    w = World()
    good, f, src = w.damaged_with_copy("f", [2, 7])
    p = w.run("--repair-from", src, f)
    eq(p.returncode, 64, "exit")
    lines = p.stdout.decode().splitlines()
    eq(lines[0], f"{f}: BAD: hash_mismatch at offset 8192 length 4096; "
       "hash_mismatch at offset 28672 length 4096", "scrub line")
    eq(lines[1], f"{f}: REPAIRED: 2 blocks, 8192 bytes from {src}; the new "
       f"file scrubs clean from disk ({SIZE} bytes verified)", "repair line")
    eq(lines[-1], "Repair summary: 1 repaired, 0 not repaired", "summary")


@test
def wrong_byte_in_needed_block_refused():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7])
    src = w.write("copy/f", flip(good, [7 * BS + 4000]))
    st, before = snapshot(f)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 1, "exit: corruption still there, nothing repaired")
    r = repair_of(doc)
    eq(r["status"], "not_repaired", "status")
    eq(r["reason"], "no source has a copy of the block at offset 28672 that "
       "matches the file's Merkle tree", "reason")
    eq(r["replaced"], False, "replaced")
    eq(r["sources"], [{"source": src, "bytes": 4096, "rejected_blocks": 1,
                       "first_rejected_offset": 28672}], "sources")
    check("new_scrub" not in r, "no second scrub")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f"], "nothing left beside it")
    eq(w.calls("enable"), [], "no enable")
    p = w.run("--repair-from", src, f)
    eq(p.stdout.decode().splitlines()[1],
       f"{f}: NOT REPAIRED: no source has a copy of the block at offset "
       f"28672 that matches the file's Merkle tree; {src}: 1 blocks "
       "rejected, the first at offset 28672", "text")


@test
def source_wrong_only_in_unneeded_blocks_repairs():
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2, 7], kind="io_error")
    src = w.write("copy/f", flip(good, [0, 5 * BS, SIZE - 1]))
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 64, "exit")
    r = repair_of(doc)
    eq((r["status"], r["sources"][0]["bytes"]), ("repaired", 8192), "repair")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")


@test
def two_sources_each_good_for_one_block():
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2, 7])
    a = w.write("a/f", flip(good, [7 * BS + 1]))
    b = w.write("b/f", flip(good, [2 * BS + 1]))
    rc, doc = w.json("--repair-from", a, "--repair-from", b, f)
    eq(rc, 64, "exit")
    r = repair_of(doc)
    eq(r["status"], "repaired", "status")
    eq(r["sources"], [{"source": a, "bytes": 4096, "rejected_blocks": 1,
                       "first_rejected_offset": 7 * BS},
                      {"source": b, "bytes": 4096, "rejected_blocks": 0}],
       "sources")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")


@test
def dry_run_writes_nothing():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2, 7])
    st, before = snapshot(f)
    rc, doc = w.json("--repair-dry-run", "--repair-from", src, f)
    eq(rc, 1, "exit: the damage is still there")
    r = repair_of(doc)
    eq((r["status"], r["dry_run"], r["replaced"], r["sources"][0]["bytes"]),
       ("repairable", True, False, 8192), "repair")
    eq(doc["summary"]["repairable"], 1, "summary")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f"], "nothing written")
    eq(w.calls("enable"), [], "no enable")
    p = w.run("--repair-dry-run", "--repair-from", src, f)
    eq(p.stdout.decode().splitlines()[1],
       f"{f}: REPAIRABLE (dry run, nothing written): 2 blocks, 8192 bytes "
       f"from {src}", "text")


@test
def hard_link_refused():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7])
    os.link(f, w.path("d/g"))
    src = w.write("copy/f", good)
    st, before = snapshot(f)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 1, "exit")
    r = repair_of(doc)
    eq((r["status"], r["replaced"]), ("not_repaired", False), "status")
    eq(r["reason"], "the file has 2 hard links: replacing it would split "
       "them; nothing written", "reason")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f", "g"], "nothing written")
    eq(w.calls("enable"), [], "no enable")


@test
def signed_file_keeps_its_signature():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2], "signed")
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 64, "exit: repaired")
    eq(repair_of(doc)["status"], "repaired", "status")
    # the fake's signature of a signed file is the 5 bytes "0\x82sig"
    eq(w.calls("enable"), [["enable", "1", "4096", "0"],
                           ["enable_sig", "5", "3082736967"]],
       "the signature given to FS_IOC_ENABLE_VERITY")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")
    eq(w.listing("d"), ["f"], "no temp file left")


@test
def inode_flags_carried_over():
    w = World()
    good = content(SIZE)
    # NODUMP | NOATIME | EXTENTS | VERITY on the original
    f = w.damaged("d/f", good, [2], "flags=0x1800c0")
    src = w.write("copy/f", good)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 64, "exit")
    ino = os.stat(f).st_ino
    # the new file had EXTENTS (the fake's default); NODUMP, NOATIME added
    eq(w.calls("setflags"), [["setflags", str(ino), "0x800c0", "verity=0"]],
       "one FS_IOC_SETFLAGS of the new file, before enable")


@test
def immutable_file_refused():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2], "flags=0x100010")
    st, before = snapshot(f)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 1, "exit")
    r = repair_of(doc)
    eq(r["reason"], "the file is immutable or append-only: it cannot be "
       "replaced; nothing written", "reason")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f"], "nothing written")
    eq((w.calls("enable"), w.calls("setflags")), ([], []), "no calls")


@test
def enable_failure_leaves_original():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2])
    w.spec.append("enable_errno 28")
    st, before = snapshot(f)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 9, "exit: damage left (1) and the new file could not be written (8)")
    r = repair_of(doc)
    eq(r["reason"], "enable-verity failed: No space left on device; nothing "
       "replaced", "reason")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f"], "no temp file left")


@test
def recursive_with_directory_source():
    w = World()
    good = content(SIZE)
    x = w.damaged("root/a/x", good, [3])
    y = w.damaged("root/b/y", content(SIZE, 5), [4])
    w.write("mirror/a/x", good)     # no copy of b/y in the mirror
    mirror = w.path("mirror")
    rc, doc = w.json("-r", "--repair-from", mirror, w.path("root"))
    eq(rc, 65, "exit: one repaired, one not")
    eq([fj["path"] for fj in doc["files"]], [x, y], "files")
    rx, ry = doc["files"][0]["repair"], doc["files"][1]["repair"]
    eq((rx["status"], rx["sources"][0]["source"], rx["sources"][0]["bytes"]),
       ("repaired", os.path.join(mirror, "a/x"), 4096), "x")
    eq((ry["status"], ry["sources"][0]["error"]),
       ("not_repaired", "No such file or directory"), "y")
    eq(ry["reason"], "no source has a copy of the block at offset 16384 "
       "that matches the file's Merkle tree", "y reason")
    eq((doc["summary"]["repaired"], doc["summary"]["not_repaired"]), (1, 1),
       "summary")


@test
def sha512_salt_and_1k_blocks():
    w = World()
    size = 300 * 1024 + 77
    good = content(size)
    f = w.damaged("f", good, [0, 150, 300], "alg=sha512", "salt=0a0b0c",
                  size=size, bs=1024)
    src = w.write("copy/f", good)
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 64, "exit")
    r = repair_of(doc)
    eq((r["status"], r["blocks"], r["sources"][0]["bytes"]),
       ("repaired", 3, 2 * 1024 + 77), "repair")
    eq(w.calls("enable"), [["enable", "2", "1024", "3"]], "same parameters")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")


@test
def clean_file_untouched_exit_0():
    w = World()
    good, f, src = w.damaged_with_copy("f", [])
    rc, doc = w.json("--repair-from", src, f)
    eq(rc, 0, "exit")
    check("repair" not in doc["files"][0], "no repair for a clean file")
    eq(w.calls("enable"), [], "no enable")


@test
def repair_usage_errors():
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2])
    g = w.damaged("g", good, [2])
    src = w.write("copy/f", good)
    for args in (["--repair-from", src, f, g],
                 ["-r", "--repair-from", src, w.dir],
                 ["--repair-dry-run", f],
                 ["--repair-from", src, "--no-module", f],
                 ["--repair-from", w.path("missing"), f]):
        p = w.run(*args)
        eq(p.returncode, 16, f"exit of {args}")
        eq(p.stdout, b"", f"stdout of {args}")
    eq(w.calls("scrub"), [], "nothing scrubbed")


def digest_hex(w, f):
    """The file's digest as the fake kernel holds it (a plain scrub)."""
    rc, doc = w.json(f)
    eq(rc, 1, "the damaged file scrubs bad")
    alg, hexd = doc["files"][0]["digest"].split(":")
    return hexd


@test
def store_composefs_layout_found_by_digest():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7])
    hexd = digest_hex(w, f)
    store = w.path("store")
    obj = w.write(f"store/{hexd[:2]}/{hexd[2:]}", good)
    w.write("store/" + hexd, flip(good, [2 * BS]))     # never looked at
    rc, doc = w.json("--repair-store", store, f)
    eq(rc, 64, "exit: repaired")
    r = repair_of(doc)
    eq(r["status"], "repaired", "status")
    eq(r["sources"], [{"source": obj, "store": store, "bytes": 8192,
                       "rejected_blocks": 0}], "sources: the object used")
    eq(doc["options"]["repair_store"], [store], "options")
    check("repair_from" not in doc["options"], "no --repair-from")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")
    f2 = w.damaged("e/f", good, [7])
    p = w.run("--repair-store", store, f2)
    eq(p.returncode, 64, "text exit")
    eq(p.stdout.decode().splitlines()[1],
       f"{f2}: REPAIRED: 1 blocks, 4096 bytes from {obj} (store {store}); "
       f"the new file scrubs clean from disk ({SIZE} bytes verified)",
       "text")


@test
def store_flat_name_mixed_with_repair_from_in_order():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7])
    hexd = digest_hex(w, f)
    store = w.path("flat")
    obj = w.write("flat/" + hexd, flip(good, [7 * BS + 9]))
    src = w.write("copy/f", good)
    rc, doc = w.json("--repair-store", store, "--repair-from", src, f)
    eq(rc, 64, "exit")
    r = repair_of(doc)
    eq(r["sources"], [{"source": obj, "store": store, "bytes": 4096,
                       "rejected_blocks": 1, "first_rejected_offset": 7 * BS},
                      {"source": src, "bytes": 4096, "rejected_blocks": 0}],
       "store first, then the copy, as on the command line")
    eq((doc["options"]["repair_from"], doc["options"]["repair_store"]),
       ([src], [store]), "options")


@test
def store_without_the_object():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2])
    hexd = digest_hex(w, f)
    store = w.path("store")
    os.makedirs(store)
    w.write("store/00/" + hexd[2:], good)         # another digest's object
    st, before = snapshot(f)
    rc, doc = w.json("--repair-store", store, f)
    eq(rc, 1, "exit: not repaired")
    r = repair_of(doc)
    eq(r["sources"], [{"source": f"{store}/{hexd[:2]}/{hexd[2:]}",
                       "store": store, "bytes": 0, "rejected_blocks": 1,
                       "first_rejected_offset": 2 * BS,
                       "error": "No such file or directory"}], "sources")
    eq(r["reason"], "no source has a copy of the block at offset 8192 that "
       "matches the file's Merkle tree", "reason")
    unchanged(f, st, before)
    p = w.run("--repair-store", store, f)
    eq(p.stdout.decode().splitlines()[1],
       f"{f}: NOT REPAIRED: no source has a copy of the block at offset "
       f"8192 that matches the file's Merkle tree; {store}: no object "
       f"{hexd[:2]}/{hexd[2:]} or {hexd}", "text")


@test
def store_looked_up_by_expect_digest():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2])
    hexd = digest_hex(w, f)
    obj = w.write(f"store/{hexd[:2]}/{hexd[2:]}", good)
    rc, doc = w.json("--expect-digest", "sha256:" + hexd,
                     "--repair-store", w.path("store"), f)
    eq(rc, 64, "exit")
    eq(repair_of(doc)["sources"][0]["source"], obj, "object")
    # a wrong expected digest names another object: not found, refused
    f2 = w.damaged("e/f", good, [2])
    other = "11" * 32
    rc, doc = w.json("--expect-digest", "sha256:" + other,
                     "--repair-store", w.path("store"), f2)
    eq(rc & 64, 0, "not repaired")
    eq(repair_of(doc)["sources"][0]["source"],
       w.path(f"store/11/{other[2:]}"), "looked up by --expect-digest")


@test
def store_usage_errors():
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2])
    notdir = w.write("plain", good)
    for args in (["--repair-store", notdir, f],
                 ["--repair-store", w.path("missing"), f],
                 ["--repair-store", w.dir, "--no-module", f]):
        p = w.run(*args)
        eq(p.returncode, 16, f"exit of {args}")
        eq(p.stdout, b"", f"stdout of {args}")
    p = w.run("--repair-store", notdir, f)
    eq(p.stderr.decode(), f"verify-file: --repair-store '{notdir}': not a "
       "directory\n", "message")
    eq(w.calls("scrub"), [], "nothing scrubbed")
    rc, doc = w.json("--repair-dry-run", "--repair-store", w.dir, f)
    eq(rc, 1, "a dry run with only a store is allowed")


def other_fs_dir(than):
    """A writable directory on another filesystem than @than."""
    dev = os.stat(than).st_dev
    for d in ("/dev/shm", "/run/user/%d" % os.getuid(), "/run", "/tmp"):
        try:
            if os.stat(d).st_dev != dev and os.access(d, os.W_OK):
                return tempfile.mkdtemp(prefix="vf-q-", dir=d)
        except OSError:
            pass
    raise Failed("no writable directory on another filesystem than "
                 + than)


@test
def quarantine_keeps_the_damaged_original():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2, 7])
    q = w.path("q")
    os.makedirs(q)
    st, before = snapshot(f)
    rc, doc = w.json("--quarantine", q, "--repair-from", src, f)
    eq(rc, 64, "exit")
    r = repair_of(doc)
    kept = os.path.join(q, f"f.{st.st_ino}")
    eq((r["status"], r["quarantine"]), ("repaired", kept), "repair")
    eq(doc["options"]["quarantine"], q, "options")
    unchanged(kept, st, before)
    eq(os.stat(kept).st_nlink, 1, "one link: the path's was dropped")
    check(os.stat(f).st_ino != st.st_ino, "the path has the new file")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")
    eq(w.listing("d"), ["f"], "no temp file left")
    eq(w.listing("q"), [f"f.{st.st_ino}"], "quarantine")


@test
def quarantine_name_never_collides_and_text():
    w = World()
    good, f, src = w.damaged_with_copy("f", [2])
    q = w.path("q")
    ino = os.stat(f).st_ino
    w.write(f"q/f.{ino}", b"someone else's")
    w.write(f"q/f.{ino}.1", b"and another")
    p = w.run("--quarantine", q, "--repair-from", src, f)
    eq(p.returncode, 64, "exit")
    kept = os.path.join(q, f"f.{ino}.2")
    eq(p.stdout.decode().splitlines()[1],
       f"{f}: REPAIRED: 1 blocks, 4096 bytes from {src}; the new file scrubs "
       f"clean from disk ({SIZE} bytes verified); the damaged original is "
       f"kept as {kept}", "text")
    eq(os.stat(kept).st_ino, ino, "the original")
    with open(os.path.join(q, f"f.{ino}"), "rb") as fh:
        eq(fh.read(), b"someone else's", "not overwritten")


@test
def quarantine_link_removed_when_the_rename_fails():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2])
    q = w.path("q")
    os.makedirs(q)
    w.spec.append("rename_errno 5")
    st, before = snapshot(f)
    rc, doc = w.json("--quarantine", q, "--repair-from", src, f)
    eq(rc, 9, "exit: not repaired (1), the rename failed (8)")
    r = repair_of(doc)
    eq(r["reason"], "rename failed: Input/output error; nothing replaced",
       "reason")
    check("quarantine" not in r, "nothing kept")
    unchanged(f, st, before)
    eq(os.stat(f).st_nlink, 1, "the link was removed")
    eq(w.listing("q"), [], "quarantine empty")
    eq(w.listing("d"), ["f"], "no temp file left")


@test
def quarantine_dry_run_links_nothing():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2])
    q = w.path("q")
    os.makedirs(q)
    rc, doc = w.json("--repair-dry-run", "--quarantine", q,
                     "--repair-from", src, f)
    eq(rc, 1, "exit")
    check("quarantine" not in repair_of(doc), "no quarantine")
    eq(w.listing("q"), [], "nothing linked")


@test
def quarantine_errors_before_anything_is_written():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2])
    plain = w.write("plain", b"x")
    other = other_fs_dir(w.dir)
    try:
        cases = [
            ([plain], f"verify-file: --quarantine '{plain}': not a "
             "directory\n"),
            ([w.path("missing")], f"verify-file: --quarantine "
             f"'{w.path('missing')}': No such file or directory\n"),
            ([other], f"verify-file: --quarantine '{other}' is on another "
             f"filesystem than '{f}': the original is kept by a hard "
             "link\n"),
        ]
        for q, msg in cases:
            st = os.stat(f)
            p = w.run("--quarantine", q[0], "--repair-from", src, f)
            eq(p.returncode, 8, f"exit of {q}")
            eq(p.stdout, b"", f"stdout of {q}")
            eq(p.stderr.decode(), msg, f"message of {q}")
            eq(os.stat(f).st_ino, st.st_ino, "same inode")
            eq(os.listdir(other), [], "nothing in the other fs")
        eq(w.calls("scrub"), [], "nothing scrubbed")
        p = w.run("--quarantine", w.dir, f)
        eq(p.returncode, 16, "--quarantine without a source")
        eq(p.stderr.decode(), "verify-file: --quarantine needs "
           "--repair, --repair-from or --repair-store\n", "usage message")
    finally:
        os.rmdir(other)


@test
def quarantine_not_writable():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2])
    q = w.path("q")
    os.makedirs(q)
    os.chmod(q, 0o555)
    os.chmod(w.dir, 0o755)
    for sub in ("d", "copy"):
        os.chmod(w.path(sub), 0o755)
    os.chmod(f, 0o644)
    pre = []
    if os.getuid() == 0:    # root passes access(2): run it as nobody
        pre = ["setpriv", "--reuid=65534", "--regid=65534",
               "--clear-groups", "--"]
    with open(os.path.join(w.dir, ".spec"), "w") as fh:
        fh.write("\n".join(w.spec) + "\n")
    os.chmod(os.path.join(w.dir, ".spec"), 0o644)
    env = dict(os.environ, VF_FAKE_SPEC=os.path.join(w.dir, ".spec"))
    p = subprocess.run(pre + [os.path.abspath(FAKE), "--quarantine", q,
                              "--repair-from", src, f],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30, env=env)
    eq(p.returncode, 8, "exit")
    eq(p.stderr.decode(), f"verify-file: --quarantine '{q}': not writable: "
       "Permission denied\n", "message")
    eq(p.stdout, b"", "stdout")


@test
def example_tool_repairs_through_a_callback_source():
    w = World()
    good, f, src = w.damaged_with_copy("d/f", [2, 7])
    ex = os.path.join(BIN, "scrub-example-fake")
    p = w.run_binary(ex, "--repair-from", src, f)
    eq(p.returncode, 4, "exit: repaired")
    eq(p.stdout.decode(), f"{f} 8192 4096 hash_mismatch\n"
       f"{f} 28672 4096 hash_mismatch\n"
       f"{f}: {SIZE - 8192} bytes verified, 2 bad ranges\n"
       f"{f}: repair replaced: 2 blocks, 8192 bytes from the copy\n"
       f"{f}: {SIZE} bytes verified, 0 bad ranges\n", "output")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")
    eq(w.calls("enable"), [["enable", "1", "4096", "0"]], "enable call")
    eq(w.listing("d"), ["f"], "no temp file left")


@test
def example_tool_refuses_a_wrong_copy():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7])
    src = w.write("copy/f", flip(good, [7 * BS + 5]))
    st, before = snapshot(f)
    ex = os.path.join(BIN, "scrub-example-fake")
    p = w.run_binary(ex, "--repair-from", src, f)
    eq(p.returncode, 1, "exit: not repaired")
    eq(p.stdout.decode().splitlines()[-1],
       f"{f}: repair no_source: 2 blocks, 4096 bytes from the copy",
       "output")
    unchanged(f, st, before)
    eq(w.calls("enable"), [], "no enable")


# ---- the page cache as a source (--repair, --repair-from-cache) ----------

@test
def repair_from_the_page_cache_alone():
    """Both bad blocks cached: --repair with no copy at all."""
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7], cached=(2, 7))
    rc, doc = w.json("--repair", f)
    eq(rc, 64, "exit: damage found and all repaired")
    fj = doc["files"][0]
    eq([(r["offset"], r["cached_good"]) for r in fj["ranges"]],
       [(2 * BS, True), (7 * BS, True)], "ranges, both cached")
    r = fj["repair"]
    eq((r["status"], r["blocks"], r["replaced"]), ("repaired", 2, True),
       "repaired")
    eq(r["sources"], [{"source": "page cache", "bytes": 8192,
                       "rejected_blocks": 0}], "sources")
    eq(doc["options"]["repair_from_cache"], True, "options")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")


@test
def repair_from_the_cache_refused_for_an_uncached_range():
    w = World()
    good = content(SIZE)
    f = w.damaged("d/f", good, [2, 7], cached=(2,))
    st, before = snapshot(f)
    rc, doc = w.json("--repair", f)
    eq(rc, 1, "exit: damage left")
    r = repair_of(doc)
    eq((r["status"], r["reason"]), ("not_repaired", "no source has a copy "
       "of the block at offset 28672 that matches the file's Merkle tree"),
       "refused, the uncached block named")
    eq(r["sources"], [{"source": "page cache", "bytes": 4096,
                       "rejected_blocks": 1,
                       "first_rejected_offset": 7 * BS}], "sources")
    unchanged(f, st, before)
    eq(w.listing("d"), ["f"], "nothing left beside it")


@test
def repair_from_the_cache_and_a_copy():
    """Block 2 cached, block 7 from a copy: --repair-from-cache first."""
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2, 7], cached=(2,))
    src = w.write("copy/f", flip(good, [2 * BS + 5]))
    rc, doc = w.json("--repair-from-cache", "--repair-from", src, f)
    eq(rc, 64, "exit")
    eq(repair_of(doc)["sources"],
       [{"source": "page cache", "bytes": 4096, "rejected_blocks": 1,
         "first_rejected_offset": 7 * BS},
        {"source": src, "bytes": 4096, "rejected_blocks": 0}], "sources")
    with open(f, "rb") as fh:
        eq(fh.read() == good, True, "good bytes")


@test
def cached_bytes_are_authenticated_too():
    """A cached copy that does not match its leaf is not written."""
    w = World()
    good = content(SIZE)
    f = w.damaged("f", good, [2], cached=(2,),
                  cache_bytes=flip(good, [2 * BS + 9]))
    st, before = snapshot(f)
    rc, doc = w.json("--repair", f)
    eq(rc, 1, "exit: refused")
    eq(repair_of(doc)["sources"], [{"source": "page cache", "bytes": 0,
                                     "rejected_blocks": 1,
                                     "first_rejected_offset": 2 * BS}],
       "rejected")
    unchanged(f, st, before)


@test
def repair_dry_run_needs_a_repair_option():
    w = World()
    f = w.damaged("f", content(SIZE), [2])
    p = w.run("--repair-dry-run", f)
    eq((p.returncode, p.stderr.decode().strip()), (16, "verify-file: "
       "--repair-dry-run needs --repair, --repair-from or --repair-store"),
       "usage")


finish()
