// SPDX-License-Identifier: GPL-2.0-or-later
#include "sigbus.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

/*
 * The one piece of state outside main's context: a signal handler can only
 * find its way back through a thread-local.  It is set only for the
 * duration of one copy.
 */
static __thread sigjmp_buf *active_guard;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (active_guard)
		siglongjmp(*active_guard, 1);
	/* Not ours: die as the signal would have killed us. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

bool guarded_call(void (*fn)(void *arg), void *arg)
{
	sigjmp_buf jb;

	pthread_once(&install_once, install);
	/* No mask save: SA_NODEFER leaves SIGBUS unblocked in the handler. */
	if (sigsetjmp(jb, 0)) {
		active_guard = NULL;
		return false;
	}
	active_guard = &jb;
	fn(arg);
	active_guard = NULL;
	return true;
}

struct copy_args {
	void *dst;
	const void *src;
	size_t len;
};

static void do_copy(void *arg)
{
	struct copy_args *a = arg;

	memcpy(a->dst, a->src, a->len);
}

bool guarded_copy(void *dst, const void *src, size_t len)
{
	struct copy_args a = { dst, src, len };

	return guarded_call(do_copy, &a);
}
