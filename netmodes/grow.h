/*
 * Arrays that grow by doubling: one helper for every list the project
 * builds up element by element (a plan's steps, a set's elements read
 * back, the tables' ports).
 */
#ifndef NETMODES_GROW_H
#define NETMODES_GROW_H

#include <stddef.h>

/*
 * Room for element n of arr, an array of *cap elements of size bytes:
 * arr itself when n < *cap, else arr moved to twice the room (first
 * elements when it had none) and *cap updated. NULL when out of memory
 * or the size would overflow: arr and *cap are then as they were.
 */
void *grow_for(void *arr, size_t *cap, size_t n, size_t size, size_t first);

#endif
