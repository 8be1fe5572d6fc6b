#include "netmodes/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *grow_for(void *arr, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want;
	void *grown;

	if (n < *cap)
		return arr;
	want = *cap ? 2 * *cap : first;
	if (want <= n || !size || want > SIZE_MAX / size)
		return NULL;
	if (!(grown = realloc(arr, want * size)))
		return NULL;
	*cap = want;
	return grown;
}
