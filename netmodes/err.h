/* A one-line failure reason carried from the layer that knows it to hotplug/, which reports it. */
#ifndef NETMODES_ERR_H
#define NETMODES_ERR_H

#define ERR_MSG_LEN 512

struct nm_err {
	char msg[ERR_MSG_LEN];
};

/*
 * Formats the reason into e (which may be NULL) and returns rc, a negative
 * errno, so that a failing layer can write `return nm_fail(e, -EINVAL, ...)`.
 */
int nm_fail(struct nm_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
