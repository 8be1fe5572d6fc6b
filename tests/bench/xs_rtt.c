/*
 * The benchmark's xenstore round trip: one xs_read at a time through the
 * unmodified libxenstore, as a call makes each of its requests. Prints one
 * wall time in microseconds per request, ROUNDS lines.
 *   xs_rtt PATH ROUNDS      (XENSTORED_PATH: the server to ask)
 */
#include <stdio.h>
#include <stdlib.h>

#include <xenstore.h>

#include "clock.h"

int main(int argc, char **argv)
{
	struct xs_handle *h;
	int rounds = argc == 3 ? atoi(argv[2]) : 0;

	if (rounds <= 0) {
		fprintf(stderr, "usage: xs_rtt PATH ROUNDS\n");
		return 2;
	}
	if (!(h = xs_open(0))) {
		perror("xs_open");
		return 1;
	}
	for (int i = 0; i < rounds; i++) {
		long long t = now_ns();
		unsigned len;
		char *v = xs_read(h, XBT_NULL, argv[1], &len);

		t = now_ns() - t;
		if (!v) {
			perror(argv[1]);
			return 1;
		}
		free(v);
		printf("%.1f\n", t / 1000.0);
	}
	xs_close(h);
	return 0;
}
