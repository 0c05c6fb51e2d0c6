# SPDX-License-Identifier: GPL-2.0
"""vsbenchlib - the verity-scrub test bench's machinery (tests/harness/vsbench.py
is its command; tests/benchmark/run.py reuses it).

Builds the module against the bench kernels, builds the userspace tools,
boots qemu guests (TCG) with a busybox initramfs, runs the KUnit suites and
the guest scenarios in tests/scenarios/, and decides pass/fail from explicit
result lines.  A kernel oops, KASAN/KFENCE report, lockdep splat, hung task or
"BUG:" anywhere in a guest's console log fails the scenario it happened in.
The cmd_* functions are the bodies of vsbench.py's subcommands.
"""

import concurrent.futures
import fcntl
import functools
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BENCH = os.path.join(TOP, 'tests', 'harness')
SCEN_DIR = os.path.join(TOP, 'tests', 'scenarios')
BUILD = os.environ.get('VS_BUILD', os.path.join(TOP, 'build'))
KERNELS = ('6.1', '6.12')
# Variants of a bench kernel (make check-kasan): scenarios see the base.
VARIANTS = ('6.12-kasan',)


def base_kernel(kernel):
    """'6.12' for '6.12-kasan': what vs-kernels and the guest's VS_KERNEL say."""
    return kernel.split('-')[0]

ALL_FS = ('ext4', 'f2fs', 'btrfs')

# Kernel log lines that fail whatever scenario they appear in.
SPLAT = re.compile(
    r'BUG:|Oops|general protection fault|kernel BUG at|KASAN|UBSAN:|'
    r'WARNING: CPU:|WARNING: possible|WARNING: suspicious RCU|'
    r'inconsistent lock state|possible recursive locking|'
    r'circular locking dependency|blocked for more than|'
    r'soft lockup|hard LOCKUP|Kernel panic|list_add corruption|'
    r'list_del corruption|refcount_t:|Unable to handle kernel|'
    r'sleeping function called from invalid context')
# (KFENCE reports start with "BUG: KFENCE:"; its "kfence: initialized" line
# at boot is not one.)


class Results:
    """Counts every check; prints one line per check (thread-safe)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []
        self.times = []     # (guest seconds, "kernel/scenario[fs]")

    def add(self, ok, name, why=''):
        with self.lock:
            if ok:
                self.passed += 1
                print(f'PASS {name}', flush=True)
            else:
                self.failed += 1
                self.failures.append(f'{name} -- {why}')
                print(f'FAIL {name} -- {why}', flush=True)

    def skip(self, name, why):
        with self.lock:
            self.skipped += 1
            print(f'SKIP {name} -- {why}', flush=True)

    def report_times(self, logdir, top=8):
        """Where guest time went: all units to a file, the slowest printed."""
        if not self.times:
            return
        ranked = sorted(self.times, reverse=True)
        merged = unit_weights()         # keep units this run did not run
        merged.update({tag: secs for secs, tag in ranked})
        with open(os.path.join(logdir, 'unit-times.txt'), 'w') as f:
            for tag, secs in sorted(merged.items(), key=lambda kv: -kv[1]):
                f.write(f'{secs:5d}s {tag}\n')
        log('slowest guest units (guest seconds; all in logs/unit-times.txt): '
            + ', '.join(f'{tag} {secs}s' for secs, tag in ranked[:top]))

    def summary(self):
        if self.failures:
            print('\nFailures:')
            for f in self.failures:
                print(f'  {f}')
        line = f'{self.passed} passed, {self.failed} failed'
        if self.skipped:
            line += f', {self.skipped} skipped'
        print(line, flush=True)


def log(msg):
    print(f'vsbench: {msg}', file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, **kw)


# ---- kernels and builds ----------------------------------------------------

def install_deps():
    """The Debian packages the bench needs (install-deps.sh), before
    anything is built: make check and make demo both start here.  On a
    fresh machine this is most of the first run."""
    log('installing the Debian packages the bench needs, if missing '
        '(install-deps.sh: minutes on a fresh machine)')
    p = run([os.path.join(BENCH, 'install-deps.sh')], stdout=subprocess.DEVNULL)
    if p.returncode != 0:
        raise SystemExit(f'vsbench: install-deps.sh failed (exit {p.returncode})')


def provision(kernel):
    """Return dict(kdir, vmlinuz, moddir) for a bench kernel."""
    out = run([os.path.join(BENCH, 'provision-kernels.sh'), kernel],
              stdout=subprocess.PIPE, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[0] == kernel:
            return {'kdir': f[1], 'vmlinuz': f[2], 'moddir': f[3]}
    raise RuntimeError(f'provision-kernels.sh printed nothing for {kernel}')


def kernel_has(kdir, option):
    try:
        with open(os.path.join(kdir, '.config')) as f:
            return any(line.startswith(option + '=') for line in f)
    except OSError:
        return False


def copy_module_tree(d):
    """A private copy of the module's sources in @d (no build products)."""
    os.makedirs(d, exist_ok=True)
    run(['rsync', '-a', '--delete', '--exclude', '*.o', '--exclude', '*.ko',
         '--exclude', '.*.cmd',
         os.path.join(TOP, 'module'), os.path.join(TOP, 'kunit'),
         os.path.join(TOP, 'uapi'), os.path.join(TOP, 'Kbuild'),
         os.path.join(TOP, 'VERSION'), d + '/'],
        check=True)


def build_module(kernel, kdir, extra=()):
    """Build module + KUnit module in a private copy of the tree.

    Two builds: one with W=1 KCFLAGS=-Werror in mod-KERNEL-w1, only for its
    warnings, and the one the guests load in mod-KERNEL, with the flags DKMS
    uses (dkms.conf's MAKE): W=1 changes the code GCC emits for some
    functions, and the module tested must be the module users build
    (install's dkms-same-code compares the two).

    Returns (ok, output, dir)."""
    jobs = f'-j{os.cpu_count() or 2}'
    w1 = os.path.join(BUILD, f'mod-{kernel}-w1')
    copy_module_tree(w1)
    p = run(['make', '-C', kdir, f'M={w1}', 'W=1', 'KCFLAGS=-Werror', jobs,
             'modules'] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout
    # W=1 warnings must fail the build even where -Werror does not reach
    # (modpost, sparse with C=1).
    warn = [line for line in out.splitlines()
            if re.search(r'warning:|WARNING:|error:', line)]
    d = os.path.join(BUILD, f'mod-{kernel}')
    if p.returncode != 0 or warn:
        return False, out, d
    copy_module_tree(d)
    p = run(['make', '-C', kdir, f'M={d}', jobs, 'modules'] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode == 0, p.stdout if p.returncode else '', d


USERSPACE_PRODUCTS = ('libverityscrub.a', 'verify-file',
                      'examples/scrub-example')


def build_userspace():
    """make -C userspace, as a user would type it: it must build every
    product (the guests need them).  Returns (ok, why)."""
    p = run(['make', '-C', os.path.join(TOP, 'userspace')],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    missing = [f for f in USERSPACE_PRODUCTS
               if not os.path.exists(os.path.join(TOP, 'userspace', f))]
    if p.returncode == 0 and missing:
        return False, f'make -C userspace did not build {", ".join(missing)}'
    return p.returncode == 0, p.stdout[-3000:]


def build_tools():
    """Static test helpers + whatever userspace built.  (ok, why, files)."""
    tdir = os.path.join(BUILD, 'tools')
    os.makedirs(tdir, exist_ok=True)
    files = []
    srcs = []
    for sub in ('tests/guest/helpers',):
        d = os.path.join(TOP, sub)
        if os.path.isdir(d):
            srcs += [os.path.join(d, f) for f in sorted(os.listdir(d))
                     if f.endswith('.c')]
    for src in srcs:
        exe = os.path.join(tdir, os.path.basename(src)[:-2])
        # preload-*.c: LD_PRELOAD shims, shared objects (NAME.so)
        shared = os.path.basename(src).startswith('preload-')
        exe += '.so' if shared else ''
        p = run(['gcc', '-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror',
                 *(['-shared', '-fPIC'] if shared else ['-static']),
                 '-I', os.path.join(TOP, 'uapi'), '-o', exe, src,
                 '-lpthread'],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            return False, p.stdout[-3000:], []
        files.append(f'{exe}=/opt/bin/{os.path.basename(exe)}')
    udir = os.path.join(TOP, 'userspace')
    for name in sorted(os.listdir(udir)) if os.path.isdir(udir) else []:
        path = os.path.join(udir, name)
        if os.path.isfile(path) and os.access(path, os.X_OK) and \
                not name.endswith(('.sh', '.py')):
            files.append(f'{path}=/opt/bin/{name}')
    ex = os.path.join(udir, 'examples')
    if os.path.isdir(ex):
        for name in sorted(os.listdir(ex)):
            path = os.path.join(ex, name)
            if os.path.isfile(path) and os.access(path, os.X_OK) and '.' not in name:
                files.append(f'{path}=/opt/bin/{name}')
    return True, '', files


# ---- scenarios ---------------------------------------------------------------

class Scenario:
    """A tests/scenarios/*.sh file and its '# vs-...:' header."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-3]
        self.kernels = list(KERNELS)
        self.fs = ['ext4']
        self.timeout = 120
        self.mem = 1536
        self.disk = 1024
        self.disk2 = 0
        with open(path) as f:
            for line in f:
                m = re.match(r'#\s*vs-([a-z0-9]+):\s*(.*?)\s*$', line)
                if not m:
                    continue
                key, val = m.group(1), m.group(2)
                if key == 'kernels':
                    self.kernels = val.split()
                elif key == 'fs':
                    self.fs = val.split()
                elif key == 'timeout':
                    self.timeout = int(val)
                elif key == 'mem':
                    self.mem = int(val)
                elif key == 'disk':
                    self.disk = int(val)
                elif key == 'disk2':
                    self.disk2 = int(val)

    def boot_key(self):
        return (self.mem, self.disk, self.disk2)


def load_scenarios(only=None):
    out = []
    for f in sorted(os.listdir(SCEN_DIR)):
        if f.endswith('.sh'):
            s = Scenario(os.path.join(SCEN_DIR, f))
            if only and not re.search(only, s.name):
                continue
            out.append(s)
    return out


# ---- guests --------------------------------------------------------------------

def make_initramfs(kernel, kinfo, moddir_build, tools, out):
    files = list(tools)
    files.append(f'{SCEN_DIR}=/tests/scenarios')
    for ko in ('verity_scrub.ko', 'verity_scrub_test.ko'):
        p = os.path.join(moddir_build, ko)
        if os.path.exists(p):
            files.append(f'{p}=/lib/vs/{ko}')
    dkms = os.path.join(BUILD, f'dkms-{kernel}', 'verity_scrub.ko')
    if os.path.exists(dkms):
        files.append(f'{dkms}=/lib/vs/dkms/verity_scrub.ko')
    moddir = kinfo['moddir'] if kernel == '6.1' else '-'
    run([os.path.join(BENCH, 'mkinitramfs.sh'), base_kernel(kernel), moddir, out] + files,
        check=True)


def boot(kernel, kinfo, initramfs, plan, mem, disk, disk2, logpath):
    """Boot one guest running the plan [(name, fs, timeout)]; return log text."""
    tmp = tempfile.mkdtemp(prefix='vs-guest-')
    try:
        # The plan travels in the initramfs as a second, appended cpio.
        pdir = os.path.join(tmp, 'plan')
        os.makedirs(os.path.join(pdir, 'etc'))
        with open(os.path.join(pdir, 'etc', 'vs-plan'), 'w') as f:
            for name, fs, tmo in plan:
                f.write(f'{name} {fs} {tmo}\n')
        initrd = os.path.join(tmp, 'initrd')
        shutil.copyfile(initramfs, initrd)
        with open(initrd, 'ab') as f:
            f.write(run('cd %s && find etc | cpio -o -H newc --quiet' % pdir,
                        shell=True, stdout=subprocess.PIPE, check=True).stdout)
        drives = []
        for i, size in enumerate((disk, disk2)):
            if not size:
                continue
            img = os.path.join(tmp, f'disk{i}.img')
            with open(img, 'wb') as f:
                f.truncate(size << 20)
            drives += ['-drive',
                       f'file={img},if=virtio,format=raw,cache=unsafe']
        append = 'console=ttyS0 loglevel=5 panic=-1 rdinit=/init'
        if base_kernel(kernel) == '6.12':
            # no5lvl: with -cpu max (LA57) a KASAN build of this kernel
            # reported a wild-memory-access in an early timer interrupt
            # under TCG, before any of our code runs; 4-level paging is
            # what the guests were validated with.
            append += ' scsi_debug.dev_size_mb=64 no5lvl'
        accel = os.environ.get('VM_ACCEL', 'tcg')
        cmd = ['qemu-system-x86_64', '-accel', accel, '-cpu', 'max',
               '-smp', '2', '-m', str(mem), '-display', 'none', '-vga', 'none',
               '-no-reboot', '-monitor', 'none', '-serial', f'file:{logpath}',
               '-kernel', kinfo['vmlinuz'], '-initrd', initrd,
               '-append', append] + drives
        total = 90 + sum(t + 30 for _, _, t in plan)
        t0 = time.time()
        p = run(['timeout', '-k', '5', str(total)] + cmd,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
        log(f'guest {kernel} ran {time.time() - t0:.0f}s (exit {p.returncode})')
        with open(logpath, errors='replace') as f:
            text = f.read()
        if p.returncode == 124:
            text += '\nVS-HOST guest timed out\n'
        elif p.returncode != 0:
            text += f'\nVS-HOST qemu exited {p.returncode}: {p.stdout[-500:]}\n'
        return text
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def parse_units(text):
    """Split a console log into {(name, fs): dict(lines, ended, rc)}."""
    units = {}
    cur = None
    for line in text.splitlines():
        m = re.search(r'VS-BEGIN (\S+) (\S+)', line)
        if m:
            cur = (m.group(1), m.group(2))
            units[cur] = {'lines': [], 'ended': False, 'rc': None,
                          'secs': None}
            continue
        m = re.search(r'VS-END (\S+) (\S+) rc=(\d+)(?: secs=(\d+))?', line)
        if m and cur == (m.group(1), m.group(2)):
            units[cur]['ended'] = True
            units[cur]['rc'] = int(m.group(3))
            if m.group(4) is not None:
                units[cur]['secs'] = int(m.group(4))
            cur = None
            continue
        if cur:
            units[cur]['lines'].append(line)
    return units


def splats(lines):
    return [ln for ln in lines if SPLAT.search(ln) and 'VS-RESULT' not in ln]


def kunit_results(kernel, kdir, lines, res, logdir):
    """Hand the KTAP block to the kernel's own parser; count every case."""
    try:
        a = lines.index('VS-KTAP-BEGIN')
        b = lines.index('VS-KTAP-END')
        ktap = lines[a + 1:b]
    except ValueError:
        res.add(False, f'{kernel}/kunit', 'no KTAP block in the log')
        return
    kfile = os.path.join(logdir, f'kunit-{kernel}.ktap')
    jfile = os.path.join(logdir, f'kunit-{kernel}.json')
    with open(kfile, 'w') as f:
        f.write('\n'.join(ktap) + '\n')
    kpy = os.path.join(kdir, 'tools', 'testing', 'kunit', 'kunit.py')
    p = run([sys.executable, kpy, 'parse', f'--json={jfile}', kfile],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout, flush=True)
    try:
        with open(jfile) as f:
            tree = json.load(f)
    except (OSError, ValueError) as e:
        res.add(False, f'{kernel}/kunit', f'kunit.py parse gave no JSON: {e}')
        return
    cases = []

    def walk(group, prefix):
        for c in group.get('test_cases', []):
            cases.append((f'{prefix}.{c["name"]}', c['status']))
        for g in group.get('sub_groups', []):
            walk(g, f'{prefix}.{g["name"]}' if prefix else g['name'])
    walk(tree, '')
    if not cases:
        res.add(False, f'{kernel}/kunit', 'KTAP block had no test cases')
    for name, status in cases:
        if status == 'SKIP':
            res.skip(f'{kernel}/kunit/{name.lstrip(".")}', 'skipped')
        else:
            res.add(status == 'PASS', f'{kernel}/kunit/{name.lstrip(".")}', status)
    if p.returncode != 0 and all(s in ('PASS', 'SKIP') for _, s in cases):
        res.add(False, f'{kernel}/kunit-parse', f'kunit.py exited {p.returncode}')


BOOT_NO = itertools.count(1)
KUNIT_UNIT = (None, 'none')
KUNIT_BOOT = (1536, 1024, 0)


def run_boot_job(kernel, kinfo, initramfs, todo, boot_key, res, logdir):
    """Boot guests with boot_key until every unit of todo [(Scenario or
    None for KUnit, fs)] ran; a second boot is made for units a dead guest
    never started, and only one."""
    mem, disk, disk2 = boot_key
    retried = set()
    reboots = 0
    while todo:
        plan = [('kunit', 'none', 300) if sc is None else
                (sc.name, fs, sc.timeout) for sc, fs in todo]
        logpath = os.path.join(logdir, f'guest-{kernel}-{next(BOOT_NO)}.log')
        text = boot(kernel, kinfo, initramfs, plan, mem, disk, disk2, logpath)
        if 'VS-BOOTED' not in text and not reboots and died_before_us(text):
            # The kernel died in its own boot, before /init could load
            # anything of ours (seen under TCG: an int3 of the kernel's
            # live code patching).  Not a finding about the code under
            # test; said, and booted once more.  A second such boot fails.
            reboots += 1
            log(f'warning: {kernel} guest died booting, before any of our '
                f'code ran ({"; ".join(splats(text.splitlines())[:2]) or "no splat"}); '
                f'booting it once more. See {logpath}')
            continue
        if 'VS-BOOTED' not in text:
            res.add(False, f'{kernel}/boot', f'guest did not boot, see {logpath}')
            return
        boot_lines = text.split('VS-BOOTED', 1)[0].splitlines()
        for s in splats(boot_lines):
            res.add(False, f'{kernel}/boot', f'kernel: {s.strip()}')
        parsed = parse_units(text)
        rest = []
        for sc, fs in todo:
            name = 'kunit' if sc is None else sc.name
            u = parsed.get((name, fs))
            if u is None:
                rest.append((sc, fs))
                continue
            judge_unit(kernel, kinfo, sc, name, fs, u, res, logdir, logpath)
        if rest and tuple(rest) in retried:
            for sc, fs in rest:
                res.add(False, f'{kernel}/{sc.name if sc else "kunit"}[{fs}]',
                        f'never started (guest died), see {logpath}')
            break
        retried.add(tuple(rest))
        todo = rest


def unit_weights():
    """Guest seconds of each unit in the last run, {"kernel/name[fs]": s}."""
    w = {}
    try:
        with open(os.path.join(BUILD, 'logs', 'unit-times.txt')) as f:
            for line in f:
                secs, tag = line.split()
                w[tag] = int(secs.rstrip('s'))
    except (OSError, ValueError):
        pass
    return w


def died_before_us(text):
    """True if guest log @text shows a kernel that panicked before /init
    loaded any module (our modules are loaded after VS-BOOTED, by the
    scenarios; Debian's by /init, which prints VS-DMESG-BEGIN next)."""
    return ('Kernel panic' in text and 'VS-DMESG-BEGIN' not in text
            and 'verity_scrub' not in text)


def boot_jobs(kernel, units, kunit, weights, slots):
    """Split [(Scenario, fs)] (+ KUnit) into boots: units needing the same
    guest (memory, disks) share boots; a group is cut into pieces so that
    `slots` guests running side by side finish together.  Returns
    [(estimated seconds, boot_key, [(Scenario or None, fs)])]."""
    boot_cost = 25 if base_kernel(kernel) == '6.12' else 5
    groups = {}
    for sc, fs in units:
        groups.setdefault(sc.boot_key(), []).append((sc, fs))
    if kunit:
        groups.setdefault(KUNIT_BOOT, []).insert(0, KUNIT_UNIT)

    def weight(sc, fs):
        if sc is None:
            return weights.get(f'{kernel}/kunit[none]', 30)
        # Unknown: a guess from the scenario's timeout (6.12 guests, with
        # lockdep and the other debug options, take several times as long
        # as 6.1's).
        return weights.get(f'{kernel}/{sc.name}[{fs}]',
                           max(5, sc.timeout // (6 if base_kernel(kernel) == '6.12' else 36)))
    total = sum(weight(*u) for g in groups.values() for u in g)
    target = max(90, total / (2 * slots))
    jobs = []
    for key, todo in groups.items():
        w = sum(weight(*u) for u in todo)
        n = max(1, min(len(todo), round(w / target)))
        bins = [[0, []] for _ in range(n)]
        for u in sorted(todo, key=lambda u: -weight(*u)):
            b = min(bins, key=lambda b: b[0])
            b[0] += weight(*u)
            b[1].append(u)
        jobs += [(b[0] + boot_cost, key, b[1]) for b in bins if b[1]]
    return jobs


def run_jobs(jobs, slots):
    """Run [(estimated seconds, label, fn)] on `slots` threads, longest
    first; an exception fails nothing silently: it is re-raised."""
    jobs = sorted(jobs, key=lambda j: -j[0])
    with concurrent.futures.ThreadPoolExecutor(max_workers=slots) as pool:
        futures = [pool.submit(fn) for _, _, fn in jobs]
        for f in futures:
            f.result()


def run_guests(kernel, kinfo, initramfs, units, res, logdir, kunit=False):
    """Run [(Scenario, fs)] (+ KUnit) on one kernel, VS_JOBS guests at a
    time."""
    slots = guest_slots()
    jobs = [(est, key, lambda key=key, todo=todo: run_boot_job(
                kernel, kinfo, initramfs, todo, key, res, logdir))
            for est, key, todo in boot_jobs(kernel, units, kunit,
                                            unit_weights(), slots)]
    run_jobs(jobs, slots)


def guest_slots():
    try:
        return max(1, int(os.environ.get('VS_JOBS', '2')))
    except ValueError:
        return 2


def json_problems(lines):
    """Check every verify-file --json document among a unit's console
    lines (one a line, as verify-file prints them) against
    userspace/verify-file.schema.json.  Returns (documents, first problem
    or '')."""
    sys.path.insert(0, os.path.join(TOP, 'userspace', 'tests'))
    try:
        import validate_json
    except ImportError as e:    # python3-jsonschema: install-deps.sh
        return 1, f'cannot validate: {e}'
    found = validate_json.scan('\n'.join(lines))
    bad = [(n, p) for n, p in found if p]
    return len(found), (f'line {bad[0][0]} of the unit: '
                        f'{bad[0][1][0]}' if bad else '')


RESULT = re.compile(r'VS-RESULT (PASS|FAIL) (\S+) (.*)$')


def parse_result(line):
    """The one result line every test script prints (tests/guest/result.sh):
    'VS-RESULT PASS|FAIL UNIT[WHERE] CHECK [-- REASON]', anywhere in
    LINE.  Returns (passed, unit, check, reason), or None."""
    m = RESULT.search(line)
    if not m:
        return None
    check, _, why = m.group(3).partition(' -- ')
    return m.group(1) == 'PASS', m.group(2), check, why


def result_line(ok, unit, check, why=''):
    """The line parse_result() reads, as tests/guest/result.sh prints it."""
    return (f'VS-RESULT PASS {unit} {check}' if ok else
            f'VS-RESULT FAIL {unit} {check} -- {why}')


def judge_unit(kernel, kinfo, sc, name, fs, u, res, logdir, logpath):
    tag = f'{kernel}/{name}[{fs}]'
    if u.get('secs') is not None:
        res.times.append((u['secs'], tag))
    if sc is None:
        kunit_results(kernel, kinfo['kdir'], u['lines'], res, logdir)
    else:
        n = 0
        for line in u['lines']:
            r = parse_result(line)
            if r:
                n += 1
                ok, unit, check, why = r
                res.add(ok, f'{kernel}/{unit} {check}', why)
        if n == 0:
            res.add(False, tag, f'no result lines, see {logpath}')
        ndocs, why = json_problems(u['lines'])
        if ndocs:
            res.add(not why, f'{tag} verify-file --json documents match '
                    'the schema', f'{why}, see {logpath}' if why else '')
    if not u['ended']:
        res.add(False, tag, f'did not finish (timeout, hang or crash), see {logpath}')
    elif u['rc'] != 0:
        res.add(False, tag, f'exited {u["rc"]} (a command failed under set -e), see {logpath}')
    for s in splats(u['lines']):
        res.add(False, tag, f'kernel: {s.strip()}')
        break


# ---- the whole check -------------------------------------------------------------

def host_tests(res):
    p = run(['make', '-C', os.path.join(TOP, 'userspace'), 'check'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout[-6000:], flush=True)
    m = None
    for line in p.stdout.splitlines():
        mm = re.match(r'^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed', line)
        if mm:
            m = mm
    if not m:
        res.add(False, 'host/userspace', f'no "N passed, N failed" line (exit {p.returncode})')
        return
    # Fold the host tests' own counts into the totals.
    npass, nfail = int(m.group(1)), int(m.group(2))
    res.passed += npass
    res.failed += nfail
    if nfail:
        res.failures.append(f'host/userspace: {nfail} host tests failed')
    if p.returncode != 0 and nfail == 0:
        res.add(False, 'host/userspace', f'make check exited {p.returncode}')
    print(f'host tests: {npass} passed, {nfail} failed', flush=True)


def script_results(res, script, prefix):
    """Run a host test script that prints VS-RESULT lines
    (tests/guest/result.sh): each is the check PREFIX/CHECK; its other lines
    are printed.  Returns (result lines, exit status)."""
    p = run([script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
    n = 0
    for line in p.stdout.splitlines():
        r = parse_result(line)
        if r:
            n += 1
            ok, _, check, why = r
            res.add(ok, f'{prefix}/{check}', why)
        else:
            print(line)
    return n, p.returncode


def lint(res):
    n, rc = script_results(res, os.path.join(BENCH, 'lint.sh'), 'lint')
    if rc != 0 and n == 0:
        res.add(False, 'lint', f'lint.sh exited {rc}')


def selftests(res):
    """The bench's own logic, on the host (tests/harness/selftest.py)."""
    n, rc = script_results(res, os.path.join(BENCH, 'selftest.py'), 'harness')
    if n == 0:
        res.add(False, 'harness', f'selftest.py exited {rc} and checked nothing')


def install_tests(res):
    """DKMS build, make install/uninstall, udev rule (tests/install/run.sh)."""
    script = os.path.join(TOP, 'tests', 'install', 'run.sh')
    if not os.path.exists(script):
        return
    n, rc = script_results(res, script, 'install')
    if n == 0 or rc != 0:
        res.add(False, 'install', f'run.sh exited {rc} after {n} checks')


def prepare_guest(kernel, tools, res=None, install=False):
    """Provision the kernel, build the module against it (W=1) and the
    guest's initramfs.  With res, the builds count as checks; install runs
    the install/DKMS checks first (their DKMS module goes into the guest).
    Returns (kinfo, initramfs, has_kunit, module_ok)."""
    tk = time.time()
    kinfo = provision(kernel)
    log(f'kernel {kernel} ready after {time.time() - tk:.0f}s')
    ok, out, mdir = build_module(kernel, kinfo['kdir'])
    if not ok:
        print(out[-6000:])
    has_kunit = kernel_has(kinfo['kdir'], 'CONFIG_KUNIT')
    if res is not None:
        res.add(ok, f'build/module-{kernel}', 'module build failed or warned (W=1)')
        if has_kunit:
            res.add(os.path.exists(os.path.join(mdir, 'verity_scrub_test.ko')),
                    f'build/kunit-{kernel}', 'verity_scrub_test.ko not built')
    if install and ok:
        install_tests(res)
    initramfs = os.path.join(BUILD, f'initramfs-{kernel}.cpio')
    make_initramfs(kernel, kinfo, mdir, tools, initramfs)
    return kinfo, initramfs, has_kunit, ok


def cmd_check(args):
    res = Results()
    t0 = time.time()
    kernels = args.kernels.split(',')
    logdir = os.path.join(BUILD, 'logs')
    os.makedirs(logdir, exist_ok=True)
    install_deps()
    ok, why = build_userspace()
    res.add(ok, 'build/userspace', why)
    ok, why, tools = build_tools()
    res.add(ok, 'build/test-tools', why)
    scen = load_scenarios(args.only)
    slots = guest_slots()
    weights = unit_weights()
    jobs = []
    for k in kernels if tools else ():
        kinfo, initramfs, has_kunit, ok = prepare_guest(
            k, tools, res, install=k == '6.1' and not args.only)
        if not ok:
            continue
        units = [(sc, fs) for sc in scen if base_kernel(k) in sc.kernels
                 for fs in sc.fs]
        for est, key, todo in boot_jobs(k, units, has_kunit and not args.only,
                                        weights, slots):
            jobs.append((est, f'{k} guest', functools.partial(
                run_boot_job, k, kinfo, initramfs, todo, key, res, logdir)))
        # the real systemd guest (6.1; --only: when it matches its name)
        if k == '6.1' and (not args.only or re.search(args.only, SYSTEMD_NAME)):
            jobs.append((weights.get(f'6.1/{SYSTEMD_NAME}[boot]', 120) + 60,
                         '6.1 systemd guest', functools.partial(
                             check_systemd_guest, kinfo,
                             os.path.join(BUILD, 'mod-6.1'), res, logdir)))
        # make demo's guest, its report checked (--only: when it matches "demo")
        if k == DEMO_KERNEL and (not args.only or re.search(args.only, 'demo')):
            jobs.append((weights.get(f'{k}/demo[ext4]', 30) + 5, f'{k} demo',
                         functools.partial(check_demo, k, kinfo, initramfs,
                                           res, logdir)))
    # The host's own checks run beside the guests.
    if not args.no_host:
        jobs.append((120, 'host tests', functools.partial(host_tests, res)))
        jobs.append((5, 'harness self-tests', functools.partial(selftests, res)))
    if not args.no_lint:
        jobs.append((60, 'lint', functools.partial(lint, res)))
    log(f'{len(jobs)} jobs, {slots} at a time (VS_JOBS)')
    run_jobs(jobs, slots)
    res.report_times(logdir)
    log(f'check took {time.time() - t0:.0f}s')
    res.summary()
    return 1 if res.failed else 0


def cmd_run(args):
    """Development: run some scenarios on one kernel, print the results."""
    res = Results()
    logdir = os.path.join(BUILD, 'logs')
    os.makedirs(logdir, exist_ok=True)
    ok, why = build_userspace()
    if not ok:
        log('userspace build failed: ' + why[-500:])
    ok, why, tools = build_tools()
    if not ok:
        print(why)
        return 1
    kinfo, initramfs, _, ok = prepare_guest(args.kernel, tools)
    if not ok:
        log('module build failed: only "vs-module: no" scenarios can pass')
    byname = {s.name: s for s in load_scenarios()}
    units = []
    kunit = False
    for spec in args.scenarios:
        name, _, fs = spec.partition(':')
        if name == 'kunit':
            kunit = True
            continue
        sc = byname[name]
        if base_kernel(args.kernel) not in sc.kernels:
            log(f'{name} does not run on {args.kernel} (vs-kernels)')
            continue
        for f in (fs.split(',') if fs else sc.fs):
            units.append((sc, f))
    run_guests(args.kernel, kinfo, initramfs, units, res, logdir, kunit=kunit)
    res.report_times(logdir)
    res.summary()
    return 1 if res.failed else 0


# ---- the real systemd guest (issue 12: units, autoload, journal, metrics) ------

SYSTEMD_DIR = os.path.join(TOP, 'tests', 'systemd')
SYSTEMD_NAME = 'systemd-guest'
SYSTEMD_UNITS = ('verity-scrub-all.service', 'verity-scrub-all.timer',
                 'verity-scrub@.service', 'verity-scrub-fail@.service')


def systemd_host_verify(res, tmp):
    """systemd-analyze verify on the host, of the units make install
    writes (the templates under an instance name), man pages included."""
    d = os.path.join(tmp, 'destdir')
    p = run(['make', '-s', '-C', TOP, 'install', f'DESTDIR={d}'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        res.add(False, f'host/{SYSTEMD_NAME} systemd-analyze verify',
                f'make install DESTDIR= failed: {p.stdout[-300:]}')
        return
    udir = os.path.join(d, 'usr', 'local', 'lib', 'systemd', 'system')
    vdir = os.path.join(tmp, 'verify')
    os.makedirs(vdir)
    names = []
    for u in SYSTEMD_UNITS:
        name = u.replace('@.', '@srv-data.' if u.startswith('verity-scrub@')
                         else '@verity-scrub-all.service.')
        shutil.copyfile(os.path.join(udir, u), os.path.join(vdir, name))
        names.append(os.path.join(vdir, name))
    env = dict(os.environ, MANPATH=os.path.join(d, 'usr', 'local', 'share', 'man'))
    p = run(['systemd-analyze', 'verify'] + names, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    res.add(p.returncode == 0 and not p.stdout.strip(),
            f'host/{SYSTEMD_NAME} systemd-analyze verify',
            f'exit {p.returncode}: {p.stdout.strip()[-500:]}')


def check_systemd_guest(kinfo, mdir, res, logdir):
    """make check's systemd guest (tests/systemd/): Debian 12 with systemd
    as PID 1 under the 6.1 kernel, the project make-installed into it; its
    checks print VS-RESULT lines like a scenario's."""
    tag = f'6.1/{SYSTEMD_NAME}[ext4]'
    tmp = tempfile.mkdtemp(prefix='vs-systemd-', dir=BUILD)
    try:
        systemd_host_verify(res, tmp)
        t = time.time()
        p = run([os.path.join(SYSTEMD_DIR, 'build-root.sh')],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            res.add(False, tag, f'build-root.sh failed: {p.stderr[-500:]}')
            return
        log(f'systemd guest root ready after {time.time() - t:.0f}s')
        t = time.time()
        p = run([os.path.join(SYSTEMD_DIR, 'make-image.sh'), p.stdout.strip(),
                 os.path.join(mdir, 'verity_scrub.ko'), kinfo['moddir'], tmp],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            res.add(False, tag, f'make-image.sh failed: {p.stdout[-500:]}')
            return
        log(f'systemd guest image made in {time.time() - t:.0f}s')
        disk = os.path.join(tmp, 'disk1.img')
        with open(disk, 'wb') as f:
            f.truncate(256 << 20)
        # /dev/vdc: the transient run's filesystem, on device-mapper (a
        # disk of its own: dm cannot map a part of the mounted /dev/vdb)
        disk2 = os.path.join(tmp, 'disk2.img')
        with open(disk2, 'wb') as f:
            f.truncate(64 << 20)
        logpath = os.path.join(logdir, f'{SYSTEMD_NAME}-6.1.log')
        cmd = ['qemu-system-x86_64', '-accel', os.environ.get('VM_ACCEL', 'tcg'),
               '-cpu', 'max', '-smp', '2', '-m', '1024', '-display', 'none',
               '-vga', 'none', '-no-reboot', '-monitor', 'none',
               '-serial', f'file:{logpath}', '-kernel', kinfo['vmlinuz'],
               '-initrd', os.path.join(tmp, 'initrd'),
               '-append', 'console=ttyS0 loglevel=4 panic=-1 root=/dev/vda rw '
               'init=/lib/systemd/systemd systemd.show_status=error',
               '-drive', f'file={os.path.join(tmp, "root.img")},if=virtio,'
               'format=raw,cache=unsafe',
               '-drive', f'file={disk},if=virtio,format=raw,cache=unsafe',
               '-drive', f'file={disk2},if=virtio,format=raw,cache=unsafe']
        t = time.time()
        # a guard against a hang, not a time limit: a boot and every check
        # take 5-9 min under TCG on a loaded host (the transient run's waits
        # for the gate are capped at 60 s each)
        q = run(['timeout', '-k', '5', '900'] + cmd, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        secs = time.time() - t
        log(f'systemd guest ran {secs:.0f}s (exit {q.returncode})')
        with open(logpath, errors='replace') as f:
            text = f.read()
        if q.returncode == 124:
            text += '\nVS-HOST guest timed out\n'
        u = parse_units(text).get((SYSTEMD_NAME, 'ext4'))
        if 'VS-BOOTED' not in text or u is None:
            res.add(False, tag, f'the systemd guest did not run its test, see {logpath}')
            return
        for s in splats(text.split('VS-BOOTED', 1)[0].splitlines()):
            res.add(False, f'6.1/{SYSTEMD_NAME} boot', f'kernel: {s.strip()}')
        sc = Scenario.__new__(Scenario)     # no script: judged as one
        judge_unit('6.1', kinfo, sc, SYSTEMD_NAME, 'ext4', u, res, logdir, logpath)
        res.times.append((round(secs), f'6.1/{SYSTEMD_NAME}[boot]'))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cmd_systemd(args):
    """Development: only the systemd guest (the 6.1 module is built)."""
    res = Results()
    logdir = os.path.join(BUILD, 'logs')
    os.makedirs(logdir, exist_ok=True)
    ok, why = build_userspace()
    if not ok:
        print(why)
        return 1
    kinfo = provision('6.1')
    ok, out, mdir = build_module('6.1', kinfo['kdir'])
    if not ok:
        print(out[-3000:])
        return 1
    check_systemd_guest(kinfo, mdir, res, logdir)
    res.summary()
    return 1 if res.failed else 0


# ---- the demo (make demo; make check checks its report) -----------------------

DEMO_KERNEL = '6.1'
DEMO_SCRIPT = os.path.join(TOP, 'tests', 'demo', 'demo.sh')
# What tests/demo/demo.sh promises (README, "See it work"): an 8 MiB + 1000
# byte fs-verity file on ext4 (4096-byte blocks), data block 100 corrupted
# on the disk, the sectors under data block 1500 failed by a dm error
# target (BLK_STS_IOERR: reason "other").
DEMO_SIZE = 8389608                             # 8 * 1024 * 1024 + 1000
DEMO_RANGES = [                                 # --json, in file order
    {'offset': 409600, 'length': 4096,          # 100 * 4096
     'kind': 'hash_mismatch', 'cached_good': False},
    {'offset': 6144000, 'length': 4096,         # 1500 * 4096
     'kind': 'io_error', 'detail': 'other', 'cached_good': False},
]
DEMO_PLAIN = ('hash_mismatch at offset 409600 length 4096; '
              'io_error (other) at offset 6144000 length 4096')
DEMO_SUMMARY = 'Error summary: hash_mismatch=1 io_error=1 (blocks)'
DEMO_KIND_BLOCKS = {'hash_mismatch': 1, 'tree_corrupt': 0, 'io_error': 1,
                    'transient': 0, 'unknown': 0}
DEMO_BAD_EXIT = 3                               # 1 corruption | 2 I/O errors
DEMO_MIRROR = '/tmp/mirror/demo.img'            # a copy made before the damage
DEMO_COMMANDS = ['verify-file FILE', 'cat_null FILE', 'verify-file FILE',
                 'verify-file --json FILE',
                 f'verify-file --repair-from {DEMO_MIRROR} FILE',
                 'verify-file FILE']
DEMO_REPAIRED = ('REPAIRED: 2 blocks, 8192 bytes from ' + DEMO_MIRROR +
                 f'; the new file scrubs clean from disk ({DEMO_SIZE} bytes '
                 'verified)')
DEMO_REPAIRED_EXIT = 64                         # damage repaired, none left
DEMO_APP = '/mnt/scratch/app.bin'               # mapped, rots under pages 3, 200
DEMO_APP_SIZE = 1048576
DEMO_APP_BAD = ('hash_mismatch at offset 12288 length 4096; '
                'hash_mismatch at offset 819200 length 4096')
DEMO_COMMANDS += [f'verify-file {DEMO_APP}', f'verify-file --repair {DEMO_APP}',
                  'touch_again', f'verify-file {DEMO_APP}']


def demo_report(lines):
    """The demo's own output among a guest's console lines: no kernel
    messages, no VS- lines, nothing from the dmesg dump after it."""
    out = []
    for line in lines:
        if line.startswith('VS-DMESG-BEGIN'):
            break
        if not re.match(r'\s*\[\s*\d+\.\d+\]|VS-', line):
            out.append(line)
    return out


def demo_commands(lines):
    """[(command, [output lines], exit status)] of the report's
    "$ COMMAND" ... "(exit status N)" blocks (tests/demo/demo.sh, show)."""
    cmds = []
    cur = None
    for line in lines:
        if line.startswith('$ '):
            cur = (line[2:].strip(), [])
            continue
        m = re.match(r'\(exit status (\d+)\)$', line.strip())
        if m and cur:
            cmds.append((cur[0], cur[1], int(m.group(1))))
            cur = None
        elif cur:
            cur[1].append(line)
    return cmds


def judge_demo(lines):
    """The checks of the demo's report (its lines as printed, anything
    around them ignored): exact ranges, kinds and exit statuses.  Always
    the same checks, failed where the report lacks what they look at.
    Returns [(ok, check, why)]."""
    out = []

    def expect(name, want, got):
        out.append((want == got, name, f'want {want!r}, got {got!r}'))

    def first(lines, prefix=''):
        return next((ln.strip() for ln in lines if ln.startswith(prefix)), None)

    cmds = demo_commands(lines)
    path = cmds[0][0].split()[-1] if cmds else 'FILE'
    shape = [' '.join([os.path.basename(c.split()[0])] +
                      ['FILE' if a == path else a for a in c.split()[1:]])
             for c, _, _ in cmds]
    expect('commands shown', DEMO_COMMANDS, shape)
    none = ('', [], None)
    (fresh, cat, plain, js, repair, again, app, heal, touch,
     healed) = cmds if shape == DEMO_COMMANDS else [none] * 10

    expect('fresh file: verify-file exit status', 0, fresh[2])
    expect('fresh file: verify-file says OK', f'{path}: OK', first(fresh[1]))
    expect('damaged file: cat exit status', 1, cat[2])
    expect('damaged file: cat got EIO', True,
           any('Input/output error' in ln for ln in cat[1]))
    expect('verify-file: exit status', DEMO_BAD_EXIT, plain[2])
    expect('verify-file: one hash_mismatch and one io_error range',
           f'{path}: BAD: {DEMO_PLAIN}', first(plain[1]))
    expect('verify-file: error summary', DEMO_SUMMARY,
           first(plain[1], 'Error summary:'))
    expect('verify-file --json: exit status', DEMO_BAD_EXIT, js[2])
    try:
        doc = json.loads('\n'.join(js[1]))
        f = doc['files'][0] if len(doc['files']) == 1 else {}
    except (ValueError, KeyError, TypeError):
        doc, f = {}, {}
    ndocs, why = json_problems(js[1])
    expect('verify-file --json: the document matches the schema',
           (1, ''), (ndocs, why))
    expect('verify-file --json: one file, bad, its size', (path, 'bad', DEMO_SIZE),
           (f.get('path'), f.get('status'), f.get('size')))
    expect('verify-file --json: ranges', DEMO_RANGES, f.get('ranges'))
    expect('verify-file --json: kind_blocks', DEMO_KIND_BLOCKS,
           doc.get('summary', {}).get('kind_blocks'))
    expect('--repair-from: exit status', DEMO_REPAIRED_EXIT, repair[2])
    expect('--repair-from: the damage found, then both blocks from the copy',
           [f'{path}: BAD: {DEMO_PLAIN}', f'{path}: {DEMO_REPAIRED}'],
           [ln.strip() for ln in repair[1][:2]])
    expect('repaired file: verify-file exit status', 0, again[2])
    expect('repaired file: verify-file says OK', f'{path}: OK',
           first(again[1]))
    expect('mapped file: BAD, both blocks still cached (exit status)', 1,
           app[2])
    expect('mapped file: the ranges and the repair-now line',
           [f'{DEMO_APP}: BAD: {DEMO_APP_BAD}',
            f'{DEMO_APP}: every bad block is still in the page cache, '
            f"verified: repair it now, from the cache, with 'verify-file "
            f"--repair {DEMO_APP}'"], [ln.strip() for ln in app[1][:2]])
    expect('--repair: exit status', DEMO_REPAIRED_EXIT, heal[2])
    expect('--repair: both blocks from the page cache, the new file clean',
           f'{DEMO_APP}: REPAIRED: 2 blocks, 8192 bytes from page cache; '
           f'the new file scrubs clean from disk ({DEMO_APP_SIZE} bytes '
           'verified)', first(heal[1], f'{DEMO_APP}: REPAIRED'))
    expect('the program reads its whole mapping, still running',
           (0, ['ok 256', 'the program is still running']),
           (touch[2], [ln.strip() for ln in touch[1]]))
    expect('self-healed file: verify-file from the disk', (0, f'{DEMO_APP}: OK'),
           (healed[2], first(healed[1])))
    return out


def run_demo(kernel, kinfo, initramfs, logdir):
    """Boot the demo's guest.  Returns (Scenario, unit or None, log path)."""
    sc = Scenario(DEMO_SCRIPT)
    logpath = os.path.join(logdir, f'demo-{kernel}.log')
    text = boot(kernel, kinfo, initramfs, [(sc.name, sc.fs[0], sc.timeout)],
                sc.mem, sc.disk, sc.disk2, logpath)
    if 'VS-BOOTED' not in text:
        log(f'the demo guest did not boot, see {logpath}')
    return sc, parse_units(text).get((sc.name, sc.fs[0])), logpath


def check_demo(kernel, kinfo, initramfs, res, logdir):
    """make check runs make demo's guest: judged as a scenario (ran to the
    end, no kernel splat), then every promise of its report."""
    sc, u, logpath = run_demo(kernel, kinfo, initramfs, logdir)
    tag = f'{kernel}/{sc.name}[{sc.fs[0]}]'
    if u is None:
        res.add(False, tag, f'the demo did not run, see {logpath}')
    else:
        judge_unit(kernel, kinfo, sc, sc.name, sc.fs[0], u, res, logdir,
                   logpath)
    for ok, name, why in judge_demo(demo_report(u['lines'] if u else [])):
        res.add(ok, f'{tag} {name}', why)


def cmd_demo(args):
    """Boot a guest that damages a verity file and show verify-file's report."""
    kernel = args.kernel
    logdir = os.path.join(BUILD, 'logs')
    os.makedirs(logdir, exist_ok=True)
    install_deps()
    ok, why = build_userspace()
    if not ok:
        print(why)
        return 1
    ok, why, tools = build_tools()
    if not ok:
        print(why)
        return 1
    kinfo, initramfs, _, ok = prepare_guest(kernel, tools)
    if not ok:
        return 1
    _, u, logpath = run_demo(kernel, kinfo, initramfs, logdir)
    if not u:
        print(f'the demo guest did not run; see {logpath}')
        return 1
    report = demo_report(u['lines'])
    for line in report:
        print(line)
    failed = [(name, why) for ok, name, why in judge_demo(report) if not ok]
    for name, why in failed:
        print(f'FAIL demo {name} -- {why}')
    if not failed:
        print('\nAs promised: ' + ' and '.join(
            f'one {r["kind"]} range (offset {r["offset"]}, length {r["length"]})'
            for r in DEMO_RANGES) + ', plain and --json.')
    bad = splats(u['lines'])
    for s in bad:
        print(f'kernel: {s.strip()}')
    ok = u['ended'] and u['rc'] == 0 and not bad and not failed
    print(f'\n(guest log: {logpath})', flush=True)
    return 0 if ok else 1


def cmd_verify_demo(args):
    """make check-fresh: make demo's output, saved in a file, checked as
    make check checks the demo's report; one VS-RESULT line per check
    (demo[ext4]), which check-fresh.sh counts, then the totals."""
    with open(args.file, errors='replace') as f:
        lines = f.read().splitlines()
    checks = judge_demo(lines)
    for ok, name, why in checks:
        print(result_line(ok, 'demo[ext4]', name, why))
    failed = sum(1 for ok, _, _ in checks if not ok)
    print(f'{len(checks) - failed} passed, {failed} failed', flush=True)
    return 1 if failed else 0


def lock_build_dir():
    """One run per build directory (logs, module trees and initramfs live
    there); set VS_BUILD to run several side by side.  Waits for a run
    already using it.  Returns the open lock file: keep it while running."""
    os.makedirs(BUILD, exist_ok=True)
    lock = open(os.path.join(BUILD, '.lock'), 'w')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        log(f'another run uses {BUILD}; waiting (or set VS_BUILD)')
        fcntl.flock(lock, fcntl.LOCK_EX)
    return lock
