#include "hotplug/xen/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "netmodes/modes/vif.h"

int xsw_open(struct xs_handle **ret, struct nm_err *e)
{
	struct xs_handle *h = xs_open(0);

	if (!h)
		return nm_fail(e, errno ? nm_errno() : -EIO, "cannot connect to xenstore: %s",
			       strerror(errno ? errno : EIO));
	*ret = h;
	return 0;
}

void xsw_close(struct xs_handle *h)
{
	if (h)
		xs_close(h);
}

int xsw_read(struct xs_handle *h, const char *path, char *buf, size_t n, struct nm_err *e)
{
	unsigned len = 0;
	char *v = xs_read(h, XBT_NULL, path, &len);

	if (!v) {
		int err = errno ? errno : EIO;
		if (err == ENOENT)
			return -ENOENT;
		return nm_fail(e, -err, "cannot read %s from xenstore: %s", path, strerror(err));
	}
	if (len >= n || memchr(v, '\0', len)) {
		free(v);
		return nm_fail(e, -E2BIG, "xenstore node %s: value too long or not text", path);
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	return 0;
}

int xsw_read_opt(struct xs_handle *h, const char *path, char *buf, size_t n, struct nm_err *e)
{
	int rc = xsw_read(h, path, buf, n, e);

	if (rc == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return rc;
}

bool xsw_exists(struct xs_handle *h, const char *path)
{
	unsigned len;
	char *v = xs_read(h, XBT_NULL, path, &len);

	free(v);
	return v != NULL;
}

int xsw_write(struct xs_handle *h, const char *path, const char *value, struct nm_err *e)
{
	if (!xs_write(h, XBT_NULL, path, value, (unsigned)strlen(value))) {
		int err = errno ? errno : EIO;
		return nm_fail(e, -err, "cannot write %s to xenstore: %s", path, strerror(err));
	}
	return 0;
}

int xsw_rm(struct xs_handle *h, const char *path, struct nm_err *e)
{
	if (!xs_rm(h, XBT_NULL, path) && errno != ENOENT) {
		int err = errno ? errno : EIO;
		return nm_fail(e, -err, "cannot remove %s from xenstore: %s", path, strerror(err));
	}
	return 0;
}

struct xs_write_op {
	struct xs_handle *h;
	char path[XS_PATH_LEN];
	char value[128];
	bool had_old;
	bool known; /* had_old and old were read when the plan was made */
	char old[128];
};

static int xs_write_apply(struct op *op, struct nm_err *e)
{
	struct xs_write_op *o = op->data;

	if (!o->known) {
		int rc = xsw_read(o->h, o->path, o->old, sizeof(o->old), e);

		if (rc < 0 && rc != -ENOENT && rc != -E2BIG)
			return rc;
		o->had_old = rc == 0;
	}
	return xsw_write(o->h, o->path, o->value, e);
}

static int xs_write_undo(struct op *op, struct nm_err *e)
{
	struct xs_write_op *o = op->data;

	return o->had_old ? xsw_write(o->h, o->path, o->old, e) : xsw_rm(o->h, o->path, e);
}

static void xs_write_describe(const struct op *op, FILE *out)
{
	const struct xs_write_op *o = op->data;

	fprintf(out, "xenstore-write %s %s\n", o->path, o->value);
}

static const struct op_type xs_write_type = {
	.name = "xenstore write",
	.apply = xs_write_apply,
	.undo = xs_write_undo,
	.describe = xs_write_describe,
};

/* The last step's write: it has nothing to undo, so it reads nothing first. */
static int xs_write_last_apply(struct op *op, struct nm_err *e)
{
	struct xs_write_op *o = op->data;

	return xsw_write(o->h, o->path, o->value, e);
}

static const struct op_type xs_write_last_type = {
	.name = "xenstore write",
	.apply = xs_write_last_apply,
	.describe = xs_write_describe,
};

/*
 * A write of type t. known: the node's value is old (NULL: the node is
 * absent), read when the plan was made; else applying reads it first.
 */
static int add_write(struct plan *p, const struct op_type *t, struct xs_handle *h,
		     const char *path, const char *value, const char *old, bool known)
{
	struct xs_write_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->h = h;
	o->known = known;
	o->had_old = known && old;
	snprintf(o->path, sizeof(o->path), "%s", path);
	snprintf(o->value, sizeof(o->value), "%s", value);
	snprintf(o->old, sizeof(o->old), "%s", old ? old : "");
	return plan_add(p, t, o);
}

int op_xs_write(struct plan *p, struct xs_handle *h, const char *path, const char *value)
{
	return add_write(p, &xs_write_type, h, path, value, NULL, false);
}

int op_xs_write_new(struct plan *p, struct xs_handle *h, const char *path, const char *value)
{
	return add_write(p, &xs_write_type, h, path, value, NULL, true);
}

int op_xs_write_over(struct plan *p, struct xs_handle *h, const char *path, const char *value,
		     const char *old)
{
	return add_write(p, &xs_write_type, h, path, value, old, true);
}

int op_xs_write_last(struct plan *p, struct xs_handle *h, const char *path, const char *value)
{
	return add_write(p, &xs_write_last_type, h, path, value, NULL, true);
}
