// SPDX-License-Identifier: GPL-2.0
/*
 * hashpool.c - helper threads that hash beside the caller, made to match
 * it: in all its cgroups (so cpu.max, cpuset and cpu.weight hold for
 * them and their CPU time is charged there), on its CPUs, at its nice
 * value.  None at all for a caller at a positive nice value or in
 * SCHED_IDLE, or with a single CPU.  The threads live for one scrub; no
 * code of theirs runs after vs_pool_stop().
 */
#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "vs_private.h"

/* Whether helpers (nice >= the caller's) may hash for the caller. */
static bool may_help(void)
{
	return task_nice(current) <= 0 && current->policy != SCHED_IDLE;
}

static bool round_or_stop(struct vs_pool_helper *h)
{
	return READ_ONCE(h->pool->round) != h->seen || kthread_should_stop();
}

static int helper_fn(void *arg)
{
	struct vs_pool_helper *h = arg;
	struct vs_pool *p = h->pool;

	for (;;) {
		/* TASK_IDLE: a long wait for the device is no hung task */
		wait_event_idle(p->go, round_or_stop(h));
		if (kthread_should_stop())
			return 0;
		h->seen = READ_ONCE(p->round);
		/* the round's work after its number; pairs with vs_pool_run() */
		smp_rmb();
		h->err = p->fn(p->arg);
		/* full barrier: @err before busy drops; pairs with vs_pool_wait() */
		if (atomic_dec_and_test(&p->busy))
			wake_up(&p->done);
	}
}

/* A helper thread in @current's cgroups, CPUs and priority; or NULL. */
static struct task_struct *new_helper(struct vs_pool_helper *h)
{
	struct task_struct *t;

	t = kthread_create(helper_fn, h, "vs_hash/%d", task_pid_nr(current));
	if (IS_ERR(t))
		return NULL;
	if (cgroup_attach_task_all(current, t) ||
	    set_cpus_allowed_ptr(t, current->cpus_ptr)) {
		kthread_stop(t);	/* never ran helper_fn */
		return NULL;
	}
	set_user_nice(t, task_nice(current));
	return t;
}

/**
 * vs_pool_start() - start the helpers of a scrub
 * @p: pool, zeroed
 * @fn: what a helper does in a round: claim work until none is left
 * @arg: its argument
 *
 * One helper per other CPU the caller may run on, up to VS_MAX_HELPERS;
 * fewer if threads cannot be made (the caller then does more itself).
 */
void vs_pool_start(struct vs_pool *p, int (*fn)(void *arg), void *arg)
{
	unsigned int want;
	struct task_struct *t;

	p->fn = fn;
	p->arg = arg;
	init_waitqueue_head(&p->go);
	init_waitqueue_head(&p->done);
	if (!may_help())
		return;
	want = cpumask_weight_and(current->cpus_ptr, cpu_online_mask);
	want = min_t(unsigned int, want ? want - 1 : 0, VS_MAX_HELPERS);
	while (p->nr < want) {
		p->helper[p->nr].pool = p;
		t = new_helper(&p->helper[p->nr]);
		if (!t)
			break;
		p->helper[p->nr++].task = t;
		wake_up_process(t);
	}
}

/**
 * vs_pool_run() - start a round: every helper calls @fn once
 * @p: pool, idle (vs_pool_wait() returned)
 */
void vs_pool_run(struct vs_pool *p)
{
	unsigned int i;

	if (!p->nr)
		return;
	for (i = 0; i < p->nr; i++)
		p->helper[i].err = 0;
	atomic_set(&p->busy, p->nr);
	/* the round's work before its number; pairs with helper_fn() */
	smp_wmb();
	WRITE_ONCE(p->round, p->round + 1);
	wake_up_all(&p->go);
	p->running = true;
}

/**
 * vs_pool_wait() - wait for the round to end
 * @p: pool
 *
 * Not interruptible: a round is at most one window of hashing, and the
 * caller makes it short by leaving nothing to claim.
 *
 * Return: 0 or the first error of a helper.
 */
int vs_pool_wait(struct vs_pool *p)
{
	unsigned int i;
	int err = 0;

	if (!p->running)
		return 0;
	wait_event(p->done, !atomic_read(&p->busy));
	/* the helpers' @err after busy reached 0; pairs with helper_fn() */
	smp_rmb();
	p->running = false;
	for (i = 0; i < p->nr; i++)
		err = err ?: p->helper[i].err;
	return err;
}

/**
 * vs_pool_stop() - end the helpers; none of their code runs afterwards
 * @p: pool, idle
 */
void vs_pool_stop(struct vs_pool *p)
{
	while (p->nr)
		kthread_stop(p->helper[--p->nr].task);
}
