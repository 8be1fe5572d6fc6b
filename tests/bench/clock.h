/* The benchmark programs' one clock: monotonic, from an arbitrary start. */
#ifndef TESTS_BENCH_CLOCK_H
#define TESTS_BENCH_CLOCK_H

#include <time.h>

static inline long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline long long now_us(void)
{
	return now_ns() / 1000;
}

#endif
