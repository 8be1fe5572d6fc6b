#include "hotplug/call/parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define Q(s, buf) quote_value((s), (buf), sizeof(buf))

/* Locale-free, as netaddr.c's is_digit: a value's meaning must not depend on LANG. */
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int parse_mtu(const char *s, unsigned *ret, struct nm_err *e)
{
	char q[64];
	unsigned v;
	struct nm_err sub;

	if (parse_uint(s, "MTU", MTU_MAX, &v, &sub) < 0 || v < MTU_MIN)
		return nm_fail(e, -EINVAL, "invalid MTU \"%s\": must be %d..%d", Q(s, q), MTU_MIN,
			       MTU_MAX);
	*ret = v;
	return 0;
}

int parse_ifname(const char *s, const char *what, char ret[IFNAMSIZ], struct nm_err *e)
{
	char q[64];
	size_t len = s ? strlen(s) : 0;

	if (len == 0)
		return nm_fail(e, -EINVAL, "%s is empty", what);
	if (len >= IFNAMSIZ)
		return nm_fail(e, -EINVAL, "invalid %s \"%s\": longer than %d characters", what,
			       Q(s, q), IFNAMSIZ - 1);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '.' && c != '-')
			return nm_fail(e, -EINVAL,
				       "invalid %s \"%s\": only letters, digits, '_', '.' and '-' are allowed",
				       what, Q(s, q));
	}
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return nm_fail(e, -EINVAL, "invalid %s \"%s\"", what, s);
	memcpy(ret, s, len + 1);
	return 0;
}

int parse_bool(const char *s, const char *what, bool *ret, struct nm_err *e)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char q[64];

	for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return nm_fail(e, -EINVAL, "invalid %s \"%s\": expected yes or no", what, Q(s, q));
}

/* Splits "D/N" (nothing after) into two ids; a helper for the two path parsers. */
static int parse_id_pair(const char *s, unsigned *d, unsigned *n)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	size_t dl;

	if (!slash || (dl = (size_t)(slash - s)) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, dl);
	buf[dl] = '\0';
	if (parse_uint(buf, "domid", DOMID_MAX, d, NULL) < 0 ||
	    parse_uint(slash + 1, "devid", DEVID_MAX, n, NULL) < 0)
		return -EINVAL;
	return 0;
}

int parse_xenbus_path(const char *s, char *ret, size_t n, unsigned *ret_domid,
		      unsigned *ret_devid, struct nm_err *e)
{
	static const char home[] = "/local/domain/";
	char q[128];
	unsigned backend = 0, domid, devid;
	const char *rel = s;

	if (!s || !*s)
		return nm_fail(e, -EINVAL, "XENBUS_PATH is not set");
	if (s[0] == '/') {
		const char *p = s + strlen(home), *slash;
		char buf[16];
		if (strncmp(s, home, strlen(home)) || !(slash = strchr(p, '/')) ||
		    (size_t)(slash - p) >= sizeof(buf))
			goto bad;
		memcpy(buf, p, (size_t)(slash - p));
		buf[slash - p] = '\0';
		if (parse_uint(buf, "domid", DOMID_MAX, &backend, NULL) < 0)
			goto bad;
		rel = slash + 1;
	}
	if (strncmp(rel, "backend/vif/", 12) || parse_id_pair(rel + 12, &domid, &devid) < 0)
		goto bad;
	if ((size_t)snprintf(ret, n, "%s%u/backend/vif/%u/%u", home, backend, domid, devid) >= n)
		goto bad;
	*ret_domid = domid;
	*ret_devid = devid;
	return 0;
bad:
	return nm_fail(e, -EINVAL,
		       "invalid XENBUS_PATH \"%s\": expected backend/vif/DOMID/DEVID",
		       Q(s, q));
}

int parse_frontend_path(const char *s, unsigned domid, char *ret, size_t n, struct nm_err *e)
{
	char q[128], prefix[64];
	unsigned devid;
	int plen = snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/vif/", domid);

	if (!s || strncmp(s, prefix, (size_t)plen) ||
	    parse_uint(s + plen, "devid", DEVID_MAX, &devid, NULL) < 0 || strlen(s) >= n)
		return nm_fail(e, -EINVAL,
			       "invalid frontend path \"%s\": expected %sDEVID", Q(s, q), prefix);
	memcpy(ret, s, strlen(s) + 1);
	return 0;
}

int parse_assignment(const char *s, const char **ret_key, size_t *ret_keylen, const char **ret_val,
		     struct nm_err *e)
{
	char q[128];
	const char *eq = s ? strchr(s, '=') : NULL;

	if (!eq || eq == s || is_digit(s[0]))
		goto bad;
	for (const char *p = s; p < eq; p++)
		if (!is_alpha(*p) && !is_digit(*p) && *p != '_')
			goto bad;
	*ret_key = s;
	*ret_keylen = (size_t)(eq - s);
	*ret_val = eq + 1;
	return 0;
bad:
	return nm_fail(e, -EINVAL, "invalid argument \"%s\": expected VAR=VALUE", Q(s, q));
}
