#!/usr/bin/env python3
"""Self-tests of the bench's own logic that no guest exercises: when a dead
guest is booted once more (died_before_us, run_boot_job), how units are
split into boots (boot_jobs), and which sha256 driver the benchmark's table
names (run.py's module_driver).  Runs on the host, boots nothing (boot()
and judge_unit() are replaced by fakes), and prints one VS-RESULT line per
check (harness[host] CHECK), as tests/guest/result.sh does; make check
counts them."""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'benchmark'))
import vsbenchlib as vb  # noqa: E402

UNIT = 'harness[host]'
failed = 0

# A 6.12 guest that died in the kernel's own boot (seen under TCG), one
# whose kernel died after /init started, and one that ran its unit.
DIED_EARLY = ('[   16.1] Oops: int3: 0000 [#1] PREEMPT SMP\n'
              '[   16.1] RIP: 0010:sched_clock_tick+0x5/0x60\n'
              '[   16.2] Kernel panic - not syncing: Fatal exception\n')
DIED_LATE = ('VS-DMESG-BEGIN\n[    9.0] verity_scrub: loading out-of-tree module\n'
             '[   20.0] Kernel panic - not syncing: Fatal exception\n')
DIED_IN_INIT = ('VS-DMESG-BEGIN\n[    5.0] Kernel panic - not syncing: Fatal exception\n')
RAN = ('VS-DMESG-BEGIN\nVS-BOOTED\nVS-BEGIN engine-clean ext4\n'
       'VS-RESULT PASS engine-clean[ext4] ranges\nVS-END engine-clean ext4 rc=0\n')


def check(name, ok, why=''):
    global failed
    if not ok:
        failed += 1
    print(vb.result_line(ok, UNIT, name, why), flush=True)


class FakeScenario:
    def __init__(self, name):
        self.name = name
        self.timeout = 60


def boot_job(logs):
    """run_boot_job() of one unit over guests whose logs are @logs, in
    order.  Returns (boots made, units judged, failures)."""
    boots, judged = [], []
    saved = vb.boot, vb.judge_unit, vb.log

    def fake_boot(kernel, kinfo, initramfs, plan, mem, disk, disk2, logpath):
        boots.append(plan)
        if len(boots) > 5:
            raise RuntimeError('it boots and boots')
        return logs[min(len(boots), len(logs)) - 1]

    def fake_judge(kernel, kinfo, sc, name, fs, u, res, logdir, logpath):
        judged.append((name, fs, u['rc']))

    vb.boot, vb.judge_unit, vb.log = fake_boot, fake_judge, lambda msg: None
    res = vb.Results()
    try:
        with tempfile.TemporaryDirectory() as d:
            out = sys.stdout
            sys.stdout = open(os.devnull, 'w')
            try:
                vb.run_boot_job('6.12', {}, '-', [(FakeScenario('engine-clean'), 'ext4')],
                                (512, 64, 0), res, d)
            except RuntimeError as e:
                res.failures.append(str(e))
            finally:
                sys.stdout.close()
                sys.stdout = out
    finally:
        vb.boot, vb.judge_unit, vb.log = saved
    return len(boots), judged, res.failures


def test_died_before_us():
    check('died-before-us-early-panic', vb.died_before_us(DIED_EARLY) is True)
    check('died-before-us-after-init', vb.died_before_us(DIED_IN_INIT) is False)
    check('died-before-us-after-our-module', vb.died_before_us(DIED_LATE) is False)
    check('died-before-us-ran', vb.died_before_us(RAN) is False)
    check('died-before-us-no-panic', vb.died_before_us('[ 1.0] Linux version 6.12\n') is False)


def test_reboot():
    n, judged, fails = boot_job([DIED_EARLY, RAN])
    check('reboot-once-after-early-death', (n, judged, fails) ==
          (2, [('engine-clean', 'ext4', 0)], []), f'{n} boots, judged {judged}, {fails}')
    n, judged, fails = boot_job([DIED_EARLY, DIED_EARLY])
    check('second-early-death-fails', n == 2 and not judged and len(fails) == 1
          and fails[0].startswith('6.12/boot -- guest did not boot'),
          f'{n} boots, judged {judged}, {fails}')
    for name, log in (('in-init', DIED_IN_INIT), ('after-our-module', DIED_LATE)):
        n, judged, fails = boot_job([log, RAN])
        check(f'death-{name}-not-rebooted', n == 1 and not judged and len(fails) == 1
              and fails[0].startswith('6.12/boot -- guest did not boot'),
              f'{n} boots, judged {judged}, {fails}')
    n, judged, fails = boot_job([RAN])
    check('clean-boot-once', (n, judged, fails) == (1, [('engine-clean', 'ext4', 0)], []),
          f'{n} boots, judged {judged}, {fails}')


def test_boot_jobs():
    class Sc(FakeScenario):
        def __init__(self, name, key):
            super().__init__(name)
            self.key = key

        def boot_key(self):
            return self.key

    units = [(Sc(f's{i}', (512, 64, 0) if i % 3 else (1024, 512, 0)), fs)
             for i in range(10) for fs in ('ext4', 'f2fs')]
    weights = {f'6.1/s{i}[{fs}]': 10 * (i + 1) for i in range(10) for fs in ('ext4', 'f2fs')}
    jobs = vb.boot_jobs('6.1', units, False, weights, 2)
    placed = [(sc.name, fs) for _, _, todo in jobs for sc, fs in todo]
    check('boot-jobs-every-unit-once',
          sorted(placed) == sorted((sc.name, fs) for sc, fs in units),
          f'{len(placed)} placed of {len(units)}')
    check('boot-jobs-one-boot-key-each',
          all(all(sc.boot_key() == key for sc, _ in todo) for _, key, todo in jobs))


def test_module_driver():
    import run
    floor = {'small': {'methods': {'hashfloor': {'crypto_driver': 'sha256-generic'}}}}
    check('bench-driver-from-dmesg',
          run.module_driver({'module_sha256': 'sha256-avx2'}, floor) == 'sha256-avx2')
    check('bench-driver-from-floor',
          run.module_driver({}, floor) == "sha256-generic (the hash floor's)")
    check('bench-driver-unknown', run.module_driver({}, {'small': {'methods': {}}}) == '?')


if __name__ == '__main__':
    for test in (test_died_before_us, test_reboot, test_boot_jobs, test_module_driver):
        try:
            test()
        except Exception as e:      # a check that cannot run is a failure
            check(f'{test.__name__}-ran', False, repr(e))
    sys.exit(1 if failed else 0)
