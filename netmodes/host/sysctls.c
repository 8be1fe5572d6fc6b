#include "netmodes/host/sysctls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYSCTL_ROOT "/proc/sys/"
#define SYSCTL_KEY_LEN 128

static void key_path(const char *key, char *path, size_t n)
{
	snprintf(path, n, SYSCTL_ROOT "%s", key);
}

int sysctl_read(const char *key, char *buf, size_t n, struct nm_err *e)
{
	char path[SYSCTL_KEY_LEN + 16];
	ssize_t len;
	int fd;

	key_path(key, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nm_fail(e, nm_errno(), "cannot read %s: %s", key, strerror(errno));
	len = read(fd, buf, n - 1);
	if (len < 0) {
		int err = errno;
		close(fd);
		return nm_fail(e, -err, "cannot read %s: %s", key, strerror(err));
	}
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return 0;
}

int sysctl_write(const char *key, const char *value, struct nm_err *e)
{
	char path[SYSCTL_KEY_LEN + 16];
	size_t len = strlen(value);
	int fd, rc = 0;

	key_path(key, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nm_fail(e, nm_errno(), "cannot set %s: %s", key, strerror(errno));
	if (write(fd, value, len) != (ssize_t)len)
		rc = nm_fail(e, nm_errno(), "cannot set %s to %s: %s", key, value, strerror(errno));
	close(fd);
	return rc;
}

bool sysctl_exists(const char *key)
{
	char path[SYSCTL_KEY_LEN + 16];

	key_path(key, path, sizeof(path));
	return access(path, F_OK) == 0;
}

struct sysctl_op {
	char key[SYSCTL_KEY_LEN];
	char value[32], old[32];
};

static int sysctl_apply(struct op *op, struct nm_err *e)
{
	struct sysctl_op *o = op->data;
	int rc = sysctl_read(o->key, o->old, sizeof(o->old), e);

	return rc < 0 ? rc : sysctl_write(o->key, o->value, e);
}

static int sysctl_undo(struct op *op, struct nm_err *e)
{
	struct sysctl_op *o = op->data;

	return sysctl_write(o->key, o->old, e);
}

static void sysctl_describe(const struct op *op, FILE *out)
{
	const struct sysctl_op *o = op->data;

	fprintf(out, "sysctl -w %s=%s\n", o->key, o->value);
}

static const struct op_type sysctl_type = {
	.name = "set kernel parameter",
	.apply = sysctl_apply,
	.undo = sysctl_undo,
	.describe = sysctl_describe,
};

int op_sysctl(struct plan *p, const char *key, const char *value)
{
	struct sysctl_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	snprintf(o->key, sizeof(o->key), "%s", key);
	snprintf(o->value, sizeof(o->value), "%s", value);
	return plan_add(p, &sysctl_type, o);
}
