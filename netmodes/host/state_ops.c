#include "netmodes/host/state_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netmodes/host/dirs.h"

#define STATE_PATH_LEN 512

static void state_path(const char *dir, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.state", dir, name);
}

int state_load(const char *dir, const char *name, struct state *ret, struct nm_err *e)
{
	char path[STATE_PATH_LEN], line[STATE_KEY_LEN + STATE_VALUE_LEN + 4];
	struct state s = { 0 };
	FILE *f;
	int lineno = 0;

	state_path(dir, name, path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? -ENOENT
				       : nm_fail(e, nm_errno(), "cannot read %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *nl = strchr(line, '\n');
		lineno++;
		if (nl)
			*nl = '\0';
		if (!eq || eq == line || !nl || state_set(&s, (*eq = '\0', line), eq + 1) < 0) {
			fclose(f);
			return nm_fail(e, -EINVAL, "%s:%d: not a KEY=VALUE line", path, lineno);
		}
	}
	fclose(f);
	*ret = s;
	return 0;
}

const char *state_get(const struct state *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->kv[i].key, key))
			return s->kv[i].value;
	return NULL;
}

int state_set(struct state *s, const char *key, const char *value)
{
	size_t i;

	if (strlen(key) >= STATE_KEY_LEN || strlen(value) >= STATE_VALUE_LEN)
		return -E2BIG;
	for (i = 0; i < s->n && strcmp(s->kv[i].key, key); i++)
		;
	if (i == STATE_MAX)
		return -E2BIG;
	snprintf(s->kv[i].key, STATE_KEY_LEN, "%s", key);
	snprintf(s->kv[i].value, STATE_VALUE_LEN, "%s", value);
	if (i == s->n)
		s->n++;
	return 0;
}

/* Written to NAME.state.new, then renamed: a crash leaves the old file or the new one. */
static int state_save(const char *path, const struct state *s, struct nm_err *e)
{
	char tmp[STATE_PATH_LEN + 4], dir[STATE_PATH_LEN];
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
	if ((rc = nm_mkdirs(dir, 0755, e)) < 0)
		return rc;
	if (!(f = fopen(tmp, "we")))
		return nm_fail(e, nm_errno(), "cannot write %s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s=%s\n", s->kv[i].key, s->kv[i].value);
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
		int err = errno;
		unlink(tmp);
		return nm_fail(e, -err, "cannot write %s: %s", path, strerror(err));
	}
	return 0;
}

static int state_remove(const char *path, struct nm_err *e)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return nm_fail(e, nm_errno(), "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

struct state_op {
	char path[STATE_PATH_LEN];
	struct state s;
};

static int save_apply(struct op *op, struct nm_err *e)
{
	struct state_op *o = op->data;

	return state_save(o->path, &o->s, e);
}

static int remove_apply(struct op *op, struct nm_err *e)
{
	struct state_op *o = op->data;

	return state_remove(o->path, e);
}

static void save_describe(const struct op *op, FILE *out)
{
	const struct state_op *o = op->data;

	fprintf(out, "write %s:", o->path);
	for (size_t i = 0; i < o->s.n; i++)
		fprintf(out, " %s=%s", o->s.kv[i].key, o->s.kv[i].value);
	fputc('\n', out);
}

static void remove_describe(const struct op *op, FILE *out)
{
	const struct state_op *o = op->data;

	fprintf(out, "rm %s\n", o->path);
}

static const struct op_type save_type = {
	.name = "save state", .apply = save_apply, .undo = remove_apply, .describe = save_describe,
};

static const struct op_type remove_type = {
	.name = "remove state", .apply = remove_apply, .undo = save_apply, .describe = remove_describe,
};

static int state_op(struct plan *p, const struct op_type *t, const char *dir, const char *name,
		    const struct state *s)
{
	struct state_op *o = malloc(sizeof(*o));

	if (!o)
		return -ENOMEM;
	state_path(dir, name, o->path, sizeof(o->path));
	o->s = *s;
	return plan_add(p, t, o);
}

int op_state_save(struct plan *p, const char *dir, const char *name, const struct state *s)
{
	return state_op(p, &save_type, dir, name, s);
}

int op_state_remove(struct plan *p, const char *dir, const char *name, const struct state *s)
{
	return state_op(p, &remove_type, dir, name, s);
}

int network_state_load(const char *dir, const char *name, struct network_state *ret,
		       struct nm_err *e)
{
	struct network_state ns = { 0 };
	int rc = state_load(dir, name, &ns.st, e);

	if (rc < 0 && rc != -ENOENT)
		return rc;
	ns.started = rc == 0;
	if (!ns.started)
		ns.st.n = 0;
	*ret = ns;
	return 0;
}

const char *network_state_get(const struct network_state *ns, const char *key, const char *def)
{
	const char *v = ns->started ? state_get(&ns->st, key) : NULL;

	return v ? v : def;
}
