/*
 * The benchmark's process timer: runs a command ROUNDS times, each followed
 * by an untimed second command when one is given, and prints for the first,
 * one line per run: its wall time and its CPU time (user + system) in
 * microseconds, and its peak RSS in KiB, as the kernel accounts the child.
 * Spawning from C keeps a shell's own fork and wait out of the figures.
 *   spawn ROUNDS CMD [ARGS...] [--then CMD2 [ARGS...]]
 * Both inherit the environment; their output goes to /dev/null. A command
 * that fails is reported on stderr. SPAWN_GAP_MS=N waits N ms before each
 * timed run, so that what the kernel defers after a call (nf_tables' release
 * of a commit's objects after an RCU grace period) is not in the next one's.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

extern char **environ;

static void run(char **argv, posix_spawn_file_actions_t *fa, struct rusage *ru)
{
	pid_t pid;
	int status;

	if (!argv[0])
		return;
	if (posix_spawn(&pid, argv[0], fa, NULL, argv, environ) != 0) {
		perror(argv[0]);
		exit(1);
	}
	if (wait4(pid, &status, 0, ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "spawn: %s failed\n", argv[0]);
}

static long long tv_us(struct timeval t)
{
	return (long long)t.tv_sec * 1000000 + t.tv_usec;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char **then = NULL;
	const char *gap = getenv("SPAWN_GAP_MS");
	struct timespec pause = { 0 };
	int rounds;

	if (argc < 3 || (rounds = atoi(argv[1])) <= 0 || !strcmp(argv[2], "--then")) {
		fprintf(stderr, "usage: spawn ROUNDS CMD [ARGS...] [--then CMD2 [ARGS...]]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--then")) {
			argv[i] = NULL;
			then = &argv[i + 1];
			break;
		}
	if (gap && atoi(gap) > 0)
		pause = (struct timespec){ atoi(gap) / 1000, (long)(atoi(gap) % 1000) * 1000000 };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < rounds; i++) {
		struct rusage ru = { 0 };
		long long t0;

		nanosleep(&pause, NULL);
		t0 = now_us();
		run(&argv[2], &fa, &ru);
		printf("%lld %lld %ld\n", now_us() - t0, tv_us(ru.ru_utime) + tv_us(ru.ru_stime),
		       ru.ru_maxrss);
		fflush(stdout);
		if (then && *then)
			run(then, &fa, &ru);
	}
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
