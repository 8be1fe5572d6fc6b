/*
 * A one-shot offline's exit used to take ~12 ms more than its work: the
 * exit made the last close of an nftables socket, and that close waits,
 * holding nf_tables' commit lock, until the objects a commit deleted are
 * released after an RCU grace period; a call just after an offline (its
 * commit, or its own last close) waited for the same release. libxl waits
 * for the script's exit on every create, destroy, detach and migration.
 * The release is the kernel's business; the wait need not be the
 * toolstack's. A child makes the last close once the call has let go of
 * the socket, after waiting out a grace period itself (membarrier), which
 * holds no lock: by then the release is done and the close waits for
 * nothing. The host's state is the same either way: the commit is complete
 * before the socket is closed.
 */
#include "hotplug/call/nft_release.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Closes every descriptor but a and b (a < b). */
static void close_all_but(int a, int b)
{
	if (a > 0)
		close_range(0, (unsigned)a - 1, 0);
	if (b > a + 1)
		close_range((unsigned)a + 1, (unsigned)b - 1, 0);
	close_range((unsigned)b + 1, UINT_MAX, 0);
}

void nft_conn_close_detached(struct nft_conn *c)
{
	int fd = nft_conn_release_fd(c), gate[2];
	char byte;
	pid_t pid;

	if (fd < 0 || pipe2(gate, O_CLOEXEC) < 0) {
		nft_conn_close(c);
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls here: the parent may have threads. */
		if (fd < gate[0])
			close_all_but(fd, gate[0]);
		else
			close_all_but(gate[0], fd);
		/* EOF once the parent has closed its copy: ours is the last close. */
		while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
			;
		/* one RCU grace period, outside nf_tables' commit lock */
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		_exit(0);
	}
	close(gate[0]);
	nft_conn_close(c); /* with the child alive, not the last close */
	close(gate[1]);
}
