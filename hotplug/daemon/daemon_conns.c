#include "hotplug/daemon/daemon_conns.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <xenstore.h>

#include "netmodes/nft/nft_conn.h"
#include "netmodes/rtnl/rtnl.h"
#include "hotplug/xen/xs.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct daemon_conns *current; /* holds a reference of its own */
static struct nft_conn nft = NFT_CONN_INIT; /* lent to every call; opened on first use */

static void conns_close(struct daemon_conns *c)
{
	if (c->nl)
		rt_close(c->nl);
	xsw_close(c->xs);
	free(c);
}

/* Drops one reference; the caller holds mu. Returns c when it must be closed. */
static struct daemon_conns *unref(struct daemon_conns *c)
{
	return --c->refs == 0 ? c : NULL;
}

static struct daemon_conns *conns_open(struct nm_err *e)
{
	struct daemon_conns *c = calloc(1, sizeof(*c));

	if (!c) {
		nm_fail(e, -ENOMEM, "out of memory");
		return NULL;
	}
	if (xsw_open(&c->xs, e) < 0 || rt_open(&c->nl, e) < 0) {
		conns_close(c);
		return NULL;
	}
	c->refs = 1;
	return c;
}

struct daemon_conns *conns_take(struct nm_err *e)
{
	struct daemon_conns *c;

	pthread_mutex_lock(&mu);
	/* Opening under mu: the first call after a loss opens, the others wait for it. */
	if (!current)
		current = conns_open(e);
	if ((c = current))
		c->refs++;
	pthread_mutex_unlock(&mu);
	return c;
}

void conns_give(struct daemon_conns *c)
{
	struct daemon_conns *dead;

	if (!c)
		return;
	pthread_mutex_lock(&mu);
	dead = unref(c);
	pthread_mutex_unlock(&mu);
	if (dead)
		conns_close(dead);
}

void conns_retire(struct daemon_conns *c)
{
	struct daemon_conns *dead = NULL;

	pthread_mutex_lock(&mu);
	if (c && current == c) {
		current = NULL;
		dead = unref(c);
	}
	pthread_mutex_unlock(&mu);
	if (dead)
		conns_close(dead);
}

void conns_retire_current(void)
{
	struct daemon_conns *c;

	pthread_mutex_lock(&mu);
	c = current;
	pthread_mutex_unlock(&mu);
	conns_retire(c);
}

struct nft_conn *conns_nft(void)
{
	return &nft;
}

void conns_stop(void)
{
	conns_retire_current();
	nft_conn_drop(&nft);
}

bool conns_alive(struct daemon_conns *c)
{
	unsigned n = 0;
	char **names = xs_directory(c->xs, XBT_NULL, "/", &n);

	free(names);
	return names != NULL;
}
