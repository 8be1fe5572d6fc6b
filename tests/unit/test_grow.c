/*
 * grow_for: the one doubling array every list of the project builds on
 * (a plan's steps, a set's elements, the status tables' ports). No kernel
 * involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/grow.h"

/* 1000 elements added one by one: every one kept, the room doubling from the first 16. */
static void test_grows_and_keeps(void **state)
{
	int *a = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		int *g = grow_for(a, &cap, n, sizeof(*a), 16);
		assert_non_null(g);
		a = g;
		assert_true(cap > n);
		a[n++] = i;
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(a[i], i);
	free(a);
}

/* With room left, the same array back and nothing moved. */
static void test_room_left(void **state)
{
	size_t cap = 0;
	char *a = grow_for(NULL, &cap, 0, 1, 4);

	(void)state;
	assert_non_null(a);
	assert_int_equal(cap, 4);
	assert_ptr_equal(grow_for(a, &cap, 3, 1, 4), a);
	assert_int_equal(cap, 4);
	free(a);
}

/* A size whose room would overflow: NULL, and the array and its room as they were. */
static void test_overflow(void **state)
{
	size_t cap = 4;
	char *a = malloc(4);

	(void)state;
	assert_non_null(a);
	assert_null(grow_for(a, &cap, 4, SIZE_MAX / 4, 4));
	assert_int_equal(cap, 4);
	assert_null(grow_for(a, &cap, 4, 0, 4));
	assert_int_equal(cap, 4);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_and_keeps),
		cmocka_unit_test(test_room_left),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
