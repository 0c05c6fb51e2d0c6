// SPDX-License-Identifier: GPL-2.0
/*
 * vsb-measure - run one benchmark command and measure what it cost
 *
 *   vsb-measure [-o FILE] [-l LABEL] -- CMD [ARG...]
 *
 * Runs CMD (its stdout and stderr to FILE with -o) and prints one line:
 *
 *   VSB-RUN label=L rc=N wall_ns=N utime_us=N stime_us=N maxrss_kb=N
 *           busy_ticks=N idle_ticks=N iowait_ticks=N hz=N ncpu=N
 *           cached_before_kb=N cached_after_kb=N memfree_before_kb=N ...
 *           disk_reads=N disk_read_kb=N
 *
 * utime/stime/maxrss are the child's (wait4): the process alone.  The
 * *_ticks are /proc/stat deltas over all CPUs during the run: they include
 * the kernel work done on the process's behalf in kworkers (fs-verity
 * verifies in a workqueue), which the process's own times miss.  Cached is
 * /proc/meminfo's, before the fork and after the child is reaped.
 * disk_reads and disk_read_kb are the read requests the virtio disks
 * completed (/sys/block/vdX/stat, after merging) and their size.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 64

struct cpu_ticks {
	unsigned long long busy;	/* user nice system irq softirq steal */
	unsigned long long idle;
	unsigned long long iowait;
	unsigned long long cpu_busy[MAX_CPUS];	/* busy, per CPU */
	unsigned long long cpu_sys[MAX_CPUS];	/* system+irq+softirq */
	int ncpu;
};

struct mem_kb {
	unsigned long long cached;
	unsigned long long memfree;
	unsigned long long buffers;
};

static int read_stat(struct cpu_ticks *t)
{
	unsigned long long v[8];
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int n, cpu, total = 0;

	if (!f)
		return -1;
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		memset(v, 0, sizeof(v));
		if (!strncmp(line, "cpu ", 4) &&
		    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) >= 7) {
			t->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
			t->idle = v[3];
			t->iowait = v[4];
			total = 1;
			continue;
		}
		n = sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]);
		if (n < 8 || cpu < 0 || cpu >= MAX_CPUS)
			continue;
		t->cpu_busy[cpu] = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		t->cpu_sys[cpu] = v[2] + v[5] + v[6];
		if (cpu + 1 > t->ncpu)
			t->ncpu = cpu + 1;
	}
	fclose(f);
	return total ? 0 : -1;
}

/* ",a,b" per CPU deltas of @which (0 busy, 1 sys) */
static void print_cpus(const struct cpu_ticks *a, const struct cpu_ticks *b,
		       int which)
{
	int i;

	for (i = 0; i < b->ncpu; i++)
		printf("%s%llu", i ? "," : "",
		       which ? b->cpu_sys[i] - a->cpu_sys[i] :
			       b->cpu_busy[i] - a->cpu_busy[i]);
}

static int read_mem(struct mem_kb *m)
{
	char key[64];
	unsigned long long val;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	memset(m, 0, sizeof(*m));
	while (fscanf(f, "%63s %llu kB ", key, &val) == 2) {
		if (!strcmp(key, "Cached:"))
			m->cached = val;
		else if (!strcmp(key, "MemFree:"))
			m->memfree = val;
		else if (!strcmp(key, "Buffers:"))
			m->buffers = val;
	}
	fclose(f);
	return 0;
}

/* Read requests completed and sectors read by the virtio disks (vdX). */
static void read_disks(unsigned long long *reads, unsigned long long *sectors)
{
	unsigned long long r, merged, sec;
	char path[300];
	struct dirent *e;
	DIR *d = opendir("/sys/block");
	FILE *f;

	*reads = *sectors = 0;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vd", 2))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu %llu %llu", &r, &merged, &sec) == 3) {
			*reads += r;
			*sectors += sec;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

static unsigned long long tv_us(const struct timeval *tv)
{
	return (unsigned long long)tv->tv_sec * 1000000ULL +
	       (unsigned long long)tv->tv_usec;
}

static int usage(void)
{
	fprintf(stderr, "usage: vsb-measure [-o FILE] [-l LABEL] -- CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *label = "run", *out = NULL;
	struct cpu_ticks t0, t1;
	struct mem_kb m0, m1;
	unsigned long long w0, w1, r0, r1, sec0, sec1;
	struct rusage ru;
	int opt, status, rc;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:l:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();

	if (read_stat(&t0) || read_mem(&m0)) {
		perror("vsb-measure: /proc");
		return 1;
	}
	read_disks(&r0, &sec0);
	w0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("vsb-measure: fork");
		return 1;
	}
	if (pid == 0) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
			    dup2(fd, STDERR_FILENO) < 0)
				_exit(127);
			close(fd);
		}
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "vsb-measure: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("vsb-measure: wait4");
			return 1;
		}
	}
	w1 = now_ns();
	read_disks(&r1, &sec1);
	if (read_stat(&t1) || read_mem(&m1)) {
		perror("vsb-measure: /proc");
		return 1;
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("VSB-RUN label=%s rc=%d wall_ns=%llu utime_us=%llu stime_us=%llu "
	       "maxrss_kb=%ld busy_ticks=%llu idle_ticks=%llu iowait_ticks=%llu "
	       "hz=%ld ncpu=%ld cached_before_kb=%llu cached_after_kb=%llu "
	       "memfree_before_kb=%llu memfree_after_kb=%llu "
	       "buffers_before_kb=%llu buffers_after_kb=%llu",
	       label, rc, w1 - w0, tv_us(&ru.ru_utime), tv_us(&ru.ru_stime),
	       ru.ru_maxrss, t1.busy - t0.busy, t1.idle - t0.idle,
	       t1.iowait - t0.iowait, sysconf(_SC_CLK_TCK),
	       sysconf(_SC_NPROCESSORS_ONLN), m0.cached, m1.cached,
	       m0.memfree, m1.memfree, m0.buffers, m1.buffers);
	printf(" disk_reads=%llu disk_read_kb=%llu", r1 - r0, (sec1 - sec0) / 2);
	printf(" cpu_busy_ticks=");
	print_cpus(&t0, &t1, 0);
	printf(" cpu_sys_ticks=");
	print_cpus(&t0, &t1, 1);
	printf("\n");
	fflush(stdout);
	return rc;
}
