#include "netmodes/nft/nft_conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

void nft_conn_init(struct nft_conn *c)
{
	*c = (struct nft_conn)NFT_CONN_INIT;
}

/* Called with c->mu held. */
static void close_socket(struct nft_conn *c)
{
	if (c->sock)
		mnl_socket_close(c->sock);
	c->sock = NULL;
}

void nft_conn_drop(struct nft_conn *c)
{
	pthread_mutex_lock(&c->mu);
	close_socket(c);
	pthread_mutex_unlock(&c->mu);
}

int nft_conn_release_fd(struct nft_conn *c)
{
	int fd = -1;

	pthread_mutex_lock(&c->mu);
	if (c->sock)
		fd = mnl_socket_get_fd(c->sock);
	pthread_mutex_unlock(&c->mu);
	return fd;
}

void nft_conn_close(struct nft_conn *c)
{
	nft_conn_drop(c);
	pthread_mutex_destroy(&c->mu);
}

/*
 * count consecutive sequence numbers of c's, unique across its batches and
 * GETs; returns the first. Each exchange checks the numbers of its own
 * replies only. Called with c->mu held.
 */
uint32_t nft_conn_seq(struct nft_conn *c, uint32_t count)
{
	uint32_t seq;

	if (!c->seq_next)
		c->seq_next = (uint32_t)time(NULL) << 8;
	seq = c->seq_next;
	c->seq_next += count;
	return seq;
}

/*
 * An exchange that broke off (errno says why): fails with "WHAT: reason",
 * and closes the socket so its unread replies cannot reach the next one.
 * Called with c->mu held.
 */
int nft_conn_broken(struct nft_conn *c, struct nm_err *e, const char *what)
{
	int rc = nm_fail(e, nm_errno(), "%s: %s", what, strerror(errno));

	close_socket(c);
	return rc;
}

/* c's socket, opened on first use. Called with c->mu held. */
int nft_conn_socket(struct nft_conn *c, struct mnl_socket **ret, struct nm_err *e)
{
	int one = 1;

	if (c->sock) {
		*ret = c->sock;
		return 0;
	}
	/* close-on-exec: hooks, the dhcpd init script and dhcpd never inherit it */
	if (!(c->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)))
		return nm_fail(e, nm_errno(), "cannot open nftables netlink: %s", strerror(errno));
	if (mnl_socket_bind(c->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;
		mnl_socket_close(c->sock);
		c->sock = NULL;
		return nm_fail(e, -err, "cannot bind nftables netlink: %s", strerror(err));
	}
	/* Optional: without it the kernel's reason text is missing, nothing else. */
	(void)mnl_socket_setsockopt(c->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	*ret = c->sock;
	return 0;
}
