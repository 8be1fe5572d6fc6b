/* The DHCP servers' files for NAT guests, written atomically; see dhcp_host.h. */
#include "netmodes/host/dhcp_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "netmodes/host/child.h"
#include "netmodes/host/dirs.h"
#include "netmodes/host/lock.h"

#define ISC_LOCK "vif-nat-dhcp" /* the shell script's lock: both serialise */
#define ISC_LOCK_TIMEOUT_MS 30000

/*
 * Writes text to path through a dotfile in the same directory and a rename,
 * so that a reader sees the old file or the new one, never half of one.
 *
 * The file stays what it was. An existing file's mode, owner, group and
 * POSIX ACL (system.posix_acl_access) are copied onto the dotfile before
 * the rename: dhcpd.conf often holds TSIG or OMAPI keys at 0640 root:dhcpd,
 * and must not become world-readable. A symlink is written through: its
 * target (resolved with realpath) is replaced, through a dotfile in the
 * target's own directory, and the link itself is left a link; a symlink to
 * nothing is refused. A new file is created 0644 (less the umask).
 * Documented in vif-nat(8), DHCP.
 */
static int write_atomic(const char *path, const char *text, struct nm_err *e)
{
	char *real = NULL, *tmp = NULL, acl[4096];
	const char *target = path, *slash;
	size_t len = strlen(text);
	struct stat st;
	bool exists;
	ssize_t acl_len = -1;
	int fd, rc = 0;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!(real = realpath(path, NULL)))
			return nm_fail(e, nm_errno(), "cannot write %s: its symlink does not resolve: %s",
				       path, strerror(errno));
		target = real;
	}
	exists = stat(target, &st) == 0;
	if (exists)
		acl_len = getxattr(target, "system.posix_acl_access", acl, sizeof(acl));
	slash = strrchr(target, '/');
	/* dnsmasq skips dotfiles, so it never reads a half-written one. */
	if (asprintf(&tmp, "%.*s/.%s.xen-netmodes", (int)(slash - target), target, slash + 1) < 0) {
		free(real);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	(void)unlink(tmp); /* a crashed call's, with whatever mode it had */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = nm_fail(e, nm_errno(), "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (exists && (fchown(fd, st.st_uid, st.st_gid) < 0 || fchmod(fd, st.st_mode & 07777) < 0 ||
		       (acl_len > 0 && fsetxattr(fd, "system.posix_acl_access", acl,
						 (size_t)acl_len, 0) < 0))) {
		int err = errno;
		close(fd);
		unlink(tmp);
		rc = nm_fail(e, -err, "cannot keep %s's owner and mode on %s: %s", target, tmp,
			     strerror(err));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(tmp, target) < 0) {
		int err = errno;
		unlink(tmp);
		rc = nm_fail(e, -err, "cannot write %s: %s", target, strerror(err));
	}
out:
	free(tmp);
	free(real);
	return rc;
}

/* The whole file as a string ("" when absent and absent_ok). */
static int read_all(const char *path, bool absent_ok, char **ret, struct nm_err *e)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f) {
		if (errno == ENOENT && absent_ok)
			return (*ret = strdup("")) ? 0 : nm_fail(e, -ENOMEM, "out of memory");
		return nm_fail(e, nm_errno(), "cannot read %s: %s", path, strerror(errno));
	}
	if (!(m = open_memstream(&buf, &len))) {
		fclose(f);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	*ret = buf;
	return 0;
}

/* What a file was before a step changed it, for the step's undo. */
struct file_prev {
	bool saved;   /* apply recorded it */
	bool existed; /* else there was no file */
	char *text;   /* its content, when it existed */
};

static int file_prev_take(const char *path, struct file_prev *ret, struct nm_err *e)
{
	struct stat st;

	free(ret->text);
	*ret = (struct file_prev){ .saved = true, .existed = stat(path, &st) == 0 };
	return ret->existed ? read_all(path, false, &ret->text, e) : 0;
}

/* Puts path back as prev recorded it: its content (an unchanged file left alone), or no file. */
static int file_prev_restore(const char *path, const struct file_prev *prev, struct nm_err *e)
{
	struct stat st;
	char *now = NULL;
	int rc;

	if (!prev->saved)
		return 0;
	if (!prev->existed) {
		if (unlink(path) < 0 && errno != ENOENT)
			return nm_fail(e, nm_errno(), "cannot remove %s: %s", path, strerror(errno));
		return 0;
	}
	if (stat(path, &st) < 0)
		return write_atomic(path, prev->text, e);
	if ((rc = read_all(path, false, &now, e)) < 0)
		return rc;
	rc = strcmp(now, prev->text) ? write_atomic(path, prev->text, e) : 0;
	free(now);
	return rc;
}

/* dnsmasq */

struct dnsmasq_op {
	char hosts[DHCP_PATH_LEN + IFNAMSIZ + 2], opts[DHCP_PATH_LEN + IFNAMSIZ + 2];
	struct dhcp_host h;
	bool add;
	struct file_prev hosts_was, opts_was; /* what apply found */
};

/* Writes line to path (creating its directory), or removes path. */
static int dnsmasq_file(const char *path, const char *line, bool add, struct nm_err *e)
{
	char dir[DHCP_PATH_LEN];
	int rc;

	if (!add) {
		if (unlink(path) < 0 && errno != ENOENT)
			return nm_fail(e, nm_errno(), "cannot remove %s: %s", path, strerror(errno));
		return 0;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
	/* and its parents: /var/lib/xen-netmodes on a fresh install */
	if ((rc = nm_mkdirs(dir, 0755, e)) < 0)
		return rc;
	return write_atomic(path, line, e);
}

/* The router option first: when the host line appears, its tag finds the option. */
static int dnsmasq_do(const struct dnsmasq_op *o, bool add, struct nm_err *e)
{
	char host[128], opts[128];
	int rc;

	dnsmasq_host_line(&o->h, host, sizeof(host));
	dnsmasq_opts_line(&o->h, opts, sizeof(opts));
	if (add)
		return (rc = dnsmasq_file(o->opts, opts, true, e)) < 0
			       ? rc
			       : dnsmasq_file(o->hosts, host, true, e);
	return (rc = dnsmasq_file(o->hosts, host, false, e)) < 0 ? rc
								  : dnsmasq_file(o->opts, opts, false, e);
}

static int dnsmasq_apply(struct op *op, struct nm_err *e)
{
	struct dnsmasq_op *o = op->data;
	int rc;

	if ((rc = file_prev_take(o->hosts, &o->hosts_was, e)) < 0 ||
	    (rc = file_prev_take(o->opts, &o->opts_was, e)) < 0)
		return rc;
	return dnsmasq_do(o, o->add, e);
}

/*
 * The files back as apply found them (a running guest's entries stay): a
 * host file that was not there goes first, one that was comes back last.
 */
static int dnsmasq_undo(struct op *op, struct nm_err *e)
{
	struct dnsmasq_op *o = op->data;
	int rc;

	if (!o->hosts_was.existed && (rc = file_prev_restore(o->hosts, &o->hosts_was, e)) < 0)
		return rc;
	if ((rc = file_prev_restore(o->opts, &o->opts_was, e)) < 0)
		return rc;
	return o->hosts_was.existed ? file_prev_restore(o->hosts, &o->hosts_was, e) : 0;
}

static void dnsmasq_release(void *data)
{
	struct dnsmasq_op *o = data;

	free(o->hosts_was.text);
	free(o->opts_was.text);
	free(o);
}

static void dnsmasq_describe(const struct op *op, FILE *out)
{
	const struct dnsmasq_op *o = op->data;
	char line[128];

	if (!o->add) {
		fprintf(out, "rm -f %s %s\n", o->hosts, o->opts);
		return;
	}
	dnsmasq_opts_line(&o->h, line, sizeof(line));
	fprintf(out, "write %s: %s", o->opts, line);
	dnsmasq_host_line(&o->h, line, sizeof(line));
	fprintf(out, "write %s: %s", o->hosts, line);
}

static const struct op_type dnsmasq_type = {
	.name = "dnsmasq host", .apply = dnsmasq_apply, .undo = dnsmasq_undo,
	.describe = dnsmasq_describe, .release = dnsmasq_release,
};

int op_dnsmasq_host(struct plan *p, const struct dhcp_settings *s, const struct dhcp_host *h,
		    bool add)
{
	struct dnsmasq_op *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	snprintf(o->hosts, sizeof(o->hosts), "%s/%s", s->hostsdir, h->dev);
	snprintf(o->opts, sizeof(o->opts), "%s/%s", s->optsdir, h->dev);
	o->h = *h;
	o->add = add;
	return plan_add(p, &dnsmasq_type, o);
}

/* ISC dhcpd */

struct isc_op {
	char conf[DHCP_PATH_LEN], defaults[DHCP_PATH_LEN], init[DHCP_PATH_LEN];
	char lock_dir[DHCP_PATH_LEN];
	struct dhcp_host h;
	bool add;
	/* apply's edit: each file before it and after it (NULL until apply) */
	char *conf_was, *conf_made, *defaults_was, *defaults_made;
};

/* The first of the candidates that exists (executable ones for the init script). */
static void first_file(char *ret, const char *configured, const char *const *candidates,
		       int mode)
{
	if (configured[0]) {
		snprintf(ret, DHCP_PATH_LEN, "%s", configured);
		return;
	}
	ret[0] = '\0';
	for (; *candidates && !ret[0]; candidates++)
		if (access(*candidates, mode) == 0)
			snprintf(ret, DHCP_PATH_LEN, "%s", *candidates);
}

/*
 * Restarts dhcpd as the shell script does; its failure is ignored (dhcpd 3
 * fails with no vifs), but one still running at its time limit is killed
 * with its process group and fails the step.
 */
static int isc_restart(const char *init, struct nm_err *e)
{
	char *argv[] = { (char *)init, "restart", NULL };
	struct child_spec s = { .path = init, .argv = argv, .null_stdio = true,
				.limit_ms = CHILD_TIME_LIMIT_MS };
	struct nm_err ce = { "" };
	int status, rc;

	if (!init[0] || access(init, X_OK) < 0)
		return 0;
	if ((rc = child_run(&s, &status, &ce)) == -ETIMEDOUT)
		return nm_fail(e, rc, "%s restart %s", init, ce.msg);
	return 0;
}

/*
 * Rewrites path through edit, unchanged files left alone. was and made
 * (both NULL, or both set) get the file before and after.
 */
static int edit_file(const char *path, char *(*edit)(const char *, const void *, bool),
		     const void *arg, bool add, char **was, char **made, struct nm_err *e)
{
	char *in = NULL, *out;
	int rc = read_all(path, false, &in, e);

	if (rc < 0)
		return rc;
	out = in ? edit(in, arg, add) : NULL;
	if (!out)
		rc = nm_fail(e, -ENOMEM, "out of memory");
	else if (strcmp(in, out))
		rc = write_atomic(path, out, e);
	if (!rc && was) {
		free(*was);
		free(*made);
		*was = in;
		*made = out;
		return 0;
	}
	free(in);
	free(out);
	return rc;
}

static char *conf_edit(const char *in, const void *h, bool add)
{
	return isc_conf_edit(in, h, add);
}

static char *defaults_edit(const char *in, const void *h, bool add)
{
	return isc_defaults_edit(in, ((const struct dhcp_host *)h)->dev, add);
}

/*
 * Undo's edits: the file as apply found it when nobody edited it since
 * (the vif-nat-dhcp lock is not held in between); else the host's lines as
 * apply found them, or the vif's place in the interface lists.
 */
static char *conf_unedit(const char *in, const void *arg, bool add)
{
	const struct isc_op *o = arg;
	char *without, *lines, *out = NULL;

	(void)add;
	if (!o->conf_was || !strcmp(in, o->conf_made))
		return strdup(o->conf_was ? o->conf_was : in);
	without = isc_conf_edit(in, &o->h, false);
	lines = isc_conf_host_lines(o->conf_was, o->h.name);
	if (without && lines && asprintf(&out, "%s%s", without, lines) < 0)
		out = NULL;
	free(without);
	free(lines);
	return out;
}

static char *defaults_unedit(const char *in, const void *arg, bool add)
{
	const struct isc_op *o = arg;

	(void)add;
	if (!o->defaults_was || !strcmp(in, o->defaults_made))
		return strdup(o->defaults_was ? o->defaults_was : in);
	return isc_defaults_edit(in, o->h.dev, isc_defaults_has(o->defaults_was, o->h.dev));
}

/* apply's edit (recorded in o), or undo's (undo), under the lock. */
static int isc_edit(struct isc_op *o, bool undo, struct nm_err *e)
{
	struct hp_lock lock;
	int rc = lock_claim(o->lock_dir, ISC_LOCK, ISC_LOCK_TIMEOUT_MS, &lock, e);

	if (rc < 0)
		return rc;
	if (!undo) {
		rc = edit_file(o->conf, conf_edit, &o->h, o->add, &o->conf_was, &o->conf_made, e);
		if (!rc)
			rc = edit_file(o->defaults, defaults_edit, &o->h, o->add, &o->defaults_was,
				       &o->defaults_made, e);
	} else {
		rc = edit_file(o->conf, conf_unedit, o, false, NULL, NULL, e);
		if (!rc)
			rc = edit_file(o->defaults, defaults_unedit, o, false, NULL, NULL, e);
	}
	lock_release(&lock);
	return rc;
}

/* The edit, then dhcpd's restart. */
static int isc_do(struct isc_op *o, bool undo, struct nm_err *e)
{
	struct nm_err ue = { "" };
	int rc = isc_edit(o, undo, e);

	/*
	 * A restart killed at its time limit fails this step, which the plan
	 * does not undo (only the steps before it): its edit goes here.
	 */
	if (!rc && (rc = isc_restart(o->init, e)) < 0 && !undo)
		(void)isc_edit(o, true, &ue);
	return rc;
}

static int isc_apply(struct op *op, struct nm_err *e)
{
	return isc_do(op->data, false, e);
}

static int isc_undo(struct op *op, struct nm_err *e)
{
	return isc_do(op->data, true, e);
}

static void isc_release(void *data)
{
	struct isc_op *o = data;

	free(o->conf_was);
	free(o->conf_made);
	free(o->defaults_was);
	free(o->defaults_made);
	free(o);
}

static void isc_describe(const struct op *op, FILE *out)
{
	const struct isc_op *o = op->data;

	fprintf(out, "edit %s: %s host %s\n", o->conf, o->add ? "add" : "remove", o->h.name);
	fprintf(out, "edit %s: %s %s %s the interface lists\n", o->defaults,
		o->add ? "add" : "remove", o->h.dev, o->add ? "to" : "from");
	if (o->init[0])
		fprintf(out, "%s restart\n", o->init);
}

static const struct op_type isc_type = {
	.name = "dhcpd host", .apply = isc_apply, .undo = isc_undo, .describe = isc_describe,
	.release = isc_release,
};

int op_isc_host(struct plan *p, const struct dhcp_settings *s, const char *lock_dir,
		const struct dhcp_host *h, bool add, struct nm_err *e)
{
	static const char *const confs[] = { "/etc/dhcp/dhcpd.conf", "/etc/dhcp3/dhcpd.conf",
					     "/etc/dhcpd.conf", NULL };
	static const char *const defaults[] = { "/etc/sysconfig/dhcpd", "/etc/defaults/dhcp",
						"/etc/default/dhcp-server", "/etc/default/dhcp3-server",
						"/etc/default/isc-dhcp-server", NULL };
	static const char *const inits[] = { "/etc/init.d/isc-dhcp-server", "/etc/init.d/dhcp-server",
					     "/etc/init.d/dhcp3-server", "/etc/init.d/dhcp",
					     "/etc/init.d/dhcpd", NULL };
	struct isc_op *o = calloc(1, sizeof(*o));

	if (!o)
		return nm_fail(e, -ENOMEM, "out of memory");
	first_file(o->conf, s->conf, confs, F_OK);
	first_file(o->defaults, s->defaults, defaults, F_OK);
	first_file(o->init, s->init, inits, X_OK);
	if (!o->conf[0] || !o->defaults[0]) {
		free(o);
		return nm_fail(e, -ENOENT, "Failed to find dhcpd configuration or args file.");
	}
	snprintf(o->lock_dir, sizeof(o->lock_dir), "%s", lock_dir);
	o->h = *h;
	o->add = add;
	return plan_add(p, &isc_type, o) < 0 ? nm_fail(e, -ENOMEM, "out of memory") : 0;
}
