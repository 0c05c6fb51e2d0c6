#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""verify-file --state, --max-time, --status and the progress, on the host,
against the fake device (tests/fake_sys.c).

Nothing here depends on time: the fake's "clock MS" directive makes
verify-file's clock a fake one that moves MS ms per block scrubbed and is
checked before each block, so a --max-time budget ends at a block the test
computes; "pause INO POS" holds a scrub call until a signal, so a run can
be looked at while it is going; "state_interval 0" saves the state after
every ioctl call, "step N" sets the bytes per call.  Every test prints PASS
or FAIL once.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from harness import (Failed, FakeWorld, check, eq, finish, report,  # noqa: E402,F401
                     run_checked, wait_for, test)
import validate_json  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".obj/bin"
FAKE = os.path.join(BIN, "verify-file-fake")
BS = 4096
BLOCKS = 64                     # per file of the three-file tree
SIZE = BLOCKS * BS
CLOCK_MS = 10                   # fake time per block
MIB = 1 << 20                   # the step of the tests that need one


def checked(doc, status=False):
    probs = (validate_json.status_problems(doc) if status
             else validate_json.problems(doc))
    if probs:
        raise Failed("JSON schema: " + "; ".join(probs[:5]))
    return doc


class World(FakeWorld):
    """A temp dir with files and the spec the fake reads."""

    def __init__(self, *directives):
        super().__init__("vf-state-", directives)
        self.state = os.path.join(self.dir, "state.json")

    def file(self, name, size=SIZE, bad=()):
        return super().file(name, size, bad=bad)

    def run(self, *args, **extra):
        if os.path.exists(self.log):
            os.unlink(self.log)
        return run_checked([FAKE, *args], self.fake_env(**extra))

    def json(self, *args):
        p = self.run("--json", *args)
        try:
            return p.returncode, checked(json.loads(p.stdout)), p.stderr
        except ValueError:
            raise Failed(f"not JSON: {p.stdout!r} {p.stderr!r}")

    def scrubs(self):
        return [(int(c[1]), int(c[2])) for c in self.calls()
                if c[0] == "scrub"]

    def saved(self):
        with open(self.state) as f:
            return json.load(f)


def tree(w):
    """a, b, c: 64 blocks each; b is bad at block 20 and at blocks 35-36,
    across the point (block 36) where a 1 s budget stops."""
    a = w.file("a")
    b = w.file("b", bad=[(20 * BS, BS, "hash_mismatch"),
                         (35 * BS, 2 * BS, "hash_mismatch")])
    c = w.file("c")
    return a, b, c


def ranges_of(doc):
    return [(f["path"], r["offset"], r["length"], r["kind"])
            for f in doc["files"] for r in f["ranges"]]


def merged(ranges):
    """Adjacent ranges of one file and kind merged, as one run reports."""
    out = []
    for r in sorted(ranges):
        if out and out[-1][0] == r[0] and out[-1][3] == r[3] and \
           out[-1][1] + out[-1][2] == r[1]:
            out[-1] = (r[0], out[-1][1], out[-1][2] + r[2], r[3])
        else:
            out.append(r)
    return out


# 100 blocks of 10 ms = the 1 s budget: a (64 blocks) and 36 blocks of b
STOP = (100 - BLOCKS) * BS


@test
def max_time_stops_inside_file_2_and_the_next_run_finishes_it():
    w = World(f"clock {CLOCK_MS}", f"step {MIB}")
    a, b, c = tree(w)
    rc, d1, err = w.json("--state", w.state, "--max-time", "1s", a, b, c)
    eq(rc, 32 | 1, "first run: interrupted, corruption so far")
    eq([(f["path"], f["status"]) for f in d1["files"]],
       [(a, "ok"), (b, "bad")], "files (b: bad before it was interrupted)")
    fb = d1["files"][1]
    eq((fb["interrupted"], fb["resume_offset"]), (True, STOP), "stopped at")
    eq(fb["bytes_read"], STOP, "read up to the stop")
    eq(d1["summary"]["max_time_reached"], True, "budget")
    eq(d1["summary"]["not_scrubbed"], 1, "c not begun")
    eq(w.scrubs(), [(0, MIB), (0, MIB)], "calls of run 1")
    eq(err.decode().splitlines(), [
        "verify-file: time budget (--max-time 1s) reached",
        f"verify-file: state saved to '{w.state}': the next run resumes "
        f"at {b} offset {STOP}"], "stderr")
    s = w.saved()
    eq((s["format"], s["version"], s["run"]["state"], s["pass"]["complete"]),
       ("verify-file-state", 1, "max_time", False), "state header")
    eq(s["done_until"], {"root": 1, "path": b}, "done until b")
    eq([(x["path"], x["offset"]) for x in s["current"]], [(b, STOP)],
       "current")
    eq(s["progress"], {"files_total": 3, "files_done": 1,
                       "bytes_total": 3 * SIZE, "bytes_done": SIZE + STOP},
       "progress")

    rc, d2, err = w.json("--state", w.state, a, b, c)
    eq(rc, 1, "second run: corruption, complete")
    eq([f["path"] for f in d2["files"]], [b, c], "a is not scrubbed again")
    fb = d2["files"][0]
    eq((fb["resumed_from"], fb["bytes_read"]), (STOP, SIZE - STOP),
       "b: from the saved offset, exactly the remainder")
    eq(d2["files"][1]["bytes_read"], SIZE, "c whole")
    eq(w.scrubs(), [(STOP, STOP + MIB), (0, MIB)], "calls of run 2")
    eq(d2["summary"]["resumed_files"], 1, "resumed files")
    eq(err, b"", "nothing on stderr")

    w2 = World(f"clock {CLOCK_MS}", f"step {MIB}")
    a2, b2, c2 = tree(w2)
    rc, d0, _ = w2.json("--state", w2.state, a2, b2, c2)
    eq(rc, 1, "uninterrupted run")
    name = {a: "a", b: "b", c: "c", a2: "a", b2: "b", c2: "c"}
    norm = lambda rs: [(name[r[0]],) + tuple(r[1:]) for r in rs]
    eq(merged(norm(ranges_of(d1) + ranges_of(d2))), norm(ranges_of(d0)),
       "summed findings of the two runs = one run")
    eq(norm(ranges_of(d0)), [("b", 20 * BS, BS, "hash_mismatch"),
                             ("b", 35 * BS, 2 * BS, "hash_mismatch")],
       "the findings")
    s, s0 = w.saved(), w2.saved()
    strip = lambda st: [(name[f["path"]], f["status"], f["ranges"])
                        for f in st["findings"]]
    eq(strip(s), strip(s0), "the pass's findings in the state")
    eq((s["totals"], s["pass"]["complete"], s["pass"]["runs"],
        s["done_until"], s["current"]),
       (s0["totals"], True, 2, None, []), "pass complete")
    # a complete pass: the next run is a new pass, from the start
    rc, d3, err = w.json("--state", w.state, a, b, c)
    eq([f["path"] for f in d3["files"]], [a, b, c], "new pass")
    eq(w.saved()["pass"]["runs"], 1, "new pass: run 1")


@test
def max_time_with_several_jobs_resumes_every_file_begun():
    w = World(f"clock {CLOCK_MS}", f"step {MIB}")
    a, b, c = tree(w)
    rc, d1, _ = w.json("-j", "2", "--state", w.state, "--max-time", "1",
                       a, b, c)
    eq(rc & 32, 32, "interrupted")
    rc, d2, _ = w.json("-j", "2", "--state", w.state, a, b, c)
    # which run sees b's blocks depends on how the two workers share the
    # budget; the pass sees them all, once
    eq(rc & ~1, 0, "complete")
    s = w.saved()
    eq((s["pass"]["complete"], s["totals"]["ok"], s["totals"]["bad"],
        [(f["path"], f["ranges"]) for f in s["findings"]]),
       (True, 2, 1, [(b, [
           {"offset": 20 * BS, "length": BS, "kind": "hash_mismatch",
            "detail": "none", "level": 0, "cached": False},
           {"offset": 35 * BS, "length": 2 * BS, "kind": "hash_mismatch",
            "detail": "none", "level": 0, "cached": False}])]), "the pass")
    read = {}
    for d in (d1, d2):
        for f in d["files"]:
            read[f["path"]] = read.get(f["path"], 0) + f["bytes_read"]
    eq(read, {a: SIZE, b: SIZE, c: SIZE}, "every byte read once over two runs")
    eq(merged(ranges_of(d1) + ranges_of(d2)),
       [(b, 20 * BS, BS, "hash_mismatch"), (b, 35 * BS, 2 * BS,
                                            "hash_mismatch")], "findings")


@test
def bad_state_files_give_a_warning_and_a_fresh_start():
    w = World(f"clock {CLOCK_MS}", f"step {MIB}")
    a, b, c = tree(w)
    w.run("--state", w.state, "--max-time", "1", a, b, c)
    good = open(w.state, "rb").read()
    other_version = json.loads(good)
    other_version["version"] = 2
    cases = [
        ("truncated", good[:len(good) // 2],
         "is truncated or corrupt (not one JSON object)"),
        ("garbage", b"\x00\xffnot json at all\n",
         "is truncated or corrupt (not one JSON object)"),
        ("empty", b"", "is truncated or corrupt (not one JSON object)"),
        ("other version", json.dumps(other_version).encode(),
         "has format version 2, this verify-file reads version 1"),
        ("wrong type", good.replace(b'"offset":%d' % STOP, b'"offset":"x"'),
         "is corrupt (field 'offset' missing or of the wrong type)"),
    ]
    for what, data, why in cases:
        with open(w.state, "wb") as f:
            f.write(data)
        rc, doc, err = w.json("--state", w.state, a, b, c)
        eq(err.decode(), f"verify-file: warning: state file '{w.state}' "
           f"{why}; starting a new pass\n", f"{what}: warning")
        eq((rc, [f["path"] for f in doc["files"]]), (1, [a, b, c]),
           f"{what}: a fresh start, every file")
        eq(w.scrubs(), [(0, MIB)] * 3, f"{what}: from offset 0")
        eq(w.saved()["pass"]["complete"], True, f"{what}: rewritten")
    # other roots or options: a fresh start too
    w.run("--state", w.state, "--max-time", "1", a, b, c)
    rc, doc, err = w.json("--state", w.state, "--page-cache", a, b, c)
    eq(err.decode(), f"verify-file: warning: state file '{w.state}' was "
       "written for other paths or options; starting a new pass\n",
       "options differ")
    eq(len(doc["files"]), 3, "all scrubbed")
    w.run("--state", w.state, "--max-time", "1", a, b, c)
    rc, doc, err = w.json("--state", w.state, a, c)
    check(b"other paths or options" in err, "roots differ")
    eq([f["path"] for f in doc["files"]], [a, c], "all scrubbed")


STATE = {
    "format": "verify-file-state", "version": 1, "tool_version": "0.1.0",
    "key": {"roots": ["/srv/a"], "options": {}},
    "pass": {"started": 1796140800, "ended": None, "complete": False,
             "runs": 2, "seconds": 100.0, "bytes_scrubbed": 52428800},
    "run": {"started": 1796144400, "updated": 1796144460, "pid": 0,
            "state": "max_time"},
    "progress": {"files_total": 3, "files_done": 1,
                 "bytes_total": 314572800, "bytes_done": 104857600},
    "totals": {"ok": 0, "bad": 1, "errors": 0, "bytes_verified": 67108864},
    "done_until": {"root": 0, "path": "/srv/a/two"},
    "done_after": [],
    "current": [{"root": 0, "path": "/srv/a/two", "offset": 37748736,
                 "position": 37748736, "bytes_verified": 37748736,
                 "bad": True, "ranges": [
                     {"offset": 8192, "length": 4096, "kind": "io_error",
                      "detail": "medium", "level": 0, "cached": True}]}],
    "findings": [{"root": 0, "path": "/srv/a/one", "status": "bad",
                  "ranges": [{"offset": 0, "length": 8192,
                              "kind": "hash_mismatch", "detail": "none",
                              "level": 0},
                             {"offset": 65536, "length": 4096,
                              "kind": "tree_corrupt", "detail": "none",
                              "level": 1}]}],
}


@test
def status_prints_a_saved_state_exactly():
    w = World()
    with open(w.state, "w") as f:
        json.dump(STATE, f)
    p = w.run("--status", "--state", w.state)
    eq((p.returncode, p.stderr), (0, b""), "exit")
    eq(p.stdout.decode(), f"""State file: {w.state}
Pass:       started 2026-12-01 16:00:00 UTC, 2 runs, in progress
Last run:   started 2026-12-01 17:00:00 UTC, stopped at its time budget \
(resumable), saved 2026-12-01 17:01:00 UTC
Progress:   1 of 3 files, 104857600 of 314572800 bytes (33.3%)
Rate:       0.50 MiB/s (524288 bytes/s)
ETA:        0:06:40
Resumes at: /srv/a/two offset 37748736
Files done: 0 ok, 1 bad, 0 errors, 67108864 bytes verified
Findings:   3 bad ranges
  /srv/a/one: hash_mismatch at offset 0 length 8192
  /srv/a/one: tree_corrupt (level 1) at offset 65536 length 4096
  /srv/a/two: io_error (medium) at offset 8192 length 4096 (so far)
""", "text")
    p = w.run("--status", "--state", w.state, "--json")
    eq(p.returncode, 0, "json exit")
    doc = checked(json.loads(p.stdout), status=True)
    eq(doc, {
        "state_file": w.state,
        "pass": {"started": "2026-12-01T16:00:00Z", "ended": None,
                 "complete": False, "runs": 2},
        "run": {"started": "2026-12-01T17:00:00Z",
                "saved": "2026-12-01T17:01:00Z", "pid": 0,
                "state": "max_time", "running": False},
        "progress": {"files_total": 3, "files_done": 1,
                     "bytes_total": 314572800, "bytes_done": 104857600},
        "bytes_per_second": 524288, "eta_seconds": 400,
        "resume": {"path": "/srv/a/two", "offset": 37748736, "ranges": [
            {"offset": 8192, "length": 4096, "kind": "io_error",
             "detail": "medium", "cached_good": True}]},
        "totals": {"ok": 0, "bad": 1, "errors": 0,
                   "bytes_verified": 67108864},
        "findings": [{"path": "/srv/a/one", "status": "bad", "ranges": [
            {"offset": 0, "length": 8192, "kind": "hash_mismatch",
             "cached_good": False},
            {"offset": 65536, "length": 4096, "kind": "tree_corrupt",
             "tree_level": 1, "cached_good": False}]}]}, "json")
    # a complete pass: no ETA, no resume point
    done = json.loads(json.dumps(STATE))
    done["pass"].update(complete=True, ended=1796148000)
    done["run"]["state"] = "finished"
    done.update(done_until=None, current=[])
    with open(w.state, "w") as f:
        json.dump(done, f)
    out = w.run("--status", "--state", w.state).stdout.decode()
    check("complete (ended 2026-12-01 18:00:00 UTC)" in out, out)
    check("ETA" not in out and "Resumes at" not in out, out)
    doc = checked(json.loads(w.run("--status", "--state", w.state,
                                   "--json").stdout), status=True)
    eq((doc["eta_seconds"], doc["resume"]), (None, None), "json complete")


@test
def status_errors_and_usage():
    w = World()
    p = w.run("--status", "--state", w.state)
    eq((p.returncode, p.stdout), (8, b""), "no state file: exit 8")
    eq(p.stderr.decode(), f"verify-file: state file '{w.state}' does not "
       "exist (no run with this --state yet)\n", "message")
    with open(w.state, "w") as f:
        f.write("{")
    p = w.run("--status", "--state", w.state)
    eq(p.returncode, 8, "corrupt: exit 8")
    eq(p.stderr.decode(), f"verify-file: state file '{w.state}' is "
       "truncated or corrupt (not one JSON object)\n", "corrupt message")
    for args, msg in ((["--status"], "--status needs --state FILE"),
                      (["--status", "--state", w.state, "x"],
                       "--status takes no PATH")):
        p = w.run(*args)
        eq(p.returncode, 16, f"{args}: usage")
        eq(p.stderr.decode().splitlines()[0], f"verify-file: {msg}", "msg")
    for bad in ("0", "1x", "", "-5", "5mm", "s", "1.5h", "99999999999d"):
        p = w.run("--max-time", bad, w.dir)
        eq(p.returncode, 16, f"--max-time {bad!r}")
        check(f"invalid --max-time '{bad}'".encode() in p.stderr, p.stderr)


def start(w, *args):
    p = subprocess.Popen([FAKE] + [str(a) for a in args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=w.fake_env())
    return p


@test
def status_while_a_run_is_going_shows_its_progress():
    w = World("step 65536", "state_interval 0")
    a = w.file("a")
    b = w.file("b", bad=[(2 * BS, BS, "hash_mismatch")])
    ino = os.stat(b).st_ino
    # b's calls at blocks 16 and 32 wait: for a go file, then a signal
    w.spec += [f"pause {ino} {16 * BS}", f"pause {ino} {32 * BS}"]
    p = start(w, "--state", w.state, a, b)
    seen = []
    for pos in (16 * BS, 32 * BS):
        wait_for(w, p, lambda c: ["pause", str(ino), str(pos)] in c)
        q = w.run("--status", "--state", w.state, "--json")
        doc = checked(json.loads(q.stdout), status=True)
        eq((doc["run"]["state"], doc["run"]["running"], doc["run"]["pid"]),
           ("running", True, p.pid), f"running at {pos}")
        eq(doc["progress"], {"files_total": 2, "files_done": 1,
                             "bytes_total": 2 * SIZE,
                             "bytes_done": SIZE + pos}, f"progress at {pos}")
        # a periodic save resumes a running file where this run began it
        eq((doc["resume"]["path"], doc["resume"]["offset"]), (b, 0),
           "resume")
        out = w.run("--status", "--state", w.state).stdout.decode()
        check(f"running (pid {p.pid})" in out, out)
        seen.append(re.search(r"^Progress: .*$", out, re.M).group(0))
        if pos == 16 * BS:
            open(f"{w.log}.go.{ino}.{pos}", "w").close()
    eq(seen, [f"Progress:   1 of 2 files, {SIZE + 16 * BS} of {2 * SIZE} "
              "bytes (62.5%)",
              f"Progress:   1 of 2 files, {SIZE + 32 * BS} of {2 * SIZE} "
              "bytes (75.0%)"], "the progress moves")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    eq(p.returncode, 32 | 1, "interrupted")
    doc = checked(json.loads(w.run("--status", "--state", w.state,
                                   "--json").stdout), status=True)
    eq((doc["run"]["state"], doc["run"]["running"]),
       ("interrupted", False), "stopped")
    eq(doc["resume"], {"path": b, "offset": 32 * BS, "ranges": [
        {"offset": 2 * BS, "length": BS, "kind": "hash_mismatch",
         "cached_good": False}]},
       "a clean stop: the cursor, with the ranges so far")


@test
def systemd_status_is_notified():
    w = World("step 65536")
    a = w.file("a")
    w.spec.append(f"pause {os.stat(a).st_ino} {16 * BS}")
    sock_path = os.path.join(w.dir, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(20)     # a guard against a hang
    env = w.fake_env(NOTIFY_SOCKET=sock_path)
    p = subprocess.Popen([FAKE, a], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    try:
        msg = sock.recv(4096).decode()
        check(msg.startswith("STATUS=scrubbing: "), msg)
        check("%" in msg and "MiB/s" in msg, msg)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=10)
        msgs = []
        while True:
            msgs.append(sock.recv(4096).decode())
            if not msgs[-1].startswith("STATUS=scrubbing"):
                break
        eq(msgs[-1], "STATUS=stopped; resumable", "last status")
    finally:
        sock.close()
        if p.poll() is None:
            p.kill()
            p.communicate()
    eq(p.returncode, 32, "exit")


@test
def progress_steps_within_a_file():
    w = World()
    size = 80 << 20
    path = os.path.join(w.dir, "big")
    with open(path, "wb") as f:
        f.write(bytes(range(256)) * (size // 256))
    w.spec.append(f"file {os.stat(path).st_ino}")
    # not watched: one call for the whole file, as before
    eq(w.run(path).returncode, 0, "exit")
    eq(w.scrubs(), [(0, 2**64 - 1)], "no progress: one call")
    # a state file watches: an 80 MiB file in calls of 32 MiB (a quarter
    # is under the floor of two rings of the module's windows)
    eq(w.run("--state", w.state, path).returncode, 0, "exit")
    eq(w.scrubs(), [(0, 32 << 20), (32 << 20, 64 << 20),
                    (64 << 20, 96 << 20)], "calls of a watched run")


def read_metrics(path):
    """{(family, status or kind or ''): value} for the one root of @path."""
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:     # a Python of its own: Debian's package
        sys.path.append("/usr/lib/python3/dist-packages")
        from prometheus_client.parser import text_string_to_metric_families
    with open(path) as f:
        fams = text_string_to_metric_families(f.read())
        return {(x.name, x.labels.get("status", x.labels.get("kind", ""))):
                x.value for fam in fams for x in fam.samples}


@test
def metrics_of_a_pass_resumed_over_two_runs():
    """With --state, run_complete and the last clean run are the pass's:
    the run that finishes a pass is complete (the files an earlier run did
    are not 'not done'), and damage an earlier run found keeps the pass
    from counting as clean."""
    bad20 = [(20 * BS, BS, "hash_mismatch")]
    for where, bad, clean in (("b", bad20, False), ("a", bad20, False),
                              ("b", [], True)):
        w = World(f"clock {CLOCK_MS}", f"step {MIB}")
        for n in "abc":
            w.file("t/" + n, bad=bad if n == where else ())
        root, prom = os.path.join(w.dir, "t"), os.path.join(w.dir, "m.prom")
        args = ("-r", "--state", w.state, "--metrics", prom)
        p = w.run(*args, "--max-time", "1s", root)
        eq(p.returncode, 32 | (1 if bad else 0), f"run 1 (bad={bad})")
        m = read_metrics(prom)
        eq((m[("verity_scrub_run_complete", "")],
            ("verity_scrub_last_clean_run_timestamp_seconds", "") in m),
           (0, False), f"run 1 stopped: not complete, not clean (bad={bad})")
        p = w.run(*args, root)
        eq(p.returncode, 0, f"run 2 finds nothing new ({where} bad={bad})")
        m = read_metrics(prom)
        eq((m[("verity_scrub_run_complete", "")],
            m[("verity_scrub_files", "ok")],
            ("verity_scrub_last_clean_run_timestamp_seconds", "") in m),
           (1, 2, clean), f"run 2 ends the pass: complete, this run's "
           f"files (b's rest, c), clean only if run 1 found nothing "
           f"({where} bad={bad})")


finish()
