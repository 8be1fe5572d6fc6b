/* The fixture's tree of nodes: values, permissions, and what a change touched. */
#ifndef XS_FIXTURE_STORE_H
#define XS_FIXTURE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct node {
	char *name;	/* last path component; "" for the root */
	char *value;
	size_t len;
	char *perms;	/* NUL-separated entries, perms_len bytes */
	size_t perms_len;
	struct node *parent, *child, *next;
	/* Past a few children, an index by name: a host's thousands of domains
	 * must not make every lookup walk them all. */
	struct node **buckets, *hnext;
	size_t nbuckets, nchildren;
};

struct store {
	struct node *root;
	unsigned long long generation; /* bumped by every change */
};

int store_init(struct store *s);
void store_free(struct store *s);
/* A deep copy, for a transaction's private view. */
int store_clone(const struct store *from, struct store *to);

/* path is absolute and valid. NULL when absent. */
struct node *store_find(const struct store *s, const char *path);

/* Creates path and missing parents (inheriting permissions). 0 or -errno. */
int store_write(struct store *s, const char *path, const char *value, size_t len);
int store_mkdir(struct store *s, const char *path);
/* Removes the subtree; a missing node whose parent exists is fine. 0 or -errno. */
int store_rm(struct store *s, const char *path);
int store_set_perms(struct store *s, const char *path, const char *perms, size_t len);

/* Children names, NUL-terminated each, into a malloc'ed buffer. */
char *store_children(const struct node *n, size_t *ret_len);

/* Writes every node as `path = "value"`, sorted by path. */
void store_dump(const struct store *s, FILE *out);

#endif
