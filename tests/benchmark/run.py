#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""verity-scrub benchmark: verify-file against every way people scrub verity
files today, side by side in one guest (make bench).

Boots one guest (Debian's 6.1 kernel, no debug options, 2 vCPUs, TCG) with
the bench's machinery (tests/harness/vsbench.py), makes verity files on ext4
(BENCH_SIZE_MB, default 256, and BENCH_BIG_MB, default 1024, larger than
the guest's BENCH_MEM_MB of RAM) and times every method, cold cache each
run, BENCH_RUNS rounds.  Writes tests/benchmark/results/<stamp>.{md,json,png}.

    tests/benchmark/run.py [--size-mb N] [--big-mb N|0] [--mem-mb N]
                           [--runs N] [--methods a,b,...] [--no-commit-files]

Every option also reads BENCH_<OPTION> from the environment
(make bench BENCH_SIZE_MB=64 BENCH_RUNS=5).  Performance numbers are
reported as ratios between methods of the same run; nothing here is a
pass/fail test.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
# A private build directory: other developers' `make check` runs share
# build/ and would race with ours on build/mod-6.1 and build/tools.
os.environ.setdefault('VS_BUILD', os.path.join(TOP, 'build', 'benchmark'))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TOP, 'tests', 'harness'))
import vsbenchlib as vsbench  # noqa: E402  (the bench's machinery, reused as is)

BUILD = vsbench.BUILD
RESULTS = os.path.join(HERE, 'results')
SCRIPT_NAME = 'vs-benchmark'
DEBUG_OPTIONS = ('CONFIG_KASAN', 'CONFIG_PROVE_LOCKING', 'CONFIG_LOCKDEP',
                 'CONFIG_DEBUG_KMEMLEAK', 'CONFIG_KCSAN', 'CONFIG_UBSAN',
                 'CONFIG_DEBUG_PAGEALLOC', 'CONFIG_KFENCE_STATIC_KEYS')

# Method name -> (label in the table, kind).  Kinds: "user" = a way to
# scrub from userspace today; "module" = through verity_scrub.ko; "ref" =
# a reference point, not a scrub.
METHODS = {
    'cat':           ('`cat FILE > /dev/null`', 'user'),
    'dd':            ('`dd bs=4M`', 'user'),
    'populate':      ('mmap 4 MiB + MADV_POPULATE_READ', 'user'),
    'touch':         ('mmap + touch 1 byte/page', 'user'),
    'vf-nomod':      ('`verify-file --no-module`', 'user'),
    'vf':            ('`verify-file` (ioctl)', 'module'),
    # the same with its progress watched (userspace/cli/progress.c): the
    # file in calls of vf_step_for() bytes, not one, as under systemd
    # (NOTIFY_SOCKET set, here to no socket: STATUS= goes nowhere) or a
    # TTY progress line; and as the units run it, with --state saved too
    'vf-watched':    ('`verify-file`, progress watched (NOTIFY_SOCKET)', 'module'),
    'vf-state':      ('`verify-file --state FILE`', 'module'),
    'ioctl':         ('ioctl, direct (vsb-scan)', 'module'),
    'ioctl-noclass': ('ioctl, NO_CLASSIFY (vsb-scan)', 'module'),
    'ioctl-pagecache': ('ioctl, PAGE_CACHE: the page-cache walk (vsb-scan)',
                        'module'),
    'vf-warm':       ('`verify-file`, file fully cached first', 'module'),
    'plain-dd':      ('non-verity copy, `dd bs=4M`', 'ref'),
    'hashfloor':     ('hash floor (module/hash.c, all vCPUs)', 'ref'),
    'hashfloor-1cpu': ('hash floor, 1 vCPU', 'ref'),
    # the floor of one crypto driver of SHA-256 by name (sha256-DRIVER),
    # not the crypto API's pick: which implementation is fastest here
    # the floor of the driver fs-verity itself hashes with (its dmesg line):
    # what cat and dd wait for, beside the module's own choice (hashpick.c)
    'hashfloor-fsverity': ('hash floor, fs-verity\'s driver', 'ref'),
    'hashfloor-generic': ('hash floor, sha256-generic', 'ref'),
    'hashfloor-avx2': ('hash floor, sha256-avx2', 'ref'),
    'hashfloor-ssse3': ('hash floor, sha256-ssse3', 'ref'),
    # the trees of many files (issue 14)
    'find-cat':      ('`find DIR -type f -exec cat {} +`', 'user'),
    'xargs-cat':     ('`find DIR -print0 | xargs -0 -P 2 -n 64 cat`', 'user'),
    'vf-r-j1':       ('`verify-file -r -j 1 DIR`', 'module'),
    'vf-r-j2':       ('`verify-file -r -j 2 DIR`', 'module'),
    # --base-userspace REV: the same with verify-file of REV, in the same
    # guest, run right after each of the two (a one-guest A/B)
    'vf-r-j1-base':  ('`verify-file -r -j 1 DIR`, base (--base-userspace)', 'module'),
    'vf-r-j2-base':  ('`verify-file -r -j 2 DIR`, base (--base-userspace)', 'module'),
}
TREE_METHODS = ['find-cat', 'xargs-cat', 'vf-r-j1', 'vf-r-j2']
TREE_CASES = ('files', 'mixed')
DRIVER_FLOORS = ['hashfloor-generic', 'hashfloor-avx2', 'hashfloor-ssse3']
DEFAULT_METHODS = [m for m in METHODS if m not in TREE_METHODS
                   and m not in ['vf-watched', 'vf-state'] + DRIVER_FLOORS]
# The file larger than RAM: the scrubs and the references (it cannot be
# cached whole, and each run is 3-4 times longer).
DEFAULT_BIG_METHODS = ['cat', 'dd', 'vf-nomod', 'vf', 'ioctl',
                       'ioctl-pagecache', 'plain-dd', 'hashfloor']
USER_METHODS = [m for m, (_, k) in METHODS.items()
                if k == 'user' and m not in TREE_METHODS]


def log(msg):
    print(f'bench: {msg}', file=sys.stderr, flush=True)


def env_default(name, default):
    return os.environ.get(f'BENCH_{name}') or default


# ---- building ------------------------------------------------------------------

def plot_python():
    """An interpreter that imports matplotlib (Debian's is /usr/bin/python3;
    the python3 on PATH may be another one), or None."""
    for py in (sys.executable, '/usr/bin/python3'):
        if os.path.exists(py) and subprocess.run(
                [py, '-c', 'import matplotlib'], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL).returncode == 0:
            return py
    return None


def ensure_plot_tools():
    if plot_python():
        return True
    log('installing python3-matplotlib (for the plot)')
    p = subprocess.run(['apt-get', 'install', '-y', '-qq',
                        '--no-install-recommends', 'python3-matplotlib'],
                       env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        log(f'apt-get failed, no plot: {p.stderr[-300:]}')
        return False
    return plot_python() is not None


def build_helpers():
    """Static C helpers -> [SRC=DEST] pairs for /opt/bin."""
    out = os.path.join(BUILD, 'bin')
    os.makedirs(out, exist_ok=True)
    pairs = []
    hdir = os.path.join(TOP, 'tests', 'guest', 'benchmark')
    for f in sorted(os.listdir(hdir)):
        if not f.endswith('.c'):
            continue
        exe = os.path.join(out, f[:-2])
        subprocess.run(['gcc', '-std=c11', '-O2', '-Wall', '-Wextra',
                        '-Werror', '-Wshadow', '-Wformat=2', '-Wconversion',
                        '-Wno-sign-conversion', '-static',
                        '-I', os.path.join(TOP, 'uapi'), '-o', exe,
                        os.path.join(hdir, f), '-lm'], check=True)
        pairs.append(f'{exe}=/opt/bin/{f[:-2]}')
    return pairs


def build_base_userspace(rev):
    """verify-file of git revision @rev (--base-userspace), built from
    `git archive` in a private copy; its path, or None if it did not build."""
    d = os.path.join(BUILD, 'base-userspace')
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    tree = subprocess.run(['git', '-C', TOP, 'archive', rev, 'userspace', 'uapi',
                           'VERSION'], stdout=subprocess.PIPE)
    if tree.returncode != 0 or subprocess.run(
            ['tar', '-x', '-C', d], input=tree.stdout).returncode != 0:
        return None
    p = subprocess.run(['make', '-C', os.path.join(d, 'userspace'), 'verify-file'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    exe = os.path.join(d, 'userspace', 'verify-file')
    if p.returncode != 0 or not os.path.exists(exe):
        log(f'verify-file of {rev} did not build:\n' + p.stdout[-2000:])
        return None
    return exe


def ab_rows(c):
    """--base-userspace: [(label, ratio)], this tree's verify-file
    against the base's, throughput of medians (and of the best runs)."""
    m = c['methods']
    rows = []
    for a in ('vf-r-j1', 'vf-r-j2'):
        b = a + '-base'
        if a in m and b in m:
            rows.append((f'{METHODS[a][0]}: this tree / base',
                         f'{m[b]["wall_median_s"] / m[a]["wall_median_s"]:.3f}x '
                         f'(best runs {m[b]["wall_min_s"] / m[a]["wall_min_s"]:.3f}x)'))
    return rows


def build_hashfloor(kernel, kdir):
    """Build vs_hashfloor.ko in a private copy; return its path or None."""
    d = os.path.join(BUILD, f'hashfloor-{kernel}')
    os.makedirs(d, exist_ok=True)
    # -L: hash.c is a symlink to module/hash.c; copy what it points to.
    subprocess.run(['rsync', '-aL', '--delete', '--exclude', '*.o',
                    '--exclude', '*.ko', '--exclude', '.*.cmd',
                    os.path.join(HERE, 'hashfloor') + '/', d + '/'],
                   check=True)
    p = subprocess.run(['make', '-C', kdir, f'M={d}', f'VS_TOP={TOP}', 'W=1',
                        'KCFLAGS=-Werror', 'modules'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    ko = os.path.join(d, 'vs_hashfloor.ko')
    if p.returncode != 0 or not os.path.exists(ko):
        log('hash floor module did not build:\n' + p.stdout[-3000:])
        return None
    return ko


def patch_module(kernel, kdir, mdir, patch):
    """Build the module from a fresh copy of mdir's sources with a patch
    applied, in its own directory (mdir stays the tree's module: make would
    not notice the patch being undone).  Returns (ok, output, dir)."""
    pdir = mdir.rstrip('/') + '-patched'
    shutil.rmtree(pdir, ignore_errors=True)
    subprocess.run(['rsync', '-a', '--exclude', '*.o', '--exclude', '*.ko',
                    '--exclude', '.*.cmd', mdir + '/', pdir + '/'], check=True)
    p = subprocess.run(['patch', '-p1', '-d', pdir, '-i', patch],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        return False, p.stdout, pdir
    p = subprocess.run(['make', '-C', kdir, f'M={pdir}', 'modules'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log(f'module built with {patch} in {pdir}')
    return p.returncode == 0, p.stdout, pdir


def kernel_config(kinfo):
    """The guest kernel's .config as a dict (boot/config-* for Debian)."""
    cands = [os.path.join(kinfo['kdir'], '.config')]
    vdir = os.path.dirname(kinfo['vmlinuz'])
    cands += [os.path.join(vdir, f) for f in sorted(os.listdir(vdir))
              if f.startswith('config-')]
    for c in cands:
        if os.path.exists(c):
            cfg = {}
            with open(c) as f:
                for line in f:
                    m = re.match(r'(CONFIG_\w+)=(.*)', line)
                    if m:
                        cfg[m.group(1)] = m.group(2)
            return cfg
    return {}


# ---- parsing ---------------------------------------------------------------

def kv(text):
    return dict(re.findall(r'(\w+)=(\S+)', text))


def parse_log(lines):
    """Return (info, runs, fails): runs is a list of dicts."""
    info = {}
    runs = []
    fails = []
    cur = None
    prof = None
    for line in lines:
        line = re.sub(r'^\[\s*\d+\.\d+\]\s*', '', line.rstrip('\r'))
        m = re.search(r'VSB-INFO (\S+) ?(.*)$', line)
        if m:
            key, val = m.group(1), m.group(2)
            if key == 'case':
                f = val.split()
                info.setdefault('cases', {})[f[0]] = dict(zip(f[1::2], f[2::2]))
            elif key == 'fail':
                fails.append(val)
            else:
                info[key] = val
            continue
        m = re.search(r'VSB-CASE (\S+) (\S+) (\d+)', line)
        if m:
            cur = {'case': m.group(1), 'method': m.group(2),
                   'round': int(m.group(3))}
            continue
        m = re.search(r'VSB-RUN (.*)$', line)
        if m and cur:
            for k, v in kv(m.group(1)).items():
                if k == 'label':
                    cur[k] = v
                elif ',' in v or k.startswith('cpu_'):
                    cur[k] = [int(x) for x in v.split(',') if x]
                else:
                    cur[k] = int(v)
            runs.append(cur)
            continue
        m = re.search(r'VSB-PROFILE-BEGIN (\S+)', line)
        if m:
            prof = info.setdefault('profiles', {}).setdefault(m.group(1), [])
            continue
        if 'VSB-PROFILE-END' in line:
            prof = None
            continue
        if prof is not None:
            prof.append(line)
            continue
        m = re.search(r'VSB-HASHFLOOR (.*)$', line)
        if m and runs and runs[-1] is cur:
            cur['floor'] = kv(m.group(1))
            continue
        m = re.search(r'VSB-IOCTL (.*)$', line)
        if m and runs and runs[-1] is cur:
            cur['ioctl'] = {k: int(v) for k, v in kv(m.group(1)).items()}
    return info, runs, fails


# ---- statistics -----------------------------------------------------------------

def summarize(info, runs):
    """{case: {method: stats}} from the runs that succeeded."""
    out = {}
    for case, cinfo in info.get('cases', {}).items():
        size = int(cinfo['bytes'])
        nfiles = int(cinfo.get('files', 1))
        per = {}
        for r in runs:
            if r['case'] != case or r.get('rc') != 0:
                continue
            per.setdefault(r['method'], []).append(r)
        res = {}
        for method, rs in per.items():
            if method.startswith('hashfloor'):
                walls = [int(r['floor']['ns']) / 1e9 for r in rs if 'floor' in r]
                if not walls:
                    continue
                threads = int(rs[0]['floor'].get('threads', 1))
                cpu = [w * threads for w in walls]   # workers spin the whole time
                proc_cpu = [None]                    # no process: kernel workers
                growth = [0 for _ in rs]
                rss = [None]
                driver = rs[0]['floor'].get('driver')
                percpu = [[]]
                seen = None
            else:
                walls = [r['wall_ns'] / 1e9 for r in rs]
                cpu = [r['busy_ticks'] / r['hz'] for r in rs]
                proc_cpu = [(r['utime_us'] + r['stime_us']) / 1e6 for r in rs]
                growth = [(r['cached_after_kb'] - r['cached_before_kb']) * 1024
                          for r in rs]
                rss = [r['maxrss_kb'] for r in rs]
                driver = None
                percpu = [[t / r['hz'] for t in r.get('cpu_busy_ticks', [])]
                          for r in rs]
                # Share of the run's vCPU time the guest accounted at all:
                # under TCG a vCPU thread the host does not run loses ticks,
                # so this is low when the host is busy.
                seen = [(r['busy_ticks'] + r['idle_ticks'] + r['iowait_ticks'])
                        / r['hz'] / (r['ncpu'] * r['wall_ns'] / 1e9) for r in rs]
            med = statistics.median(walls)
            res[method] = {
                'runs': len(walls),
                'wall_s': walls,
                'wall_min_s': min(walls),
                'wall_median_s': med,
                'mib_per_s_median': size / 2**20 / med,
                'mib_per_s_best': size / 2**20 / min(walls),
                'cpu_all_s_median': statistics.median(cpu),
                'cpu_process_s_median': (statistics.median(proc_cpu)
                                         if proc_cpu[0] is not None else None),
                'cache_growth_bytes_median': statistics.median(growth),
                'cache_growth_pct_median': 100.0 * statistics.median(growth) / size,
                'maxrss_kb_max': max(rss) if rss[0] is not None else None,
            }
            reads = [r['disk_reads'] for r in rs if 'disk_reads' in r]
            if reads:
                res[method]['disk_reads_median'] = statistics.median(reads)
                res[method]['disk_read_kb_median'] = statistics.median(
                    r['disk_read_kb'] for r in rs)
            if case in TREE_CASES:
                res[method]['files_per_s_median'] = nfiles / med
                res[method]['us_per_file_median'] = 1e6 * med / nfiles
            if driver:
                res[method]['crypto_driver'] = driver
            if seen:
                res[method]['vcpu_time_seen_median'] = statistics.median(seen)
            if percpu and percpu[0]:
                res[method]['cpu_busy_s_per_vcpu_median'] = [
                    statistics.median(p[i] for p in percpu if len(p) > i)
                    for i in range(len(percpu[0]))]
        out[case] = {'bytes': size, 'methods': res}
        if case in TREE_CASES:
            out[case]['files'] = nfiles
            out[case]['tree'] = case
    return out


def tree_targets(m, files, wall, speedup):
    """Issue 14's targets for a tree of many files (the 'files' tree when
    @files, else the mixed tree)."""
    rows = []
    cats = [u for u in ('find-cat', 'xargs-cat') if u in m]
    if files and 'vf-r-j1' in m and 'find-cat' in m:
        r, rb = speedup('vf-r-j1', 'find-cat')
        rows.append(('`verify-file -r` throughput / `find -exec cat` >= 1.5',
                     f'{r:.2f}x (best runs {rb:.2f}x)', r >= 1.5))
    if files and 'vf-r-j1' in m and 'vf-r-j2' in m:
        r, rb = speedup('vf-r-j2', 'vf-r-j1')
        rows.append(('`-j 2` faster than `-j 1`', f'{r:.2f}x (best runs {rb:.2f}x)',
                     r > 1.0))
    if not files and 'vf-r-j2' in m and cats:
        best = min(cats, key=lambda u: wall(u, 'median'))
        r, rb = speedup('vf-r-j2', best)
        rows.append((f'`verify-file -r -j 2` throughput / the better cat ({best}) >= 1.3',
                     f'{r:.2f}x (best runs {rb:.2f}x)', r >= 1.3))
    return rows


def targets(case):
    """Ratios vs issue 5's (one file) and issue 14's (trees) targets.

    [(target, value, ok)]: judged on the medians; the value also gives the
    ratio of the best runs (min wall), less sensitive to a busy host."""
    m = case['methods']
    size = case['bytes']
    rows = []

    def wall(name, stat):
        return m[name][f'wall_{stat}_s']

    def speedup(a, b):
        """throughput(a) / throughput(b), median and best."""
        return wall(b, 'median') / wall(a, 'median'), wall(b, 'min') / wall(a, 'min')

    if 'tree' in case:
        return tree_targets(m, case['tree'] == 'files', wall, speedup)

    for tool in ('vf', 'ioctl'):
        if tool not in m:
            continue
        name = '`verify-file`' if tool == 'vf' else 'ioctl (direct)'
        users = [u for u in USER_METHODS if u in m]
        if users:
            best = min(users, key=lambda u: wall(u, 'median'))
            r, rb = speedup(tool, best)
            rows.append((f'{name} throughput / best userspace ({best}) >= 1.3',
                         f'{r:.2f}x (best runs {rb:.2f}x)', r >= 1.3))
        for u in ('cat', 'populate'):
            if u in m:
                r, rb = speedup(tool, u)
                rows.append((f'{name} throughput / {u} >= 1.5',
                             f'{r:.2f}x (best runs {rb:.2f}x)', r >= 1.5))
        if 'hashfloor' in m:
            r = wall(tool, 'median') / wall('hashfloor', 'median')
            rb = wall(tool, 'min') / wall('hashfloor', 'min')
            rows.append((f'{name} wall / hash floor <= 1.2',
                         f'{r:.2f}x (best runs {rb:.2f}x)', r <= 1.2))
        g = m[tool]['cache_growth_bytes_median']
        rows.append((f'{name} page-cache growth <= 1% of the file',
                     f'{100.0 * g / size:.2f}%', g <= 0.01 * size))
        if tool == 'vf':
            rss = m[tool]['maxrss_kb_max']
            rows.append(('`verify-file` peak RSS < 8 MiB', f'{rss / 1024:.1f} MiB',
                         rss < 8192))
    for w in ('vf-watched', 'vf-state'):
        if 'vf' in m and w in m:
            r = wall(w, 'median') / wall('vf', 'median')
            rb = wall(w, 'min') / wall('vf', 'min')
            rows.append((f'watched progress: {METHODS[w][0]} wall / `verify-file` wall '
                         '(<= 1.05: pays nothing)',
                         f'{r:.3f}x (best runs {rb:.3f}x)', r <= 1.05))
    if 'ioctl' in m and 'ioctl-noclass' in m:
        r = wall('ioctl', 'median') / wall('ioctl-noclass', 'median')
        rb = wall('ioctl', 'min') / wall('ioctl-noclass', 'min')
        c = m['ioctl']['cpu_all_s_median'] / max(m['ioctl-noclass']['cpu_all_s_median'], 1e-9)
        rows.append(('clean path: ioctl wall / ioctl NO_CLASSIFY wall (<= 1.05: pays nothing)',
                     f'{r:.3f}x (best runs {rb:.3f}x, CPU {c:.3f}x)', r <= 1.05))
    return rows


# ---- reports -------------------------------------------------------------------

def fmt(v, spec):
    return '-' if v is None else format(v, spec)


def module_driver(guest, summary):
    """The sha256 driver verity_scrub hashed with: the guest's dmesg, or
    (runs made before the guest said so) the hash floor's, which compiles
    the same choice (module/hashpick.c)."""
    if guest.get('module_sha256'):
        return guest['module_sha256']
    for case in summary.values():
        floor = case.get('methods', {}).get('hashfloor', {})
        if floor.get('crypto_driver'):
            return floor['crypto_driver'] + ' (the hash floor\'s)'
    return '?'


def markdown(meta, summary):
    g = meta['guest']
    patch = meta['guest_config'].get('module_patch')
    out = [f'# verity-scrub benchmark, {meta["date"]}', '',
           *([f'**Module variant: built with `{patch}` applied.**', ''] if patch else []),
           f'Guest: Linux {g.get("kernel", "?")}, {g.get("cpus", "?")} vCPUs '
           f'({g.get("cpu_model", "?")}; {g.get("cpu_flags", "").strip()}), '
           f'{int(g.get("mem_total_kb", 0)) // 1024} MiB RAM, qemu {meta["host"]["qemu"]} '
           f'{meta["host"]["accel"].upper()} `-cpu max` on {meta["host"]["cpu_model"]} '
           f'({meta["host"]["ncpu"]} host CPUs, load {meta["host"]["loadavg_before"]} '
           f'before / {meta["host"]["loadavg_after"]} after); ext4 (4 KiB blocks) on '
           f'dm-linear on virtio-blk (raw image, cache=unsafe); fs-verity SHA-256, '
           f'4 KiB Merkle blocks, no salt; kernel sha256: {g.get("crypto_sha256", "?")} '
           f'(fs-verity\'s, for cat and dd); verity_scrub\'s: {module_driver(g, summary)} '
           f'(module/hashpick.c).',
           f'Each run starts with a cold cache (`sync; echo 3 > drop_caches`), '
           f'except the hash floor (bytes already in memory) and the "fully cached '
           f'first" row (the direct path reads the disk anyway and leaves the '
           f'cached copy alone). {meta["runs"]} rounds, '
           f'methods in a rotating order. Times in seconds; MiB/s from the median; '
           f'"CPU, all" is the busy time of all vCPUs over the run (/proc/stat: '
           f'includes fs-verity\'s kworkers), "CPU, process" the process\'s own '
           f'user+sys; cache growth is /proc/meminfo Cached after minus before. '
           f'"vCPU time seen": busy+idle+iowait ticks / (vCPUs x wall); under TCG the '
           f'guest loses the ticks of a vCPU the host is not running, so well below '
           f'100% means the host starved the guest during that run.', '']
    for case, c in summary.items():
        tree = 'tree' in c
        if tree:
            out += [f'## {case}: a tree of {c["files"]} verity files, '
                    f'{c["bytes"] / 2**20:.1f} MiB in all', '']
        else:
            out += [f'## {case}: {c["bytes"] / 2**20:.0f} MiB file', '']
        out += ['| method | runs | min s | median s | MiB/s | '
                + ('files/s | µs per file | disk reads per file | ' if tree else '')
                + 'CPU, all s | per vCPU s | vCPU time seen | CPU, process s | '
                'cache growth | peak RSS |',
                '|---|---:|---:|---:|---:|' + ('---:|---:|---:|' if tree else '')
                + '---:|---:|---:|---:|---:|---:|']
        for method in meta['methods']:
            s = c['methods'].get(method)
            if not s:
                continue
            rss = s['maxrss_kb_max']
            growth = s['cache_growth_bytes_median']
            out.append(
                f'| {METHODS[method][0]} | {s["runs"]} | {s["wall_min_s"]:.2f} | '
                f'{s["wall_median_s"]:.2f} | {s["mib_per_s_median"]:.0f} | '
                + (f'{s["files_per_s_median"]:.0f} | {s["us_per_file_median"]:.0f} | '
                   f'{fmt(s.get("disk_reads_median") and s["disk_reads_median"] / c["files"], ".1f")} | '
                   if tree else '')
                + f'{s["cpu_all_s_median"]:.2f} | '
                f'{"/".join(f"{x:.1f}" for x in s.get("cpu_busy_s_per_vcpu_median", [])) or "-"} | '
                f'{fmt(s.get("vcpu_time_seen_median") and 100 * s["vcpu_time_seen_median"], ".0f")}% | '
                f'{fmt(s["cpu_process_s_median"], ".2f")} | '
                f'{growth / 2**20:+.1f} MiB ({100.0 * growth / c["bytes"]:.1f}%) | '
                f'{fmt(rss and rss / 1024, ".1f")} MiB |'.replace('- MiB', '-').replace('-%', '-'))
        rows = targets(c)
        if rows:
            out += ['', f'| target (issue {14 if tree else 5}), judged on medians '
                    '| measured | met |',
                    '|---|---:|:---:|']
            out += [f'| {t} | {v} | {"yes" if ok else "**no**"} |' for t, v, ok in rows]
        ab = ab_rows(c)
        if ab:
            out += ['', f'| A/B in this guest, base {meta.get("base_userspace")} '
                    '| throughput ratio |', '|---|---:|']
            out += [f'| {t} | {v} |' for t, v in ab]
        out.append('')
    if meta.get('failures'):
        out += ['Runs that failed (not counted):', '']
        out += [f'- {f}' for f in meta['failures']]
        out.append('')
    return '\n'.join(out)


def plot(meta, summary, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    cases = list(summary)
    fig, axes = plt.subplots(1, len(cases), figsize=(8 * len(cases), 6),
                             squeeze=False)
    colours = {'user': '#8c8c8c', 'module': '#1f77b4', 'ref': '#2ca02c'}
    for ax, case in zip(axes[0], cases):
        c = summary[case]
        names, vals, lo, hi, col = [], [], [], [], []
        for method in meta['methods']:
            s = c['methods'].get(method)
            if not s:
                continue
            size = c['bytes'] / 2**20
            names.append(METHODS[method][0].replace('`', ''))
            vals.append(s['mib_per_s_median'])
            lo.append(s['mib_per_s_median'] - size / max(s['wall_s']))
            hi.append(size / min(s['wall_s']) - s['mib_per_s_median'])
            col.append(colours[METHODS[method][1]])
        y = list(range(len(names)))[::-1]
        ax.barh(y, vals, xerr=[lo, hi], color=col, capsize=3)
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=8)
        ax.set_xlabel('MiB/s (median; bars: min..max of runs)')
        what = (f'{c["files"]} files, {c["bytes"] / 2**20:.0f} MiB' if 'tree' in c
                else f'{c["bytes"] / 2**20:.0f} MiB')
        ax.set_title(f'{case}: {what}, cold cache')
        for yy, v, h in zip(y, vals, hi):
            ax.text(v + h, yy, f'  {v:.0f}', va='center', fontsize=8)
    g = meta['guest']
    fig.suptitle(f'verity-scrub benchmark {meta["date"]}: Linux {g.get("kernel", "?")}, '
                 f'{g.get("cpus", "?")} vCPUs (qemu TCG), {int(g.get("mem_total_kb", 0)) // 1024} '
                 f'MiB RAM, ext4\ngrey: ways to scrub from userspace today, blue: '
                 f'verity_scrub.ko, green: references', fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# ---- main ------------------------------------------------------------------------

def host_info():
    with open('/proc/cpuinfo') as f:
        model = next((ln.split(':', 1)[1].strip() for ln in f
                      if ln.startswith('model name')), '?')
    q = subprocess.run(['qemu-system-x86_64', '--version'], stdout=subprocess.PIPE,
                       text=True).stdout.split('\n')[0]
    m = re.search(r'version (\S+)', q)
    return {'cpu_model': model, 'ncpu': os.cpu_count(),
            'qemu': m.group(1) if m else q, 'accel': os.environ.get('VM_ACCEL', 'tcg'),
            'python': platform.python_version()}


def loadavg():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


# --only: which of the tree cases stay (the one-file cases are dropped)
ONLY = {'small': ('files',), 'mixed': ('mixed',), 'trees': ('files', 'mixed')}


def apply_only(args, ap):
    """Keep only the tree cases --only names: no one-file case, no one-file
    methods, the tree methods profiled unless --profile was given."""
    keep = ONLY[args.only]
    args.size_mb = args.big_mb = 0
    if 'files' not in keep:
        args.files = ''
    elif args.files in ('', '0'):
        ap.error(f'--only {args.only} needs --files COUNTxKIB')
    if 'mixed' not in keep:
        args.mixed_mb = 0
    elif not args.mixed_mb:
        ap.error(f'--only {args.only} needs --mixed-mb > 0')
    args.methods = args.big_methods = ''
    if not any(a == '--profile' or a.startswith('--profile=') for a in sys.argv) \
            and 'BENCH_PROFILE' not in os.environ:
        args.profile = 'vf-r-j1,find-cat'


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ('--plot', '--report'):
        # --report RESULT.json: redo the table (and targets) and the plot
        with open(sys.argv[2]) as f:
            data = json.load(f)
        base = sys.argv[2][:-len('.json')]
        if sys.argv[1] == '--report':
            data['summary'] = summarize({'cases': data['meta']['cases']},
                                        data['runs'])
            for c in data['summary'].values():
                c['targets'] = [{'target': t, 'value': v, 'met': ok}
                                for t, v, ok in targets(c)]
            with open(sys.argv[2], 'w') as f:
                json.dump(data, f, indent=1)
            with open(base + '.md', 'w') as f:
                f.write(markdown(data['meta'], data['summary']) + '\n')
        py = plot_python()
        if py and py != sys.executable:
            return subprocess.run([py, os.path.abspath(__file__), '--plot',
                                   sys.argv[2]]).returncode
        plot(data['meta'], data['summary'], base + '.png')
        return 0
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', default=env_default('KERNEL', '6.1'))
    ap.add_argument('--size-mb', type=int, default=int(env_default('SIZE_MB', 256)))
    ap.add_argument('--big-mb', type=int, default=int(env_default('BIG_MB', 768)),
                    help='second case, larger than guest RAM (0: none)')
    ap.add_argument('--files', default=env_default('FILES', '2000x32'),
                    help='a tree of COUNTxKIB verity files (issue 14; "" or 0: none)')
    ap.add_argument('--mixed-mb', type=int, default=int(env_default('MIXED_MB', 1024)),
                    help='a tree of log-uniform sizes from 1 byte to 64 MiB, '
                         'this many MiB in all (0: none)')
    ap.add_argument('--tree-methods',
                    default=env_default('TREE_METHODS', ','.join(TREE_METHODS)))
    ap.add_argument('--mem-mb', type=int, default=int(env_default('MEM_MB', 512)))
    ap.add_argument('--runs', type=int, default=int(env_default('RUNS', 3)))
    ap.add_argument('--methods', default=env_default('METHODS', ','.join(DEFAULT_METHODS)))
    ap.add_argument('--big-methods',
                    default=env_default('BIG_METHODS', ','.join(DEFAULT_BIG_METHODS)))
    ap.add_argument('--sha', choices=('ssse3', 'generic'),
                    default=env_default('SHA', 'ssse3'),
                    help='load sha256-ssse3.ko as a Debian system autoloads it '
                         '(default), or keep the generic C sha256')
    ap.add_argument('--profile', default=env_default('PROFILE', 'dd,ioctl,cat'),
                    help='methods to profile with perf in the guest after the '
                         'timed runs (cpu-clock sampling; "" for none)')
    ap.add_argument('--wait-quiet', type=int, default=int(env_default('WAIT_QUIET', 0)),
                    help='wait up to N seconds for the host load average to drop '
                         'below 0.5 before booting (other guests skew the timings)')
    ap.add_argument('--module-patch', default=env_default('MODULE_PATCH', ''),
                    help='apply this patch (-p1, relative to the top directory) '
                         'to a private copy of the module before building it: '
                         'time an engine variant without touching module/')
    ap.add_argument('--base-userspace', default=env_default('BASE_USERSPACE', ''),
                    metavar='REV',
                    help='also time verify-file of git revision REV (the tree methods '
                         'vf-r-j1 and vf-r-j2 get a -base twin, run right after each): '
                         'an A/B of a userspace change in one guest')
    ap.add_argument('--only', choices=tuple(ONLY), default=env_default('ONLY', None),
                    help='run only these cases (small: the tree of --files; mixed: the '
                         'mixed tree; trees: both), their tree methods and a profile of '
                         'vf-r-j1 and find-cat: measure issue 14 without the whole bench')
    ap.add_argument('--out', default=env_default('OUT', RESULTS))
    args = ap.parse_args()
    if args.only:
        apply_only(args, ap)
    methods = [m for m in args.methods.split(',') if m]
    big_methods = [m for m in args.big_methods.split(',') if m]
    tree_methods = [m for m in args.tree_methods.split(',') if m]
    if args.base_userspace:
        tree_methods = [x for m in tree_methods
                        for x in ([m, m + '-base'] if m in ('vf-r-j1', 'vf-r-j2')
                                  else [m])]
    bad = [m for m in methods + big_methods + tree_methods if m not in METHODS]
    if args.files in ('0', ''):
        args.files = ''
    elif not re.fullmatch(r'[1-9][0-9]*x[1-9][0-9]*', args.files):
        ap.error(f'--files wants COUNTxKIB, not {args.files!r}')
    if bad:
        ap.error(f'unknown methods: {bad}; known: {list(METHODS)}')
    if args.big_mb and args.big_mb <= args.mem_mb:
        log(f'warning: the big case ({args.big_mb} MiB) is not larger than '
            f'guest RAM ({args.mem_mb} MiB)')

    # BENCH runs share build/benchmark; set VS_BUILD to run another beside.
    lock = vsbench.lock_build_dir()  # noqa: F841 (held until exit)
    t0 = time.time()
    subprocess.run([os.path.join(TOP, 'tests', 'harness', 'install-deps.sh')],
                   stdout=subprocess.DEVNULL, check=True)
    can_plot = ensure_plot_tools()
    kinfo = vsbench.provision(args.kernel)
    cfg = kernel_config(kinfo)
    debug = [o for o in DEBUG_OPTIONS if cfg.get(o) == 'y']
    if debug:
        log(f'refusing to time kernel {args.kernel}: it has {debug}')
        return 1
    ok, out, mdir = vsbench.build_module(args.kernel, kinfo['kdir'])
    if ok and args.module_patch:
        ok, out, mdir = patch_module(args.kernel, kinfo['kdir'], mdir,
                                     os.path.abspath(args.module_patch))
    if not ok:
        log('verity_scrub.ko did not build; module methods will be missing:\n'
            + out[-2000:])
    ok, why = vsbench.build_userspace()
    if not ok:
        log('userspace did not build (no verify-file methods): ' + why[-500:])
    ok, why, tools = vsbench.build_tools()
    if not ok:
        log('test tools did not build: ' + why)
        return 1
    files = list(tools) + build_helpers()
    if args.base_userspace:
        exe = build_base_userspace(args.base_userspace)
        if not exe:
            return 1
        files.append(f'{exe}=/opt/bin/verify-file-base')
    files.append(f'{os.path.join(TOP, "tests", "guest", "benchmark", "benchmark.sh")}='
                 f'/tests/demo/{SCRIPT_NAME}.sh')
    files.append('/usr/bin/cat=/opt/bin/cat')   # coreutils', not busybox's
    ko = build_hashfloor(args.kernel, kinfo['kdir'])
    if ko:
        files.append(f'{ko}=/lib/vs/vs_hashfloor.ko')
    if args.sha == 'ssse3' and kinfo['moddir'] != '-':
        sko = os.path.join(kinfo['moddir'], 'kernel', 'arch', 'x86', 'crypto',
                           'sha256-ssse3.ko')
        if os.path.exists(sko):
            files.append(f'{sko}=/lib/vs/sha256-ssse3.ko')
    profile = [m for m in args.profile.split(',') if m in METHODS]
    if profile and os.path.exists('/usr/bin/perf'):
        files.append('/usr/bin/perf=/opt/bin/perf')
    cases = [f'small:{args.size_mb}'] if args.size_mb else []
    if args.big_mb:
        cases.append(f'big:{args.big_mb}')
    tree_mb = 0
    if args.files:
        cases.append(f'files:{args.files}')
        n, kib = (int(x) for x in args.files.split('x'))
        tree_mb += n * (kib + 8) / 1024     # + the tree and a block of slack
    if args.mixed_mb:
        cases.append(f'mixed:{args.mixed_mb}')
        tree_mb += args.mixed_mb * 1.02
    conf = os.path.join(BUILD, 'vs-benchmark.conf')
    os.makedirs(BUILD, exist_ok=True)
    with open(conf, 'w') as f:
        f.write(f'BENCH_CASES="{" ".join(cases)}"\n'
                f'BENCH_RUNS={args.runs}\n'
                f'BENCH_METHODS="{" ".join(methods)}"\n'
                f'BENCH_BIG_METHODS="{" ".join(big_methods)}"\n'
                f'BENCH_TREE_METHODS="{" ".join(tree_methods)}"\n'
                f'BENCH_SHA_MODULE={"yes" if args.sha == "ssse3" else "no"}\n'
                f'BENCH_PROFILE={"yes" if profile else "no"}\n'
                f'BENCH_PROFILE_METHODS="{" ".join(profile)}"\n')
    files.append(f'{conf}=/etc/vs-benchmark.conf')
    initramfs = os.path.join(BUILD, f'initramfs-bench-{args.kernel}.cpio')
    vsbench.make_initramfs(args.kernel, kinfo, mdir, files, initramfs)

    total_mb = args.size_mb + args.big_mb
    disk_mb = max(1024, int(total_mb * 2.2 + tree_mb * 1.1) + 512)
    # up to ~60 s/GiB/method/run under TCG on a busy host, plus the files
    timeout = 600 + int((args.size_mb * len(methods) + args.big_mb * len(big_methods))
                        / 1024 * 60 * args.runs) + int(total_mb / 1024 * 240) \
        + int(tree_mb * len(tree_methods) / 1024 * 90 * args.runs + tree_mb * 0.6)
    logdir = os.path.join(BUILD, 'logs')
    os.makedirs(logdir, exist_ok=True)
    logpath = os.path.join(logdir, f'bench-{args.kernel}.log')
    host = host_info()
    deadline = time.time() + args.wait_quiet
    while float(loadavg().split()[0]) >= 0.5 and time.time() < deadline:
        log(f'host load {loadavg()}: waiting for it to drop')
        time.sleep(20)
    if float(loadavg().split()[0]) >= 1.0:
        log(f'warning: host load {loadavg()}; timings will be noisy '
            f'(ratios within one run stay comparable)')
    host['loadavg_before'] = loadavg()
    log(f'booting {args.kernel}: {args.mem_mb} MiB, disk {disk_mb} MiB, '
        f'cases {cases}, {args.runs} runs, timeout {timeout}s; log {logpath}')
    tb = time.time()
    text = vsbench.boot(args.kernel, kinfo, initramfs,
                        [(SCRIPT_NAME, 'ext4', timeout)], args.mem_mb,
                        disk_mb, 0, logpath)
    guest_s = time.time() - tb
    host['loadavg_after'] = loadavg()
    unit = vsbench.parse_units(text).get((SCRIPT_NAME, 'ext4'))
    if not unit:
        log(f'the benchmark did not run; see {logpath}')
        return 1
    info, runs, fails = parse_log(unit['lines'])
    splats = vsbench.splats(unit['lines'])
    if splats:
        log('kernel complained during the run:\n  ' + '\n  '.join(splats[:10]))
    if not unit['ended'] or unit['rc'] != 0:
        log(f'the guest script did not finish cleanly (rc={unit["rc"]}); '
            f'partial results; see {logpath}')
    summary = summarize(info, runs)

    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime('%Y%m%d-%H%M') + f'-{args.kernel}'
    meta = {
        'date': now.strftime('%Y-%m-%d %H:%M UTC'),
        'kernel': args.kernel, 'runs': args.runs,
        'methods': methods + [m for m in big_methods if m not in methods]
        + [m for m in tree_methods if m not in methods],
        'guest': {k: v for k, v in info.items() if k not in ('cases', 'profiles')},
        'guest_config': {'mem_mb': args.mem_mb, 'vcpus': 2, 'disk_mb': disk_mb,
                         'accel': host['accel'], 'cpu': 'max',
                         'vmlinuz': os.path.basename(kinfo['vmlinuz']),
                         'sha_module': args.sha,
                         'module_patch': args.module_patch or None},
        'base_userspace': args.base_userspace or None,
        'cases': info.get('cases', {}),
        'host': host, 'guest_seconds': round(guest_s),
        'git': subprocess.run(['git', '-C', TOP, 'rev-parse', '--short', 'HEAD'],
                              stdout=subprocess.PIPE, text=True).stdout.strip(),
        'failures': fails, 'kernel_splats': splats[:20],
    }
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f'bench-{stamp}')
    for case, c in summary.items():
        c['targets'] = [{'target': t, 'value': v, 'met': ok}
                        for t, v, ok in targets(c)]
    with open(base + '.json', 'w') as f:
        json.dump({'meta': meta, 'summary': summary, 'runs': runs}, f, indent=1)
    md = markdown(meta, summary)
    with open(base + '.md', 'w') as f:
        f.write(md + '\n')
    if can_plot and summary:
        subprocess.run([plot_python(), os.path.abspath(__file__), '--plot',
                        base + '.json'], check=True)
    if info.get('profiles'):
        with open(base + '-profile.txt', 'w') as f:
            f.write(f'perf record -a -g -e cpu-clock -F 999 in the guest, one cold-cache run '
                    f'of each method on the first case ({cases[0]}; a tree\'s methods on the '
                    f'first tree) ({meta["date"]}).  Per method: samples by vCPU and '
                    f'command; by command and symbol, self time only; for verify-file, '
                    f'its symbols with the time of what they call (perf report '
                    f'--children: the first column includes the callees, the second is '
                    f'self)\n')
            for m, lines in info['profiles'].items():
                f.write(f'\n==== {m}: {METHODS[m][0]} ====\n' + '\n'.join(lines) + '\n')
    print(md)
    log(f'wrote {base}.{{md,json{",png" if can_plot else ""}}} '
        f'in {time.time() - t0:.0f}s (guest {guest_s:.0f}s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
