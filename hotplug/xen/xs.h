/* xenstore access through libxenstore, and the plan operation that writes a node. */
#ifndef HOTPLUG_XS_H
#define HOTPLUG_XS_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/err.h"
#include "netmodes/plan.h"

struct xs_handle;

/* Connects to xenstored (XENSTORED_PATH, else the default socket or device). */
int xsw_open(struct xs_handle **ret, struct nm_err *e);
void xsw_close(struct xs_handle *h);

/*
 * Reads path into buf as a NUL-terminated string. Returns 0, -ENOENT when
 * the node does not exist (e untouched), -E2BIG when the value does not fit
 * or holds a NUL byte, or another -errno; e is set on every other failure.
 */
int xsw_read(struct xs_handle *h, const char *path, char *buf, size_t n, struct nm_err *e);

/* Like xsw_read, but an absent node yields "" and 0. */
int xsw_read_opt(struct xs_handle *h, const char *path, char *buf, size_t n, struct nm_err *e);

bool xsw_exists(struct xs_handle *h, const char *path);
int xsw_write(struct xs_handle *h, const char *path, const char *value, struct nm_err *e);
int xsw_rm(struct xs_handle *h, const char *path, struct nm_err *e);

/*
 * Plan operation writing value to path. Undo restores the previous value,
 * or removes the node if it did not exist. Returns 0 or -ENOMEM.
 */
int op_xs_write(struct plan *p, struct xs_handle *h, const char *path, const char *value);

/* The same for a path known not to exist: nothing is read first; undo removes it. */
int op_xs_write_new(struct plan *p, struct xs_handle *h, const char *path, const char *value);

/*
 * The same for a node whose value the planner has just read (old): nothing
 * is read again; undo writes old back.
 */
int op_xs_write_over(struct plan *p, struct xs_handle *h, const char *path, const char *value,
		     const char *old);

/*
 * A write for the plan's last step (the call's report to the toolstack):
 * no step after it can fail, so it keeps no undo and reads nothing first.
 */
int op_xs_write_last(struct plan *p, struct xs_handle *h, const char *path, const char *value);

#endif
