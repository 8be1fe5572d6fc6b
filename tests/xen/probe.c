/*
 * probe: the real-Xen rig's traffic tool, linked statically so that the
 * same binary runs in dom0 and in the guests' busybox initramfs.
 *
 *   probe serve PORT                 run each connection's command (all it
 *                                    sends) through /bin/sh; reply its
 *                                    output, then "XNM-RC=N"
 *   probe call HOST PORT CMD         run CMD on a guest's serve; exit with its
 *                                    status (retries the connect for 20 s)
 *   probe udp IFACE SMAC DMAC SIP DIP SPORT DPORT MARK [TPID:VID...]
 *                                    one raw IPv4/UDP frame, any source;
 *                                    under the tags given, outermost first
 *                                    (TPID in hex: 8100:99, 88a8:10; VID 0
 *                                    is a priority tag)
 *   probe frame IFACE HEX MARK       the frame HEX spells (spaces, ':' and
 *                                    '.' between its bytes are skipped, so a
 *                                    MAC goes in as written), MARK appended:
 *                                    a BPDU, LLDP, EAPOL
 *   probe garp IFACE IP MARK         ARP reply claiming IP for IFACE's MAC
 *   probe ra IFACE MARK              router advertisement to ff02::1 from
 *                                    IFACE's link-local address
 *   probe nd IFACE na|ns SRC TARGET LLADDR|- MARK
 *                                    neighbour advertisement (override flag)
 *                                    or solicitation from SRC for TARGET, to
 *                                    ff02::1 from IFACE's MAC, with a target
 *                                    (na) or source (ns) link-layer address
 *                                    option of LLADDR, none for "-"; the mark
 *                                    in the frame's trailer, past the IPv6
 *                                    packet, so the packet is as a host's
 *   probe stream-serve PORT          run each connection's command (its first
 *                                    line) with the connection as its stdin
 *                                    and stdout: a remote pipe
 *   probe stream HOST PORT CMD       run CMD on a stream-serve, this
 *                                    process's stdin and stdout its own
 *                                    (the lab's `xl migrate -s` carrier)
 *   probe time LOG CMD [ARG...]      run CMD, append "MS CMD ARG..." (its wall
 *                                    time from fork to exit) to LOG; exit
 *                                    with its status (figures.sh's vif scripts)
 *   probe count IFACE SECONDS MARK... [until=MARK]
 *                                    frames seen on IFACE that carry each
 *                                    MARK, as "MARK=N ..."; while it listens,
 *                                    /tmp/probe-count.IFACE exists. With
 *                                    until=MARK (also counted), the count
 *                                    ends 2 s after the first frame carrying
 *                                    it (the test's closing frame, sent once
 *                                    its senders are done), SECONDS at most.
 *                                    TCP (the command channel) never counts;
 *                                    PROBE_TRACE=1: each counted frame on stderr
 *   probe count IFACE@ETHERTYPE SECONDS MARK...
 *                                    only the frames of that ethertype (hex)
 *                                    IFACE's own stack receives: on a bridge
 *                                    port, those the bridge passes up to the
 *                                    host (a BPDU, LLDP), not all a tap sees
 *                                    before the bridge takes them
 *   probe ready IFACE[@ETHERTYPE] SECONDS
 *                                    wait (up to SECONDS) until a count
 *                                    listens on IFACE: senders start after
 *
 * Every frame carries MARK (in its payload, or in an ARP or ND frame's trailer),
 * so a receiver counts exactly the test's frames and nothing else.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 1514

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static void iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die(ifname);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

/*
 * A packet socket on IFACE for PROTO's frames (ETH_P_ALL: every frame, as a
 * tap). Made for no protocol, then bound with it: a socket made for PROTO
 * takes every interface's frames until bind, and a count started on a busy
 * host would keep those (the frames of a filtered port's own device).
 */
static int raw_socket(const char *ifname, uint16_t proto, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		die("socket");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(proto);
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll->sll_ifindex)
		die(ifname);
	if (bind(fd, (struct sockaddr *)sll, sizeof(*sll)) < 0)
		die("bind");
	return fd;
}

static void send_frame(const char *ifname, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll;
	int fd = raw_socket(ifname, ETH_P_ALL, &sll);

	if (len < 60)
		len = 60; /* the caller zeroed the padding */
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("sendto");
	close(fd);
}

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#define MAX_TAGS 4

/* probe udp IFACE SMAC DMAC SIP DIP SPORT DPORT MARK [TPID:VID...] */
static int cmd_udp(char **a)
{
	uint8_t f[MAX_FRAME] = { 0 }, *ip, *udp;
	size_t mlen = strlen(a[7]), tags = 0;
	struct in_addr sip, dip;

	if (parse_mac(a[1], f + 6) || parse_mac(a[2], f) || !inet_aton(a[3], &sip) ||
	    !inet_aton(a[4], &dip) || mlen > 1000)
		return fprintf(stderr, "probe udp: bad argument\n"), 2;
	for (char **t = a + 8; *t; t++, tags++) {
		unsigned int tpid, vid;
		char end;

		if (tags == MAX_TAGS || sscanf(*t, "%x:%u%c", &tpid, &vid, &end) != 2 ||
		    tpid > 0xffff || vid > 4095)
			return fprintf(stderr, "probe udp: bad tag %s\n", *t), 2;
		put16(f + 12 + 4 * tags, (uint16_t)tpid);
		put16(f + 14 + 4 * tags, (uint16_t)vid);
	}
	put16(f + 12 + 4 * tags, 0x0800);
	ip = f + 14 + 4 * tags;
	udp = ip + 20;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + mlen));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &sip, 4);
	memcpy(ip + 16, &dip, 4);
	put16(ip + 10, csum(ip, 20, 0));
	put16(udp, (uint16_t)atoi(a[5]));
	put16(udp + 2, (uint16_t)atoi(a[6]));
	put16(udp + 4, (uint16_t)(8 + mlen));
	memcpy(udp + 8, a[7], mlen); /* UDP checksum 0: none */
	send_frame(a[0], f, (size_t)(udp - f) + 8 + mlen);
	return 0;
}

/* probe frame IFACE HEX MARK */
static int cmd_frame(char **a)
{
	uint8_t f[MAX_FRAME] = { 0 };
	size_t len = 0, mlen = strlen(a[2]);

	for (const char *p = a[1]; *p;) {
		unsigned int b;

		if (*p == ' ' || *p == ':' || *p == '.') {
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
		    sscanf(p, "%2x", &b) != 1 || len + mlen >= sizeof(f))
			return fprintf(stderr, "probe frame: bad hex at \"%.8s\"\n", p), 2;
		f[len++] = (uint8_t)b;
		p += 2;
	}
	if (len < 14)
		return fprintf(stderr, "probe frame: shorter than an Ethernet header\n"), 2;
	memcpy(f + len, a[2], mlen);
	send_frame(a[0], f, len + mlen);
	return 0;
}

/* probe garp IFACE IP MARK: the mark rides in the frame's padding. */
static int cmd_garp(char **a)
{
	uint8_t f[MAX_FRAME] = { 0 }, *arp = f + 14;
	struct in_addr ip;
	size_t mlen = strlen(a[2]);

	if (!inet_aton(a[1], &ip) || mlen > 18)
		return fprintf(stderr, "probe garp: bad argument\n"), 2;
	memset(f, 0xff, 6);
	iface_mac(a[0], f + 6);
	put16(f + 12, 0x0806);
	put16(arp, 1);
	put16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 2);
	memcpy(arp + 8, f + 6, 6);
	memcpy(arp + 14, &ip, 4);
	memset(arp + 18, 0xff, 6);
	memcpy(arp + 24, &ip, 4);
	memcpy(arp + 28, a[2], mlen);
	send_frame(a[0], f, 60);
	return 0;
}

/* An ICMPv6 frame's headers to ff02::1 from MAC, hop limit 255, its
 * ICMPv6 message plen bytes long; the caller sets the source address. */
static void icmp6_to_all_nodes(uint8_t *f, const uint8_t mac[6], size_t plen)
{
	uint8_t *ip6 = f + 14;

	f[0] = 0x33, f[1] = 0x33, f[5] = 0x01;
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x86dd);
	ip6[0] = 0x60;
	put16(ip6 + 4, (uint16_t)plen);
	ip6[6] = 58;
	ip6[7] = 255;
	ip6[24] = 0xff, ip6[25] = 0x02, ip6[39] = 0x01;
}

/* The ICMPv6 message's checksum, once its IPv6 header's addresses are set. */
static void icmp6_checksum(uint8_t *f, size_t plen)
{
	uint8_t *ip6 = f + 14, *icmp = ip6 + 40, pseudo[40] = { 0 };
	uint32_t sum = 0;

	memcpy(pseudo, ip6 + 8, 32);
	put16(pseudo + 34, (uint16_t)plen);
	pseudo[39] = 58;
	for (size_t i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	put16(icmp + 2, 0);
	put16(icmp + 2, csum(icmp, plen, sum));
}

/* probe ra IFACE MARK: from the EUI-64 link-local address, hop limit 255. */
static int cmd_ra(char **a)
{
	uint8_t f[MAX_FRAME] = { 0 }, *ip6 = f + 14, *ra = ip6 + 40, mac[6];
	size_t mlen = strlen(a[1]), opt = (2 + mlen + 7) / 8 * 8, plen = 16 + opt;

	if (mlen > 64)
		return fprintf(stderr, "probe ra: bad argument\n"), 2;
	iface_mac(a[0], mac);
	icmp6_to_all_nodes(f, mac, plen);
	ip6[8] = 0xfe, ip6[9] = 0x80;
	ip6[16] = (uint8_t)(mac[0] ^ 2), ip6[17] = mac[1], ip6[18] = mac[2];
	ip6[19] = 0xff, ip6[20] = 0xfe;
	ip6[21] = mac[3], ip6[22] = mac[4], ip6[23] = mac[5];
	ra[0] = 134;
	ra[4] = 64;
	put16(ra + 6, 1800);
	/* an option the receiver skips (type 200, unknown) holding the mark */
	ra[16] = 200;
	ra[17] = (uint8_t)(opt / 8);
	memcpy(ra + 18, a[1], mlen);
	icmp6_checksum(f, plen);
	send_frame(a[0], f, 14 + 40 + plen);
	return 0;
}

/* probe nd IFACE na|ns SRC TARGET LLADDR|- MARK */
static int cmd_nd(char **a)
{
	uint8_t f[MAX_FRAME] = { 0 }, *ip6 = f + 14, *nd = ip6 + 40, mac[6], ll[6];
	bool na = !strcmp(a[1], "na"), opt = strcmp(a[4], "-") != 0;
	size_t mlen = strlen(a[5]), plen = 24 + (opt ? 8 : 0);

	if ((!na && strcmp(a[1], "ns")) || inet_pton(AF_INET6, a[2], ip6 + 8) != 1 ||
	    inet_pton(AF_INET6, a[3], nd + 8) != 1 || (opt && parse_mac(a[4], ll)) || mlen > 64)
		return fprintf(stderr, "probe nd: bad argument\n"), 2;
	iface_mac(a[0], mac);
	icmp6_to_all_nodes(f, mac, plen);
	nd[0] = na ? 136 : 135;
	if (na)
		nd[4] = 0x20; /* override */
	if (opt) {
		nd[24] = na ? 2 : 1; /* target or source link-layer address */
		nd[25] = 1;
		memcpy(nd + 26, ll, 6);
	}
	icmp6_checksum(f, plen);
	memcpy(nd + plen, a[5], mlen);
	send_frame(a[0], f, 14 + 40 + plen + mlen);
	return 0;
}

/* The file that says a count listens on IFACE (probe ready waits for it). */
static void listening_file(char *path, size_t size, const char *ifname)
{
	snprintf(path, size, "/tmp/probe-count.%s", ifname);
}

#define MAX_MARKS 48

/* An untagged IPv4 or IPv6 frame carrying TCP (no extension header). */
static bool is_tcp(const uint8_t *f, size_t len)
{
	if (len >= 34 && f[12] == 0x08 && f[13] == 0x00)
		return f[23] == 6;
	return len >= 54 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 6;
}

/* Frames in flight when the closing frame arrived (from other senders, on
 * other paths) still count if they come within this. */
#define CLOSING_GRACE_S 2

/* probe count IFACE[@ETHERTYPE] SECONDS MARK... [until=MARK]: one count per
 * mark, on one line. */
static int cmd_count(char **a)
{
	struct sockaddr_ll sll, from;
	int fd, seconds = atoi(a[1]), n[MAX_MARKS] = { 0 }, marks = 0, closing = -1;
	const char *at = strchr(a[0], '@');
	size_t ilen = at ? (size_t)(at - a[0]) : strlen(a[0]);
	unsigned int proto = ETH_P_ALL;
	char ifname[IFNAMSIZ], end_char;
	struct timespec end, now;
	uint8_t buf[65536];
	char listening[64];
	FILE *f;

	if ((at && (sscanf(at + 1, "%x%c", &proto, &end_char) != 1 || !proto || proto > 0xffff)) ||
	    ilen >= sizeof(ifname))
		return fprintf(stderr, "probe count: bad interface %s\n", a[0]), 2;
	snprintf(ifname, sizeof(ifname), "%.*s", (int)ilen, a[0]);
	fd = raw_socket(ifname, (uint16_t)proto, &sll);
	/* until=MARK names the closing mark, one of the marks or one more */
	while (a[2 + marks] && marks < MAX_MARKS) {
		if (!strncmp(a[2 + marks], "until=", 6)) {
			if (closing >= 0 || !a[2 + marks][6])
				return fprintf(stderr, "probe count: one until=MARK at most\n"), 2;
			a[2 + marks] += 6;
			for (closing = 0; strcmp(a[2 + closing], a[2 + marks]); closing++)
				;
			if (closing < marks) { /* already a mark: drop the repeat */
				for (char **p = &a[2 + marks]; *p; p++)
					p[0] = p[1];
				continue;
			}
		}
		marks++;
	}
	listening_file(listening, sizeof(listening), a[0]);
	if (!(f = fopen(listening, "w")))
		die(listening);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
		ssize_t len;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		socklen_t fl = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		/* what this host sends (an ICMP error quoting a frame) is not seen */
		if (len > 0 && from.sll_pkttype == PACKET_OUTGOING)
			continue;
		/* the command channel (probe serve/call, TCP) never counts: a
		 * receiver's result line names every mark */
		if (len > 0 && is_tcp(buf, (size_t)len))
			continue;
		for (int i = 0; len > 0 && i < marks; i++) {
			if (!memmem(buf, (size_t)len, a[2 + i], strlen(a[2 + i])))
				continue;
			if (getenv("PROBE_TRACE"))
				fprintf(stderr, "%s ifindex %d pkttype %d proto %04x len %zd\n", a[2 + i],
					from.sll_ifindex, from.sll_pkttype, ntohs(from.sll_protocol), len);
			if (i == closing && !n[i] && now.tv_sec + CLOSING_GRACE_S < end.tv_sec) {
				end = now;
				end.tv_sec += CLOSING_GRACE_S;
			}
			n[i]++;
		}
	}
	unlink(listening);
	for (int i = 0; i < marks; i++)
		printf("%s%s=%d", i ? " " : "", a[2 + i], n[i]);
	printf("\n");
	return 0;
}

/* probe ready IFACE SECONDS: 0 once a count listens on IFACE, 1 if none
 * did within SECONDS. */
static int cmd_ready(char **a)
{
	char listening[64];

	listening_file(listening, sizeof(listening), a[0]);
	for (int tenths = atoi(a[1]) * 10; tenths > 0; tenths--) {
		if (access(listening, F_OK) == 0)
			return 0;
		usleep(100000);
	}
	fprintf(stderr, "probe: no count listens on %s\n", a[0]);
	return 1;
}

static int tcp_listen(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 16) < 0)
		die("listen");
	return fd;
}

/* One command per connection, up to the client's end of sending; the reply
 * is its output and status. */
static void serve_one(int c)
{
	char cmd[16384];
	size_t len = 0;
	ssize_t n;
	int status;
	pid_t pid;

	while (len < sizeof(cmd) - 1 && (n = read(c, cmd + len, sizeof(cmd) - 1 - len)) > 0)
		len += (size_t)n;
	cmd[len] = 0;
	pid = fork();
	if (pid == 0) {
		dup2(c, 0);
		dup2(c, 1);
		dup2(c, 2);
		if (c > 2)
			close(c); /* or a daemon the command starts holds the reply open */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 127 << 8;
	dprintf(c, "XNM-RC=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
}

/* Accepts connections on PORT for ever, each handled by one in a child of its own. */
static int serve_with(const char *port, void (*one)(int c))
{
	int fd = tcp_listen(atoi(port));

	signal(SIGCHLD, SIG_DFL);
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (fork() == 0) {
			close(fd);
			one(c);
			_exit(0);
		}
		close(c);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

static int cmd_serve(char **a)
{
	return serve_with(a[0], serve_one);
}

/* A connection to HOST:PORT, its connect retried for 20 s. */
static int tcp_connect(const char *host, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int fd = -1;

	if (!inet_aton(host, &sin.sin_addr)) {
		fprintf(stderr, "probe: bad address %s\n", host);
		return -1;
	}
	/* each connect waits at most 1 s (a SYN to a guest not up yet would
	 * wait for minutes); all of them at most 20 s */
	for (time_t end = time(NULL) + 20; time(NULL) < end;) {
		struct timeval tv = { .tv_sec = 1 };

		fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			return fd;
		close(fd);
		usleep(200000);
	}
	fprintf(stderr, "probe: %s:%s does not answer\n", host, port);
	return -1;
}

static int cmd_call(char **a)
{
	char buf[4096], tail[32] = "";
	int fd = tcp_connect(a[0], a[1]), rc = 2;
	ssize_t n;

	if (fd < 0)
		return 2;
	dprintf(fd, "%s", a[2]);
	shutdown(fd, SHUT_WR);
	/* print everything but the status line, which may straddle reads */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char all[sizeof(tail) + sizeof(buf)];
		size_t tl = strlen(tail), keep;

		memcpy(all, tail, tl);
		memcpy(all + tl, buf, (size_t)n);
		tl += (size_t)n;
		keep = tl < sizeof(tail) - 1 ? tl : sizeof(tail) - 1;
		fwrite(all, 1, tl - keep, stdout);
		memcpy(tail, all + tl - keep, keep);
		tail[keep] = 0;
	}
	char *st = strstr(tail, "XNM-RC=");
	if (st) {
		fwrite(tail, 1, (size_t)(st - tail), stdout);
		rc = atoi(st + 7);
	} else {
		/* the evidence a check shows: the call, not the command, failed */
		fputs(tail, stdout);
		fprintf(stderr, "probe: %s:%s ended the call without its status (%s)\n", a[0], a[1],
			n < 0 ? strerror(errno) : "closed");
	}
	close(fd);
	return rc;
}

static void stream_one(int c)
{
	char cmd[4096];
	size_t len = 0;

	/* byte by byte: what follows the line is the command's input */
	while (len < sizeof(cmd) - 1 && read(c, cmd + len, 1) == 1 && cmd[len] != '\n')
		len++;
	cmd[len] = 0;
	dup2(c, 0);
	dup2(c, 1);
	close(c);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int cmd_stream_serve(char **a)
{
	return serve_with(a[0], stream_one);
}

/* Copies stdin to the connection and the connection to stdout until the far
 * end closes; stdin's end is passed on as a half close. */
static int cmd_stream(char **a)
{
	int fd = tcp_connect(a[0], a[1]);
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .events = POLLIN } };
	char buf[65536];

	if (fd < 0)
		return 2;
	p[1].fd = fd;
	dprintf(fd, "%s\n", a[2]);
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				shutdown(fd, SHUT_WR);
				p[0].fd = -1;
			} else if (write_all(fd, buf, (size_t)n) < 0) {
				return 1;
			}
		}
		if (p[1].revents) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				return 0;
			if (write_all(1, buf, (size_t)n) < 0)
				return 1;
		}
	}
}

static int cmd_time(char **a)
{
	struct timespec t0, t1;
	int status = 0;
	pid_t pid;
	FILE *log;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		execv(a[1], a + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 127;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((log = fopen(a[0], "a"))) {
		fprintf(log, "%.1f", (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		for (char **arg = a + 1; *arg; arg++)
			fprintf(log, " %s", *arg);
		fprintf(log, "\n");
		fclose(log);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*fn)(char **);
	} cmds[] = {
		{ "serve", 1, cmd_serve }, { "call", 3, cmd_call }, { "udp", -8, cmd_udp },
		{ "frame", 3, cmd_frame }, { "garp", 3, cmd_garp }, { "ra", 2, cmd_ra },
		{ "nd", 6, cmd_nd },	   { "count", -3, cmd_count },
		{ "stream-serve", 1, cmd_stream_serve }, { "stream", 3, cmd_stream },
		{ "time", -2, cmd_time }, { "ready", 2, cmd_ready },
	};

	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			/* a negative count: at least that many */
			if (cmds[i].args >= 0 ? argc - 2 != cmds[i].args : argc - 2 < -cmds[i].args)
				break;
			return cmds[i].fn(argv + 2);
		}
	fprintf(stderr, "usage: probe serve|call|stream-serve|stream|time|udp|frame|garp|ra|nd|count|ready ... (see probe.c)\n");
	return 2;
}
