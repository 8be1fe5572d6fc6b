/*
 * The benchmark's floor: the netlink messages of one `vif-bridge online`
 * with an ip (look up the vif and the bridge, set the port MAC, look up the
 * port's filter, one nftables batch adding its elements, enslave, up),
 * sent from sockets opened once, with no process start, no xenstore and no
 * parsing. Times ROUNDS onlines (each followed by an untimed offline) and
 * prints one wall time in microseconds per line.
 *   floor VIF BRIDGE ROUNDS       (run in dom0's namespace, table in place)
 *   floor --noop                  (exits at once: the cost of a process start)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "clock.h"

static struct mnl_socket *rt, *nf;
static uint32_t seq = 1;
static char buf[32768];

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Sends h and reads until its ACK or error; returns the kernel's errno (0: fine). */
static int talk(struct mnl_socket *nl, struct nlmsghdr *h, int *ifindex)
{
	char rbuf[32768];
	uint32_t s = h->nlmsg_seq;

	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		die("sendto");
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		struct nlmsghdr *r = (struct nlmsghdr *)rbuf;
		int left = (int)n;
		if (n < 0)
			die("recvfrom");
		for (; mnl_nlmsg_ok(r, left); r = mnl_nlmsg_next(r, &left)) {
			if (r->nlmsg_seq != s)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR)
				return -((struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
			if (r->nlmsg_type == RTM_NEWLINK && ifindex)
				*ifindex = ((struct ifinfomsg *)mnl_nlmsg_get_payload(r))->ifi_index;
		}
	}
}

static struct nlmsghdr *link_msg(int type, int flags, int ifindex)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	struct ifinfomsg *ifi;

	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	h->nlmsg_seq = seq++;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return h;
}

static int link_index(const char *name)
{
	struct nlmsghdr *h = link_msg(RTM_GETLINK, 0, 0);
	int ifindex = 0;

	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (talk(rt, h, &ifindex) || !ifindex) {
		fprintf(stderr, "floor: no link %s\n", name);
		exit(1);
	}
	return ifindex;
}

static void link_set(int ifindex, int master, bool up, const uint8_t *mac)
{
	struct nlmsghdr *h = link_msg(RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	if (mac)
		mnl_attr_put(h, IFLA_ADDRESS, 6, mac);
	if (master >= 0)
		mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)master);
	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = IFF_UP;
	}
	if (talk(rt, h, NULL))
		die("link change");
}

/* One set's element, keyed "vif . field" as the project's table has it. */
static void put_elem(struct nlmsghdr **h, char **cur, int type, const char *set, const char *vif,
		     const void *field, size_t flen, size_t klen, const char *comment)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	uint8_t key[64] = { 0 };

	snprintf((char *)key, IFNAMSIZ, "%s", vif); /* zero padded, as the kernel keeps it */
	memcpy(key + IFNAMSIZ, field, flen);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_BRIDGE);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, "xen-netmodes");
	nftnl_set_set_str(s, NFTNL_SET_NAME, set);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)klen);
	if (comment && type == NFT_MSG_NEWSETELEM) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(128);
		nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, comment);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
				   nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nftnl_set_elem_add(s, e);
	*h = nftnl_nlmsg_build_hdr(*cur, (uint16_t)type, NFPROTO_BRIDGE,
				   (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0) | NLM_F_ACK, seq++);
	nftnl_set_elems_nlmsg_build_payload(*h, s);
	*cur += NLMSG_ALIGN((*h)->nlmsg_len);
	nftnl_set_free(s);
}

/* The port's elements, added or deleted in one batch; every ACK read. */
static void elements(int type, const char *vif, const uint8_t *mac, const uint8_t *ip)
{
	static char bb[16384];
	char *cur = bb;
	struct nlmsghdr *h;
	uint32_t r0 = 0, r1 = 1, first = seq;
	char rbuf[32768];

	memset(bb, 0, sizeof(bb));
	nftnl_batch_begin(cur, seq++);
	cur += NLMSG_ALIGN(((struct nlmsghdr *)cur)->nlmsg_len);
	put_elem(&h, &cur, type, "records", vif, &r0, 4, IFNAMSIZ + 4, "mac 00:16:3e:00:00:01");
	put_elem(&h, &cur, type, "records", vif, &r1, 4, IFNAMSIZ + 4, "ip 10.90.0.2/32");
	put_elem(&h, &cur, type, "macs", vif, mac, 6, IFNAMSIZ + 8, NULL);
	put_elem(&h, &cur, type, "addrs4", vif, ip, 4, IFNAMSIZ + 4, NULL);
	put_elem(&h, &cur, type, "ports", vif, "", 0, IFNAMSIZ, "2 records");
	nftnl_batch_end(cur, seq++);
	cur += NLMSG_ALIGN(((struct nlmsghdr *)cur)->nlmsg_len);
	if (mnl_socket_sendto(nf, bb, (size_t)(cur - bb)) < 0)
		die("nft batch");
	/* five ACKs */
	for (int acks = 0; acks < 5;) {
		ssize_t n = mnl_socket_recvfrom(nf, rbuf, sizeof(rbuf));
		struct nlmsghdr *r = (struct nlmsghdr *)rbuf;
		int left = (int)n;
		if (n < 0)
			die("nft replies");
		for (; mnl_nlmsg_ok(r, left); r = mnl_nlmsg_next(r, &left))
			if (r->nlmsg_type == NLMSG_ERROR && r->nlmsg_seq > first) {
				int err = ((struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
				if (err) {
					errno = -err;
					die("nft element");
				}
				acks++;
			}
	}
}

/* The lookup of the port's filter: one GET of its ports element (absent). */
static void query(const char *vif)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	char key[IFNAMSIZ] = { 0 };
	struct nlmsghdr *h;

	snprintf(key, sizeof(key), "%s", vif);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, "xen-netmodes");
	nftnl_set_set_str(s, NFTNL_SET_NAME, "ports");
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, IFNAMSIZ);
	nftnl_set_elem_add(s, e);
	h = nftnl_nlmsg_build_hdr(memset(buf, 0, sizeof(buf)), NFT_MSG_GETSETELEM, NFPROTO_BRIDGE,
				  NLM_F_ACK, seq++);
	nftnl_set_elems_nlmsg_build_payload(h, s);
	nftnl_set_free(s);
	if (talk(nf, h, NULL) != ENOENT)
		die("the port is filtered already");
}

int main(int argc, char **argv)
{
	static const uint8_t port_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 1 }, ip[4] = { 10, 90, 0, 2 };
	int rounds;

	if (argc == 2 && !strcmp(argv[1], "--noop"))
		return 0;
	if (argc != 4 || (rounds = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: floor VIF BRIDGE ROUNDS | floor --noop\n");
		return 2;
	}
	if (!(rt = mnl_socket_open(NETLINK_ROUTE)) || mnl_socket_bind(rt, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    !(nf = mnl_socket_open(NETLINK_NETFILTER)) || mnl_socket_bind(nf, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	for (int i = 0; i < rounds; i++) {
		long long t0 = now_us();
		int vif = link_index(argv[1]), br = link_index(argv[2]);
		link_set(vif, -1, false, port_mac);
		query(argv[1]);
		elements(NFT_MSG_NEWSETELEM, argv[1], mac, ip);
		link_set(vif, br, false, NULL);
		link_set(vif, -1, true, NULL);
		printf("%lld\n", now_us() - t0);
		/* offline, untimed */
		elements(NFT_MSG_DELSETELEM, argv[1], mac, ip);
		link_set(vif, 0, false, NULL);
	}
	return 0;
}
