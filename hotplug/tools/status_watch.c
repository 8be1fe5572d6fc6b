#include "hotplug/tools/status_watch.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hotplug/tools/drops_text.h"

/* Clears a terminal and puts the cursor home. */
#define ANSI_CLEAR "\033[H\033[2J"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void add_rates(struct drop_rates *sum, const struct drop_rates *r)
{
	for (int k = 0; k < DROP_KINDS; k++)
		sum->per_s[k] += r->per_s[k];
	sum->total += r->total;
}

void status_watch_block(const struct drops_table *prev, const struct drops_table *cur, uint64_t ms,
			FILE *out)
{
	struct drop_rates sum = { { 0 }, 0 };
	uint64_t all = 0;
	char text[512];

	tenths_text((double)ms / 1000.0, text, sizeof(text));
	fprintf(out, "drops per second over the last %s s:\n", text);
	for (size_t i = 0; i < cur->n; i++) {
		const struct drops_port *p = &cur->p[i], *was = drops_table_find(prev, p->kind, p->ifname);
		uint64_t n = port_drops_total(&p->d);
		struct drop_rates r;
		all += n;
		fprintf(out, "%s (%s): ", p->ifname, drops_kind_name(p->kind));
		if (prev->err[p->kind][0]) {
			/* no earlier count to measure from */
			fprintf(out, "no rate yet; %" PRIu64 " in all\n", n);
			continue;
		}
		drop_rates_of(was ? &was->d : NULL, &p->d, ms, &r);
		add_rates(&sum, &r);
		drop_rates_text(&r, text, sizeof(text));
		fprintf(out, "%s; %" PRIu64 " in all\n", text, n);
	}
	if (!cur->n)
		fprintf(out, "no filtered vif\n");
	for (int k = 0; k < DROPS_PORT_KINDS; k++)
		if (cur->err[k][0])
			fprintf(out, "%s ports: unknown (%s)\n", drops_kind_name((enum port_kind)k), cur->err[k]);
	drop_rates_text(&sum, text, sizeof(text));
	fprintf(out, "total: %s; %" PRIu64 " in all\n", text, all);
}

/* Whether no kind at all could be read; the first reason in e. */
static bool unreadable(const struct drops_table *t, struct nm_err *e)
{
	for (int k = 0; k < DROPS_PORT_KINDS; k++)
		if (!t->err[k][0])
			return false;
	nm_set(e, "%s", t->err[0]);
	return true;
}

/* Waits until the monotonic time at (ms); false when SIGINT or SIGTERM came first. */
static bool sleep_until(uint64_t at, const sigset_t *stop)
{
	for (;;) {
		uint64_t t = now_ms();
		struct timespec left;
		if (t >= at)
			return true;
		left.tv_sec = (time_t)((at - t) / 1000u);
		left.tv_nsec = (long)((at - t) % 1000u) * 1000000L;
		if (sigtimedwait(stop, NULL, &left) >= 0)
			return false;
		if (errno != EAGAIN && errno != EINTR)
			return true;
	}
}

int status_watch(unsigned interval_ms, unsigned count, FILE *out)
{
	struct drops_table a = { 0 }, b = { 0 }, *prev = &a, *cur = &b;
	struct nft_conn nft;
	struct nm_err e = { "" };
	sigset_t stop, was;
	bool tty = isatty(fileno(out));
	uint64_t next, last;
	int status = 0;

	/* the signals that end it are taken while it waits, never between two reads */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &was);
	nft_conn_init(&nft);
	next = last = now_ms();
	if (drops_table_read(&nft, prev, &e) < 0 || unreadable(prev, &e)) {
		fprintf(stderr, "xen-netmodes status: cannot read the drop counts: %s\n", e.msg);
		status = 1;
		goto out;
	}
	if (tty) {
		char s[32];
		tenths_text((double)interval_ms / 1000.0, s, sizeof(s));
		fprintf(out, ANSI_CLEAR "xen-netmodes status --watch: the first rates in %s s (Ctrl-C ends)\n", s);
	}
	fflush(out);
	for (unsigned n = 1;; n++) {
		struct drops_table *t;
		uint64_t now;
		next += interval_ms;
		if (!sleep_until(next, &stop))
			break;
		if (drops_table_read(&nft, cur, &e) < 0) {
			fprintf(stderr, "xen-netmodes status: %s\n", e.msg);
			status = 1;
			break;
		}
		now = now_ms();
		fputs(tty ? ANSI_CLEAR : n > 1 ? "\n" : "", out);
		status_watch_block(prev, cur, now - last, out);
		fflush(out);
		last = now;
		if (now >= next + interval_ms) /* fallen a refresh behind: the next one an interval from now */
			next = now;
		t = prev;
		prev = cur;
		cur = t;
		if (count && n == count)
			break;
	}
out:
	drops_table_free(&a);
	drops_table_free(&b);
	nft_conn_close(&nft);
	sigprocmask(SIG_SETMASK, &was, NULL);
	return status;
}
