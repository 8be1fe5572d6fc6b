#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char default_perms[] = "n0"; /* dom0 owns, others have no access */

static struct node *node_new(const char *name, size_t name_len, struct node *parent)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, name_len);
	n->value = strdup("");
	if (parent) {
		n->perms = malloc(parent->perms_len);
		if (n->perms)
			memcpy(n->perms, parent->perms, parent->perms_len);
		n->perms_len = parent->perms_len;
	} else {
		n->perms = malloc(sizeof(default_perms));
		if (n->perms)
			memcpy(n->perms, default_perms, sizeof(default_perms));
		n->perms_len = sizeof(default_perms);
	}
	n->parent = parent;
	if (!n->name || !n->value || !n->perms) {
		free(n->name);
		free(n->value);
		free(n->perms);
		free(n);
		return NULL;
	}
	return n;
}

static void node_free(struct node *n)
{
	while (n) {
		struct node *next = n->next;
		node_free(n->child);
		free(n->buckets);
		free(n->name);
		free(n->value);
		free(n->perms);
		free(n);
		n = next;
	}
}

#define INDEX_MIN 16 /* children before a node gets an index */

static size_t name_hash(const char *name, size_t len)
{
	size_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* (Re)builds n's index with room for twice its children; without memory, n goes unindexed. */
static void index_build(struct node *n)
{
	size_t size = INDEX_MIN;

	while (size < 2 * n->nchildren)
		size *= 2;
	free(n->buckets);
	n->nbuckets = 0;
	if (!(n->buckets = calloc(size, sizeof(struct node *))))
		return;
	n->nbuckets = size;
	for (struct node *c = n->child; c; c = c->next) {
		struct node **b = &n->buckets[name_hash(c->name, strlen(c->name)) & (size - 1)];
		c->hnext = *b;
		*b = c;
	}
}

/* Children stay sorted by name, so listings and dumps are stable. */
static void node_link(struct node *parent, struct node *n)
{
	struct node **at = &parent->child;

	while (*at && strcmp((*at)->name, n->name) < 0)
		at = &(*at)->next;
	n->next = *at;
	*at = n;
	if (++parent->nchildren >= INDEX_MIN && parent->nchildren * 2 > parent->nbuckets) {
		index_build(parent);
	} else if (parent->buckets) {
		struct node **b =
			&parent->buckets[name_hash(n->name, strlen(n->name)) & (parent->nbuckets - 1)];
		n->hnext = *b;
		*b = n;
	}
}

static void node_unlink(struct node *n)
{
	struct node *parent = n->parent, **at;

	for (at = &parent->child; *at != n; at = &(*at)->next)
		;
	*at = n->next;
	n->next = NULL;
	parent->nchildren--;
	if (parent->buckets) {
		at = &parent->buckets[name_hash(n->name, strlen(n->name)) & (parent->nbuckets - 1)];
		while (*at != n)
			at = &(*at)->hnext;
		*at = n->hnext;
	}
}

static struct node *child_named(const struct node *n, const char *name, size_t len)
{
	struct node *c = n->buckets ? n->buckets[name_hash(name, len) & (n->nbuckets - 1)] : n->child;

	for (; c; c = n->buckets ? c->hnext : c->next)
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			break;
	return c;
}

/* Finds or creates every component of the absolute path. */
static int mkpath(struct store *s, const char *path, struct node **ret)
{
	struct node *n = s->root;
	const char *p = path + 1;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		struct node *c = child_named(n, p, len);
		if (!c) {
			if (!(c = node_new(p, len, n)))
				return -ENOMEM;
			node_link(n, c);
		}
		n = c;
		p += len + (slash ? 1 : 0);
		if (!slash)
			break;
	}
	*ret = n;
	return 0;
}

int store_init(struct store *s)
{
	static const char *const initial[] = { "/local/domain/0", "/tool" };
	struct node *n;

	s->generation = 0;
	s->root = node_new("", 0, NULL);
	if (!s->root)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
		if (mkpath(s, initial[i], &n) < 0)
			return -ENOMEM;
	return 0;
}

void store_free(struct store *s)
{
	node_free(s->root);
	s->root = NULL;
}

static struct node *node_clone(const struct node *n, struct node *parent)
{
	struct node *c = calloc(1, sizeof(*c)), **tail;

	if (!c)
		return NULL;
	c->parent = parent;
	c->name = strdup(n->name);
	c->value = malloc(n->len + 1);
	c->perms = malloc(n->perms_len);
	if (!c->name || !c->value || !c->perms) {
		node_free(c);
		return NULL;
	}
	memcpy(c->value, n->value, n->len + 1);
	c->len = n->len;
	memcpy(c->perms, n->perms, n->perms_len);
	c->perms_len = n->perms_len;
	tail = &c->child;
	for (const struct node *k = n->child; k; k = k->next) {
		if (!(*tail = node_clone(k, c))) {
			node_free(c);
			return NULL;
		}
		tail = &(*tail)->next;
		c->nchildren++;
	}
	if (c->nchildren >= INDEX_MIN)
		index_build(c);
	return c;
}

int store_clone(const struct store *from, struct store *to)
{
	to->generation = from->generation;
	to->root = node_clone(from->root, NULL);
	return to->root ? 0 : -ENOMEM;
}

struct node *store_find(const struct store *s, const char *path)
{
	struct node *n = s->root;
	const char *p = path + 1;

	while (n && *p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		n = child_named(n, p, len);
		p += len + (slash ? 1 : 0);
	}
	return n;
}

int store_write(struct store *s, const char *path, const char *value, size_t len)
{
	struct node *n;
	char *v = malloc(len + 1);
	int rc;

	if (!v)
		return -ENOMEM;
	if ((rc = mkpath(s, path, &n)) < 0) {
		free(v);
		return rc;
	}
	memcpy(v, value, len);
	v[len] = '\0';
	free(n->value);
	n->value = v;
	n->len = len;
	s->generation++;
	return 0;
}

int store_mkdir(struct store *s, const char *path)
{
	struct node *n;

	if (store_find(s, path))
		return 0;
	s->generation++;
	return mkpath(s, path, &n);
}

int store_rm(struct store *s, const char *path)
{
	struct node *n = store_find(s, path);
	char parent[4096];
	const char *slash;

	if (!n) {
		slash = strrchr(path, '/');
		snprintf(parent, sizeof(parent), "%.*s", slash == path ? 1 : (int)(slash - path), path);
		return store_find(s, parent) ? 0 : -ENOENT;
	}
	if (!n->parent)
		return -EINVAL;
	node_unlink(n);
	node_free(n);
	s->generation++;
	return 0;
}

int store_set_perms(struct store *s, const char *path, const char *perms, size_t len)
{
	struct node *n = store_find(s, path);
	char *p;

	if (!n)
		return -ENOENT;
	if (!(p = malloc(len)))
		return -ENOMEM;
	memcpy(p, perms, len);
	free(n->perms);
	n->perms = p;
	n->perms_len = len;
	s->generation++;
	return 0;
}

char *store_children(const struct node *n, size_t *ret_len)
{
	size_t len = 0;
	char *buf, *p;

	for (const struct node *c = n->child; c; c = c->next)
		len += strlen(c->name) + 1;
	buf = malloc(len + 1);
	if (!buf)
		return NULL;
	p = buf;
	for (const struct node *c = n->child; c; c = c->next) {
		size_t l = strlen(c->name) + 1;
		memcpy(p, c->name, l);
		p += l;
	}
	*ret_len = len;
	return buf;
}

static void dump_node(const struct node *n, char *path, size_t plen, FILE *out)
{
	for (const struct node *c = n->child; c; c = c->next) {
		int w = snprintf(path + plen, 4096 - plen, "/%s", c->name);
		fprintf(out, "%s = \"", path);
		for (size_t i = 0; i < c->len; i++) {
			unsigned char ch = (unsigned char)c->value[i];
			if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
				fprintf(out, "\\x%02x", ch);
			else
				fputc(ch, out);
		}
		fprintf(out, "\"\n");
		dump_node(c, path, plen + (size_t)w, out);
		path[plen] = '\0';
	}
}

void store_dump(const struct store *s, FILE *out)
{
	char path[4096] = "";

	dump_node(s->root, path, 0, out);
}
