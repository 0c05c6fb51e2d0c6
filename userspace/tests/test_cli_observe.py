#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""verify-file --log (journal entries) and --metrics on the host.

Against the fake device (tests/fake_sys.c), which also replaces
sd_journal_sendv(): with $VF_FAKE_JOURNAL set, each entry verify-file sends
is appended to that file, field by field, so the tests read back exactly
what the journal would have received (the real journal is tested in the
systemd guest).  The metrics file is read by a real Prometheus parser,
Debian's python3-prometheus-client.  Every test prints PASS or FAIL once.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from harness import (Failed, FakeWorld, check, eq, finish, report,  # noqa: E402,F401
                     run_checked, wait_for, test)
try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:     # a Python of its own (pyenv, venv): Debian's package
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families

BIN = sys.argv[1] if len(sys.argv) > 1 else ".obj/bin"
FAKE = os.path.join(BIN, "verify-file-fake")
D1 = "sha256:" + "11" * 32
BS = 4096

MSGID = {
    "hash_mismatch": "d266e1c4dd46404aa843de9088741319",
    "tree_corrupt": "36caccdb800642439b9789fbae686c04",
    "io_error": "506fad47e4604ec1b05e9f4b31619784",
    "unknown": "4539a41b3f4d42c69b4a92ba07ded518",
    "transient": "7a76f311cf094df6a64fb89a852da772",
    "summary": "906aee1ce71c4af8a2e48b6b35551a10",
    "repaired": "23685eb25e4b457daa125e397f5f3111",
}
STATUSES = ("ok", "bad", "error", "interrupted", "skipped")
KINDS = ("hash_mismatch", "tree_corrupt", "io_error", "transient", "unknown")
FAMILIES = ("run_start_timestamp_seconds", "run_end_timestamp_seconds",
            "run_duration_seconds", "run_complete", "bytes_verified",
            "files", "bad_blocks", "last_clean_run_timestamp_seconds",
            "exit_status")


class World(FakeWorld):
    """A temp dir with files, the spec the fake reads, its journal file."""

    def __init__(self):
        super().__init__("vf-observe-")
        self.jfile = os.path.join(self.dir, ".journal")

    def env(self, journal=True, **extra):
        env = self.fake_env()
        env.pop("JOURNAL_STREAM", None)
        env.pop("VF_FAKE_JOURNAL", None)
        if journal:
            env["VF_FAKE_JOURNAL"] = self.jfile
        env.update(extra)
        return env

    def run(self, *args, journal=True, stderr=subprocess.PIPE, env=None):
        return run_checked([FAKE, *args], env or self.env(journal),
                           stderr=stderr)

    def entries(self):
        """The journal entries the fake received: a list of {NAME: VALUE}
        (bytes values as str when they are UTF-8), in order."""
        try:
            with open(self.jfile, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return []
        out, cur, i = [], {}, 0
        while i < len(data):
            if data[i:i + 1] == b"\n":
                out.append(cur)
                cur, i = {}, i + 1
                continue
            sp = data.index(b" ", i)
            n = int(data[i:sp])
            field = data[sp + 1:sp + 1 + n]
            eq(data[sp + 1 + n:sp + 2 + n], b"\n", "field terminator")
            i = sp + 2 + n
            name, _, value = field.partition(b"=")
            check(name.decode() not in cur, f"field {name} twice")
            try:
                cur[name.decode()] = value.decode()
            except UnicodeDecodeError:
                cur[name.decode()] = value
        check(not cur, "the last entry is terminated")
        return out


def summary_line(stdout):
    lines = [l for l in stdout.decode().splitlines()
             if l.startswith("Scrub summary: ")]
    eq(len(lines), 1, "one summary line on stdout")
    return lines[0]


# ---- the journal ---------------------------------------------------------

def bad_tree(w):
    """d/ with a good file and a file with one hash_mismatch range."""
    good = w.file("d/good", 3 * BS + 100, f"digest={'11' * 32}")
    bad = w.file("d/sub/bad", 10 * BS, f"digest={'11' * 32}",
                 bad=[(BS, 2 * BS, "hash_mismatch")])
    return good, bad


@test
def journal_hash_mismatch_range_and_summary_exact():
    w = World()
    good, bad = bad_tree(w)
    root = os.path.join(w.dir, "d")
    p = w.run("--log=journal", "-r", root)
    eq(p.returncode, 1, "exit")
    eq(p.stderr, b"", "nothing on stderr")
    e = w.entries()
    eq(len(e), 2, "one range entry and the summary")
    eq(e[0], {
        "MESSAGE_ID": MSGID["hash_mismatch"],
        "PRIORITY": "3",
        "MESSAGE": f"{bad}: hash_mismatch at offset 4096 length 8192",
        "VERITY_SCRUB_PATH": bad,
        "VERITY_SCRUB_ROOT": root,
        "VERITY_SCRUB_DIGEST": D1,
        "VERITY_SCRUB_OFFSET": "4096",
        "VERITY_SCRUB_LENGTH": "8192",
        "VERITY_SCRUB_KIND": "hash_mismatch",
        "VERITY_SCRUB_DETAIL": "",
        "SYSLOG_IDENTIFIER": "verify-file",
    }, "range entry")
    eq(e[1], {
        "MESSAGE_ID": MSGID["summary"],
        "PRIORITY": "4",
        "MESSAGE": "Scrub summary: 2 files: 1 ok, 1 bad, 0 errors; 0 skipped",
        "VERITY_SCRUB_FILES_OK": "1",
        "VERITY_SCRUB_FILES_BAD": "1",
        "VERITY_SCRUB_FILES_ERROR": "0",
        "VERITY_SCRUB_FILES_INTERRUPTED": "0",
        "VERITY_SCRUB_FILES_SKIPPED": "0",
        "VERITY_SCRUB_BYTES_VERIFIED": str(3 * BS + 100 + 8 * BS),
        "VERITY_SCRUB_EXIT": "1",
        "VERITY_SCRUB_ROOT": root,
        "SYSLOG_IDENTIFIER": "verify-file",
    }, "summary entry")
    eq(e[1]["MESSAGE"], summary_line(p.stdout), "MESSAGE is the printed line")


@test
def journal_every_kind_has_its_id_priority_and_detail():
    w = World()
    f = w.file("f", 40 * BS, bad=[(BS, BS, "io_error", "medium"),
                                  (4 * BS, 8 * BS, "tree_corrupt", "none", 1),
                                  (20 * BS, BS, "transient"),
                                  (30 * BS, BS, "unknown")])
    p = w.run("--log=journal", f)
    eq(p.returncode, 1 | 2 | 4, "exit")
    e = w.entries()
    eq(len(e), 5, "four ranges and the summary")
    got = [(x["MESSAGE_ID"], x["PRIORITY"], x["VERITY_SCRUB_KIND"],
            x["VERITY_SCRUB_OFFSET"], x["VERITY_SCRUB_LENGTH"],
            x["VERITY_SCRUB_DETAIL"], x.get("VERITY_SCRUB_TREE_LEVEL"),
            x["MESSAGE"]) for x in e[:4]]
    eq(got, [
        (MSGID["io_error"], "3", "io_error", "4096", "4096", "medium", None,
         f"{f}: io_error (medium) at offset 4096 length 4096"),
        (MSGID["tree_corrupt"], "3", "tree_corrupt", "16384", "32768", "",
         "1", f"{f}: tree_corrupt (level 1) at offset 16384 length 32768"),
        (MSGID["transient"], "4", "transient", "81920", "4096", "", None,
         f"{f}: transient at offset 81920 length 4096"),
        (MSGID["unknown"], "3", "unknown", "122880", "4096", "", None,
         f"{f}: unknown at offset 122880 length 4096"),
    ], "entries")
    eq((e[4]["MESSAGE_ID"], e[4]["PRIORITY"], e[4]["VERITY_SCRUB_EXIT"],
        e[4]["VERITY_SCRUB_FILES_BAD"]), (MSGID["summary"], "4", "7", "1"),
       "summary")


@test
def journal_clean_run_is_one_notice():
    w = World()
    f = w.file("f", 5 * BS)
    p = w.run("--log=journal", f)
    eq(p.returncode, 0, "exit")
    e = w.entries()
    eq([(x["MESSAGE_ID"], x["PRIORITY"], x["VERITY_SCRUB_EXIT"],
         x["VERITY_SCRUB_FILES_OK"], x["VERITY_SCRUB_BYTES_VERIFIED"],
         x["VERITY_SCRUB_ROOT"]) for x in e],
       [(MSGID["summary"], "5", "0", "1", str(5 * BS), f)], "entries")


@test
def journal_path_field_is_the_raw_path_message_the_printed_one():
    w = World()
    f = w.file("new\nline", 4 * BS, bad=[(0, BS, "hash_mismatch")])
    p = w.run("--log=journal", f)
    eq(p.returncode, 1, "exit")
    e = w.entries()[0]
    eq(e["VERITY_SCRUB_PATH"], f, "raw path, newline and all")
    esc = f.replace("\n", "\\n")
    eq(e["MESSAGE"], f"{esc}: hash_mismatch at offset 0 length 4096",
       "MESSAGE escaped as on stdout")
    check(p.stdout.decode().startswith(f"{esc}: BAD: "), "stdout")


def stderr_file(w):
    """A file for verify-file's stderr and the JOURNAL_STREAM naming it."""
    path = os.path.join(w.dir, ".stderr")
    f = open(path, "wb")
    st = os.fstat(f.fileno())
    return f, f"{st.st_dev}:{st.st_ino}"


@test
def log_auto_uses_the_journal_only_when_stderr_is_journal_stream():
    w = World()
    _, bad = bad_tree(w)
    # stderr is the stream JOURNAL_STREAM names: the journal
    f, stream = stderr_file(w)
    with f:
        p = w.run(bad, stderr=f, env=w.env(JOURNAL_STREAM=stream))
    eq(p.returncode, 1, "exit")
    eq([x["MESSAGE_ID"] for x in w.entries()],
       [MSGID["hash_mismatch"], MSGID["summary"]], "entries, stderr matches")
    os.unlink(w.jfile)
    # --log=auto said: the same
    f, stream = stderr_file(w)
    with f:
        w.run("--log=auto", bad, stderr=f, env=w.env(JOURNAL_STREAM=stream))
    eq(len(w.entries()), 2, "entries with --log=auto")
    os.unlink(w.jfile)
    # JOURNAL_STREAM names another file (stderr was redirected): none
    f, stream = stderr_file(w)
    f.close()
    p = w.run(bad, env=w.env(JOURNAL_STREAM=stream))     # stderr: a pipe
    eq(p.returncode, 1, "exit, no match")
    eq(w.entries(), [], "no entry when stderr is not the journal stream")
    # no JOURNAL_STREAM, or a malformed one: none
    for extra in ({}, {"JOURNAL_STREAM": "garbage"},
                  {"JOURNAL_STREAM": stream + "x"}):
        f, _ = stderr_file(w)
        with f:
            w.run(bad, stderr=f, env=w.env(**extra))
        eq(w.entries(), [], f"no entry with {extra}")


@test
def log_stderr_never_and_journal_always():
    w = World()
    _, bad = bad_tree(w)
    f, stream = stderr_file(w)
    with f:
        p = w.run("--log=stderr", bad, stderr=f,
                  env=w.env(JOURNAL_STREAM=stream))
    eq(p.returncode, 1, "exit")
    eq(w.entries(), [], "--log=stderr: never the journal")
    p = w.run("--log", "journal", bad)       # stderr a pipe, no stream
    eq(len(w.entries()), 2, "--log journal: always")


@test
def log_journal_unreachable_is_one_warning_and_bit_8():
    w = World()
    _, bad = bad_tree(w)
    p = w.run("--log=journal", "-r", os.path.join(w.dir, "d"), journal=False)
    eq(p.returncode, 1 | 8, "exit: the finding and the operational error")
    eq(p.stderr, b"verify-file: warning: cannot log to the journal: "
       b"Transport endpoint is not connected\n", "said once")
    check(f"{bad}: BAD: hash_mismatch at offset 4096 length 8192\n".encode()
          in p.stdout, "the report is unchanged")


@test
def log_bad_value_is_a_usage_error():
    w = World()
    f = w.file("f", BS)
    for arg in ("--log=syslog", "--log="):
        p = w.run(arg, f)
        eq(p.returncode, 16, f"{arg}: exit")
        eq(p.stderr.decode().splitlines()[0],
           f"verify-file: invalid {arg.split('=')[0]} '{arg.split('=')[1]}': "
           "expected auto, journal or stderr", f"{arg}: message")
        eq(w.calls(), [], "nothing scrubbed")


def content(size):
    return bytes((i * 7 + i // 4096) % 251 for i in range(size))


@test
def journal_repaired_file_entry():
    w = World()
    size = 10 * BS + 1000
    good = content(size)
    ref = w.path(".good/f")
    with open(ref, "wb") as f:
        f.write(good)
    src = w.path("copy/f")
    with open(src, "wb") as f:
        f.write(good)
    broken = bytearray(good)
    broken[2 * BS + 11] ^= 0x5a
    f = w.file("d/f", size, "real=" + ref, bad=[(2 * BS, BS, "hash_mismatch")],
               data=bytes(broken))
    p = w.run("--log=journal", "--repair-from", src, f)
    eq(p.returncode, 64, "exit: repaired")
    lines = p.stdout.decode().splitlines()
    e = w.entries()
    eq([x["MESSAGE_ID"] for x in e],
       [MSGID["hash_mismatch"], MSGID["repaired"], MSGID["summary"]],
       "range, repaired, summary")
    r = e[1]
    eq((r["PRIORITY"], r["MESSAGE"], r["VERITY_SCRUB_PATH"],
        r["VERITY_SCRUB_ROOT"]), ("5", lines[1], f, f), "repaired entry")
    check(lines[1].startswith(f"{f}: REPAIRED: 1 blocks, "), lines[1])
    eq(r["VERITY_SCRUB_DIGEST"], e[0]["VERITY_SCRUB_DIGEST"], "digest")
    eq((e[2]["PRIORITY"], e[2]["VERITY_SCRUB_EXIT"]), ("4", "64"), "summary")


# ---- metrics -------------------------------------------------------------

def read_metrics(path):
    """{family: {(labels...): value}} from the Prometheus parser; every
    family a gauge, every sample with a root label."""
    with open(path) as f:
        text = f.read()
    out = {}
    for fam in text_string_to_metric_families(text):
        check(fam.name.startswith("verity_scrub_"), fam.name)
        eq(fam.type, "gauge", f"{fam.name} type")
        check(fam.documentation, f"{fam.name} has HELP")
        samples = {}
        for s in fam.samples:
            eq(s.name, fam.name, "sample name")
            check("root" in s.labels, f"{fam.name}: root label")
            key = tuple(sorted(s.labels.items()))
            check(key not in samples, f"{fam.name}: {key} twice")
            samples[key] = s.value
        out[fam.name[len("verity_scrub_"):]] = samples
    return out


def one(m, fam, root, **labels):
    return m[fam][tuple(sorted(dict(root=root, **labels).items()))]


def metrics_dir(w):
    d = os.path.join(w.dir, "prom")
    os.makedirs(d, exist_ok=True)
    return d, os.path.join(d, "verity-scrub.prom")


@test
def metrics_tree_with_one_bad_file_exact():
    w = World()
    good, bad = bad_tree(w)
    w.file("d/sub/bad2", 12 * BS, bad=[(5 * BS, BS, "io_error", "medium"),
                                       (7 * BS, BS, "transient")])
    w.plain("d/plain")
    root = os.path.join(w.dir, "d")
    _, prom = metrics_dir(w)
    t0 = time.time()
    p = w.run("--metrics", prom, "-r", root)
    t1 = time.time()
    eq(p.returncode, 1 | 2 | 4, "exit")
    m = read_metrics(prom)
    eq(sorted(m), sorted(set(FAMILIES) - {"last_clean_run_timestamp_seconds"}),
       "families (never clean: no last clean run)")
    eq({dict(k)["status"]: v for k, v in m["files"].items()},
       {"ok": 1, "bad": 2, "error": 0, "interrupted": 0, "skipped": 1},
       "files by status")
    eq({dict(k)["kind"]: v for k, v in m["bad_blocks"].items()},
       {"hash_mismatch": 2, "tree_corrupt": 0, "io_error": 1,
        "transient": 1, "unknown": 0}, "bad blocks by kind")
    eq(one(m, "bytes_verified", root), 3 * BS + 100 + 8 * BS + 11 * BS,
       "bytes verified")
    eq(one(m, "run_complete", root), 1, "complete")
    eq(one(m, "exit_status", root), 7, "exit status")
    start = one(m, "run_start_timestamp_seconds", root)
    end = one(m, "run_end_timestamp_seconds", root)
    check(t0 - 0.001 <= start <= end <= t1 + 0.001,
          f"{t0} <= {start} <= {end} <= {t1}")
    check(0 <= one(m, "run_duration_seconds", root) <= t1 - t0 + 0.001,
          "duration")
    for fam, s in m.items():
        eq({dict(k)["root"] for k in s}, {root}, f"{fam}: one root")


@test
def metrics_clean_run_sets_last_clean_and_bad_run_carries_it_over():
    w = World()
    a = w.file("a/f", 4 * BS)
    b = w.file("b/f", 4 * BS)
    ra, rb = os.path.dirname(a), os.path.dirname(b)
    _, prom = metrics_dir(w)
    p = w.run("--metrics", prom, "-r", ra)
    eq(p.returncode, 0, "clean run")
    m = read_metrics(prom)
    end = one(m, "run_end_timestamp_seconds", ra)
    eq(one(m, "last_clean_run_timestamp_seconds", ra), end,
       "last clean = the end of this run")
    # a run that finds a bad block under a, b clean (b never clean before)
    ino = os.stat(a).st_ino
    w.spec.append(f"bad {ino} {BS} {BS} hash_mismatch")
    p = w.run("--metrics", prom, "-r", ra, rb)
    eq(p.returncode, 1, "bad run")
    m2 = read_metrics(prom)
    check(one(m2, "run_end_timestamp_seconds", ra) > end, "a newer run")
    eq(one(m2, "last_clean_run_timestamp_seconds", ra), end,
       "a: carried over from the previous file")
    eq(one(m2, "last_clean_run_timestamp_seconds", rb),
       one(m2, "run_end_timestamp_seconds", rb), "b: clean now")
    eq(one(m2, "files", ra, status="bad"), 1, "a: bad")
    eq(one(m2, "files", rb, status="ok"), 1, "b: ok")
    eq(one(m2, "exit_status", rb), 1, "the run's exit status")
    # bad again, a only: still the first clean run's end
    p = w.run("--metrics", prom, "-r", ra)
    m3 = read_metrics(prom)
    eq(one(m3, "last_clean_run_timestamp_seconds", ra), end, "still carried")
    eq(set(m3["last_clean_run_timestamp_seconds"]), {(("root", ra),)},
       "b is not in this run")


@test
def metrics_file_is_replaced_atomically():
    w = World()
    f = w.file("f", 4 * BS)
    d, prom = metrics_dir(w)
    with open(prom, "w") as fh:
        fh.write("old\n")
    before = os.stat(prom).st_ino
    os.chmod(d, 0o755)
    old = os.umask(0o077)
    try:
        p = w.run("--metrics", prom, f)
    finally:
        os.umask(old)
    eq(p.returncode, 0, "exit")
    eq(os.listdir(d), ["verity-scrub.prom"], "no FILE.tmp.PID left")
    st = os.stat(prom)
    check(st.st_ino != before, "a new file renamed over the old one")
    eq(oct(st.st_mode & 0o777), "0o644", "readable by the collector")
    eq(one(read_metrics(prom), "files", f, status="ok"), 1, "written")


@test
def metrics_unwritable_gives_bit_8_and_keeps_the_other_bits():
    w = World()
    _, bad = bad_tree(w)
    d, prom = metrics_dir(w)
    missing = os.path.join(d, "nodir", "m.prom")
    p = w.run("--metrics", missing, bad)
    eq(p.returncode, 1 | 8, "exit: corruption and the operational error")
    eq(p.stderr.decode(), f"verify-file: cannot write --metrics '{missing}': "
       "cannot create the temporary file: No such file or directory\n",
       "message")
    check(b"BAD: hash_mismatch" in p.stdout, "the report is still there")
    # FILE is a directory: the temporary file is written, the rename fails
    # and the temporary file is removed
    os.mkdir(prom)
    p = w.run("--metrics", prom, bad)
    eq(p.returncode, 1 | 8, "exit, FILE a directory")
    eq(p.stderr.decode(), f"verify-file: cannot write --metrics '{prom}': "
       "cannot rename the temporary file over it: Is a directory\n",
       "message, FILE a directory")
    eq(sorted(os.listdir(d)), ["verity-scrub.prom"], "no FILE.tmp.PID left")
    eq(os.listdir(prom), [], "nothing written into it")
    p = w.run("--metrics", "", bad)
    eq(p.returncode, 16, "empty FILE: usage")


@test
def metrics_root_label_escapes():
    w = World()
    f = w.file('we"ird\\dir/f', 4 * BS)
    root = os.path.dirname(f)
    _, prom = metrics_dir(w)
    p = w.run("--metrics", prom, "-r", root)
    eq(p.returncode, 0, "exit")
    m = read_metrics(prom)
    # the path as verify-file prints it (a backslash doubled), quoted
    label = root.replace("\\", "\\\\")
    eq(one(m, "files", label, status="ok"), 1, "label")
    # and found again to carry the last clean run over
    ino = os.stat(f).st_ino
    w.spec.append(f"bad {ino} 0 {BS} hash_mismatch")
    last = one(m, "last_clean_run_timestamp_seconds", label)
    w.run("--metrics", prom, "-r", root)
    eq(one(read_metrics(prom), "last_clean_run_timestamp_seconds", label),
       last, "carried over")


@test
def metrics_and_journal_with_several_roots():
    w = World()
    a = w.file("a/x", 4 * BS, bad=[(0, BS, "hash_mismatch")])
    w.file("a/y", 2 * BS)
    b = w.file("b/z", 3 * BS, bad=[(BS, BS, "transient")])
    w.plain("b/plain")
    ra, rb = os.path.dirname(a), os.path.dirname(b)
    _, prom = metrics_dir(w)
    p = w.run("--metrics", prom, "--log=journal", "-r", ra, rb, ra)
    eq(p.returncode, 1 | 4, "exit")
    m = read_metrics(prom)
    for fam, s in m.items():
        want = {ra, rb} if fam != "last_clean_run_timestamp_seconds" else {rb}
        eq({dict(k)["root"] for k in s}, want, f"{fam}: one sample set per root")
    # a given twice: its files twice, one set of samples
    eq([one(m, "files", ra, status=x) for x in STATUSES], [2, 2, 0, 0, 0],
       "a: files by status")
    eq([one(m, "files", rb, status=x) for x in STATUSES], [1, 0, 0, 0, 1],
       "b: files by status")
    eq([one(m, "bad_blocks", ra, kind=k) for k in KINDS], [2, 0, 0, 0, 0],
       "a: bad blocks")
    eq([one(m, "bad_blocks", rb, kind=k) for k in KINDS], [0, 0, 0, 1, 0],
       "b: bad blocks")
    eq((one(m, "bytes_verified", ra), one(m, "bytes_verified", rb)),
       (2 * (3 * BS + 2 * BS), 3 * BS), "bytes verified")
    e = w.entries()
    eq([(x["VERITY_SCRUB_KIND"], x["VERITY_SCRUB_ROOT"], x["VERITY_SCRUB_PATH"])
        for x in e if "VERITY_SCRUB_KIND" in x],
       [("hash_mismatch", ra, a), ("transient", rb, b),
        ("hash_mismatch", ra, a)], "each range with its root")
    eq((e[-1]["MESSAGE_ID"], e[-1]["VERITY_SCRUB_ROOT"],
        e[-1]["VERITY_SCRUB_FILES_OK"], e[-1]["VERITY_SCRUB_FILES_BAD"],
        e[-1]["VERITY_SCRUB_FILES_SKIPPED"]),
       (MSGID["summary"], ra, "3", "2", "1"), "summary: the first root")


def start_slow(w, *args):
    env = w.env()
    p = subprocess.Popen([FAKE] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    return p


@test
def metrics_and_journal_of_an_interrupted_run():
    w = World()
    f = w.file("d/a", 256 * BS, "slowms=400",
               bad=[(2 * BS, BS, "hash_mismatch")])
    w.file("d/b", 4 * BS)
    root = os.path.dirname(f)
    _, prom = metrics_dir(w)
    p = start_slow(w, "--metrics", prom, "--log=journal", "-r", root)
    key = ["slow", str(os.stat(f).st_ino), str(16 * BS)]
    wait_for(w, p, lambda calls: key in calls)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=10)
    eq(p.returncode, 32 | 1, "exit")
    m = read_metrics(prom)
    eq(one(m, "run_complete", root), 0, "not complete")
    eq(one(m, "exit_status", root), 33, "exit status")
    eq({dict(k)["status"]: v for k, v in m["files"].items()},
       {"ok": 0, "bad": 1, "error": 0, "interrupted": 0, "skipped": 0},
       "files: the interrupted one is bad (a range found), b not started")
    eq(one(m, "bad_blocks", root, kind="hash_mismatch"), 1, "found so far")
    check("last_clean_run_timestamp_seconds" not in m, "not clean")
    e = w.entries()
    eq([x["MESSAGE_ID"] for x in e], [MSGID["hash_mismatch"],
                                      MSGID["summary"]], "entries")
    eq(e[1]["VERITY_SCRUB_EXIT"], "33", "summary exit")


finish()
