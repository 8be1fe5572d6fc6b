/*
 * The packet-rate benchmark's sender: COUNT small UDP frames (60 bytes,
 * the Ethernet minimum without its FCS) written to IFNAME from a raw
 * AF_PACKET socket in sendmmsg batches, with the guest's own MAC and IPv4
 * address as their source, so that an anti-spoofing filter lets them
 * through. The frames bypass the qdisc (PACKET_QDISC_BYPASS) and the socket
 * never receives. Prints "SENT WALL CPU": the frames the kernel took, the
 * wall time of the sending and the CPU time the sender's thread had in it,
 * in nanoseconds. Its CPU time includes the softirq work its sends set off
 * on its CPU and that ran before they returned: the bridge, the filter,
 * the receiver's ingress (a veth hands a frame to its peer through the
 * sending CPU's backlog). What arrives is counted by the receiver
 * (tests/bench/pktrate.sh).
 *   pkt_blast IFNAME SRC_MAC SRC_IP DST_MAC DST_IP COUNT [BATCH]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#define FRAME_LEN 60 /* ETH_ZLEN: the smallest frame on the wire, FCS aside */
#define MAX_BATCH 1024
#define SRC_PORT 40000
#define DST_PORT 9 /* discard */

/* The calling thread's CPU time (the scheduler's, to the nanosecond). */
static long long thread_cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "pkt_blast: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: pkt_blast IFNAME SRC_MAC SRC_IP DST_MAC DST_IP COUNT [BATCH]\n");
	exit(2);
}

static void parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		usage();
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			usage();
		mac[i] = (uint8_t)b[i];
	}
}

static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		usage();
	return v;
}

/* The IPv4 header checksum (RFC 1071) over len bytes. */
static uint16_t ip_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* frame: Ethernet, IPv4 and UDP headers, a zeroed payload; one datagram to DST_PORT. */
static void build_frame(uint8_t frame[FRAME_LEN], const uint8_t src_mac[ETH_ALEN],
			const uint8_t dst_mac[ETH_ALEN], struct in_addr src, struct in_addr dst)
{
	struct ether_header eth = { .ether_type = htons(ETHERTYPE_IP) };
	struct iphdr ip = {
		.version = 4,
		.ihl = sizeof(struct iphdr) / 4,
		.tot_len = htons(FRAME_LEN - sizeof(struct ether_header)),
		.frag_off = htons(IP_DF),
		.ttl = 64,
		.protocol = IPPROTO_UDP,
		.saddr = src.s_addr,
		.daddr = dst.s_addr,
	};
	struct udphdr udp = {
		.uh_sport = htons(SRC_PORT),
		.uh_dport = htons(DST_PORT),
		.uh_ulen = htons(FRAME_LEN - sizeof(struct ether_header) - sizeof(struct iphdr)),
		.uh_sum = 0, /* none: allowed over IPv4 */
	};

	uint16_t check;

	memcpy(eth.ether_dhost, dst_mac, ETH_ALEN);
	memcpy(eth.ether_shost, src_mac, ETH_ALEN);
	memset(frame, 0, FRAME_LEN);
	memcpy(frame, &eth, sizeof(eth));
	memcpy(frame + sizeof(eth), &ip, sizeof(ip));
	memcpy(frame + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	/* the header as it is in the frame, its checksum field still zero */
	check = ip_checksum(frame + sizeof(eth), sizeof(ip));
	memcpy(frame + sizeof(eth) + offsetof(struct iphdr, check), &check, sizeof(check));
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BATCH];
	uint8_t frame[FRAME_LEN], src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct iovec iov = { .iov_base = frame, .iov_len = FRAME_LEN };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct in_addr src, dst;
	long count, batch = 64, sent = 0, full = 0;
	long long t0, t1, c0, c1;
	int fd, one = 1;

	if (argc != 7 && argc != 8)
		usage();
	parse_mac(argv[2], src_mac);
	parse_mac(argv[4], dst_mac);
	if (inet_pton(AF_INET, argv[3], &src) != 1 || inet_pton(AF_INET, argv[5], &dst) != 1)
		usage();
	count = parse_count(argv[6], 1000000000L);
	if (argc == 8)
		batch = parse_count(argv[7], MAX_BATCH);
	build_frame(frame, src_mac, dst_mac, src, dst);

	/* Protocol 0: the socket sends and is handed nothing to receive. */
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0)
		die("socket");
	if (!(sll.sll_ifindex = (int)if_nametoindex(argv[1])))
		die(argv[1]);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		die("PACKET_QDISC_BYPASS");
	for (long i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	c0 = thread_cpu_ns();
	t0 = now_ns();
	while (sent < count) {
		long want = count - sent < batch ? count - sent : batch;
		int n = sendmmsg(fd, msgs, (unsigned int)want, 0);
		if (n < 0) {
			/* the device's queue is full: the frame is not sent, try again */
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				full++;
				continue;
			}
			die("sendmmsg");
		}
		sent += n;
	}
	t1 = now_ns();
	c1 = thread_cpu_ns();
	close(fd);
	printf("%ld %lld %lld\n", sent, t1 - t0, c1 - c0);
	if (full)
		fprintf(stderr, "pkt_blast: %ld sends found the queue full and were retried\n", full);
	return 0;
}
