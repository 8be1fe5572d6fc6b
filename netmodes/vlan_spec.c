#include "netmodes/vlan_spec.h"

#include <errno.h>
#include <string.h>

static bool bit(const uint8_t *map, unsigned vid)
{
	return vid >= VLAN_MIN && vid <= VLAN_MAX && (map[vid / 8] >> (vid % 8) & 1);
}

bool vlan_set_has(const struct vlan_set *s, unsigned vid)
{
	return bit(s->member, vid);
}

bool vlan_set_untagged(const struct vlan_set *s, unsigned vid)
{
	return bit(s->untagged, vid);
}

unsigned vlan_set_count(const struct vlan_set *s)
{
	unsigned n = 0;

	for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++)
		n += vlan_set_has(s, v);
	return n;
}

bool vlan_set_empty(const struct vlan_set *s)
{
	return vlan_set_count(s) == 0;
}

void vlan_set_add(struct vlan_set *s, unsigned vid, bool untagged)
{
	if (vid < VLAN_MIN || vid > VLAN_MAX)
		return;
	s->member[vid / 8] |= (uint8_t)(1u << (vid % 8));
	if (untagged)
		s->untagged[vid / 8] |= (uint8_t)(1u << (vid % 8));
}

bool vlan_set_equal(const struct vlan_set *a, const struct vlan_set *b)
{
	return a->pvid == b->pvid && !memcmp(a->member, b->member, sizeof(a->member)) &&
	       !memcmp(a->untagged, b->untagged, sizeof(a->untagged));
}

/* A term for an error message: printable, and short enough for one line. */
static const char *shown(const char *s, size_t len, char *buf, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < len && k + 4 < n; i++)
		buf[k++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < len)
		buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
	buf[k] = '\0';
	return buf;
}

/*
 * A VLAN id at *p: 1 to 4 digits, no leading zero, 1..4094. Moves *p past
 * it. what names it in the message ("VLAN", "offset", "count").
 */
static int number(const char **p, const char *end, const char *what, unsigned lo, unsigned hi,
		  unsigned *ret, struct nm_err *e)
{
	const char *s = *p;
	unsigned v = 0;
	size_t n = 0;

	while (s + n < end && s[n] >= '0' && s[n] <= '9' && n < 6)
		v = v * 10 + (unsigned)(s[n++] - '0');
	if (!n)
		return -EINVAL; /* the caller says what was expected */
	if (n > 1 && s[0] == '0')
		return nm_fail(e, -EINVAL, "%s %.*s has a leading zero", what, (int)n, s);
	if (s + n < end && s[n] >= '0' && s[n] <= '9')
		return nm_fail(e, -EINVAL, "%s %.*s... is out of range %u to %u", what, (int)n, s, lo, hi);
	if (v < lo || v > hi)
		return nm_fail(e, -EINVAL, "%s %u is out of range %u to %u", what, v, lo, hi);
	*ret = v;
	*p = s + n;
	return 0;
}

struct parse {
	struct vlan_set set;
	unsigned terms, vlans;
	bool single; /* the only term so far is one VLAN with no p */
	unsigned single_vid;
};

static int add_one(struct parse *ps, unsigned vid, bool untagged, struct nm_err *e)
{
	if (vlan_set_has(&ps->set, vid))
		return nm_fail(e, -EINVAL, "VLAN %u is given twice", vid);
	vlan_set_add(&ps->set, vid, untagged);
	ps->vlans++;
	return 0;
}

/* One term, [t, end): N[p|u], N-M[u], N+OxC[u]. */
static int term(struct parse *ps, const char *t, const char *end, struct nm_err *e)
{
	const char *p = t;
	unsigned a, b = 0, off = 0, count = 0;
	char kind = 0, q[40];
	bool u = false, pv = false;
	int rc;

	if ((rc = number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &a, e)) < 0)
		goto bad;
	if (p < end && (*p == '-' || *p == '+')) {
		kind = *p++;
		if (kind == '-') {
			if ((rc = number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &b, e)) < 0)
				goto bad;
			if (b < a)
				return nm_fail(e, -EINVAL, "range %u-%u runs backwards", a, b);
		} else {
			if ((rc = number(&p, end, "offset", 1, VLAN_MAX, &off, e)) < 0)
				goto bad;
			if (p >= end || *p++ != 'x') {
				rc = -EINVAL;
				goto bad;
			}
			if ((rc = number(&p, end, "count", 1, VLAN_MAX, &count, e)) < 0)
				goto bad;
			if (a + off * count > VLAN_MAX)
				return nm_fail(e, -EINVAL, "%u+%ux%u reaches VLAN %u, past %u", a, off,
					       count, a + off * count, VLAN_MAX);
		}
	}
	if (p < end && *p == 'p' && !kind) {
		pv = u = true;
		p++;
	} else if (p < end && *p == 'u') {
		u = true;
		p++;
	} else if (p < end && *p == 'p') {
		return nm_fail(e, -EINVAL, "\"%s\": only a single VLAN can be the PVID (p)",
			       shown(t, (size_t)(end - t), q, sizeof(q)));
	}
	if (p != end) {
		rc = -EINVAL;
		goto bad;
	}
	if (pv) {
		if (ps->set.pvid)
			return nm_fail(e, -EINVAL, "two PVIDs: %u and %u (only one VLAN may have p)",
				       ps->set.pvid, a);
		ps->set.pvid = (uint16_t)a;
	}
	ps->single = !ps->terms && !kind && !pv;
	ps->single_vid = a;
	ps->terms++;
	if (kind == '-') {
		for (unsigned v = a; v <= b; v++)
			if ((rc = add_one(ps, v, u, e)) < 0)
				return rc;
		return 0;
	}
	for (unsigned i = 0; i <= count; i++)
		if ((rc = add_one(ps, a + i * off, u, e)) < 0)
			return rc;
	return 0;
bad:
	/* number() set e when the digits were there but wrong. */
	if (e && e->msg[0])
		return rc;
	return nm_fail(e, -EINVAL, "invalid term \"%s\": expected N, Np, Nu, N-M, N-Mu, N+OxC or N+OxCu "
				   "(VLANs 1 to 4094)",
		       shown(t, (size_t)(end - t), q, sizeof(q)));
}

int vlan_spec_parse(const char *s, struct vlan_set *ret, struct nm_err *e)
{
	struct parse ps;
	const char *t, *end;
	size_t len = s ? strlen(s) : 0;
	struct nm_err local = { "" };
	int rc;

	memset(&ps, 0, sizeof(ps));
	if (!len)
		return nm_fail(e, -EINVAL, "is empty");
	if (len > VLAN_SPEC_MAX)
		return nm_fail(e, -EINVAL, "longer than %d characters", VLAN_SPEC_MAX);
	for (t = s;; t = end + 1) {
		end = strchr(t, '/');
		if (!end)
			end = s + len;
		if (end == t)
			return nm_fail(e, -EINVAL, "empty term at character %zu: terms are separated by "
						   "one '/'", (size_t)(t - s) + 1);
		local.msg[0] = '\0';
		if ((rc = term(&ps, t, end, &local)) < 0)
			return nm_fail(e, rc, "%s", local.msg);
		if (!*end)
			break;
	}
	/* A lone VLAN is the PVID without saying so, as xl documents. */
	if (!ps.set.pvid && ps.terms == 1 && ps.single && ps.vlans == 1)
		ps.set.pvid = (uint16_t)ps.single_vid;
	if (!ps.set.pvid)
		return nm_fail(e, -EINVAL, "no PVID: mark one single VLAN with p (for example 10p/20)");
	vlan_set_add(&ps.set, ps.set.pvid, true);
	*ret = ps.set;
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

int vlan_bridge_parse(const char *s, char base[IFNAMSIZ], struct vlan_set *ret, struct nm_err *e)
{
	struct vlan_set set;
	struct nm_err why = { "" };
	const char *p = s, *end = s + strlen(s);
	bool colon = strchr(s, ':') != NULL;
	size_t blen;
	unsigned vid;
	char q[40];

	memset(&set, 0, sizeof(set));
	while (p < end && name_char(*p))
		p++;
	blen = (size_t)(p - s);
	if (!blen || blen >= IFNAMSIZ || (p < end && *p != '.' && *p != ':'))
		goto bad;
	if (p < end && *p == '.') {
		p++;
		if (number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &vid, &why) < 0)
			goto bad;
		set.pvid = (uint16_t)vid;
		vlan_set_add(&set, vid, true);
	}
	while (p < end) {
		if (*p++ != ':')
			goto bad;
		if (number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &vid, &why) < 0)
			goto bad;
		if (vlan_set_has(&set, vid)) {
			nm_set(&why, "VLAN %u is given twice", vid);
			goto bad;
		}
		vlan_set_add(&set, vid, false);
	}
	if (vlan_set_empty(&set))
		goto bad;
	memcpy(base, s, blen);
	base[blen] = '\0';
	*ret = set;
	return 1;
bad:
	/* Without a ':' it may be any device's name: only a ':' makes it this form for sure. */
	if (!colon)
		return 0;
	if (why.msg[0])
		return nm_fail(e, -EINVAL, "%s", why.msg);
	return nm_fail(e, -EINVAL, "\"%s\" is not BRIDGE[.PVID][:VLAN...] (VLANs 1 to 4094)",
		       shown(s, strlen(s), q, sizeof(q)));
}

static size_t put(char *buf, size_t n, size_t at, const char *sep, unsigned a, unsigned b,
		  const char *suffix)
{
	int w;

	if (at >= n)
		return at;
	if (a == b)
		w = snprintf(buf + at, n - at, "%s%u%s", sep, a, suffix);
	else
		w = snprintf(buf + at, n - at, "%s%u-%u%s", sep, a, b, suffix);
	return w < 0 ? n : at + (size_t)w;
}

unsigned vlan_set_run_end(const struct vlan_set *s, unsigned vid)
{
	bool u = vlan_set_untagged(s, vid);
	unsigned w = vid;

	if (vid != s->pvid)
		while (w < VLAN_MAX && vlan_set_has(s, w + 1) && w + 1 != s->pvid &&
		       vlan_set_untagged(s, w + 1) == u)
			w++;
	return w;
}

void vlan_set_format(const struct vlan_set *s, char *buf, size_t n)
{
	size_t at = 0;

	if (!n)
		return;
	buf[0] = '\0';
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++) {
		unsigned w;
		bool u;
		if (!vlan_set_has(s, v))
			continue;
		u = vlan_set_untagged(s, v);
		w = vlan_set_run_end(s, v);
		at = put(buf, n, at, at ? "/" : "", v, w, v == s->pvid ? "p" : u ? "u" : "");
		v = w;
	}
	if (!buf[0])
		snprintf(buf, n, "-");
}

int vlan_list_parse(const char *s, struct vlan_set *ret, struct nm_err *e)
{
	struct vlan_set set;
	struct nm_err why = { "" };
	const char *t = s, *end;
	size_t len = strlen(s);
	char q[40];

	memset(&set, 0, sizeof(set));
	if (!len)
		return nm_fail(e, -EINVAL, "is empty");
	if (len > VLAN_SPEC_MAX)
		return nm_fail(e, -EINVAL, "longer than %d characters", VLAN_SPEC_MAX);
	for (;; t = end + 1) {
		const char *p = t;
		unsigned a, b;
		end = strchr(t, ',');
		if (!end)
			end = s + len;
		if (end == t)
			return nm_fail(e, -EINVAL, "empty item at character %zu: items are separated "
						   "by one ','", (size_t)(t - s) + 1);
		if (number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &a, &why) < 0)
			goto bad;
		b = a;
		if (p < end && *p == '-') {
			p++;
			if (number(&p, end, "VLAN", VLAN_MIN, VLAN_MAX, &b, &why) < 0)
				goto bad;
			if (b < a)
				return nm_fail(e, -EINVAL, "range %u-%u runs backwards", a, b);
		}
		if (p != end)
			goto bad;
		for (unsigned v = a; v <= b; v++) {
			if (vlan_set_has(&set, v))
				return nm_fail(e, -EINVAL, "VLAN %u is given twice", v);
			vlan_set_add(&set, v, false);
		}
		if (!*end)
			break;
	}
	*ret = set;
	return 0;
bad:
	if (why.msg[0])
		return nm_fail(e, -EINVAL, "%s", why.msg);
	return nm_fail(e, -EINVAL, "invalid item \"%s\": expected N or N-M (VLANs 1 to 4094)",
		       shown(t, (size_t)(end - t), q, sizeof(q)));
}

void vlan_list_format(const struct vlan_set *s, char *buf, size_t n)
{
	size_t at = 0;

	if (!n)
		return;
	buf[0] = '\0';
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++) {
		unsigned w = v;
		if (!vlan_set_has(s, v))
			continue;
		while (w < VLAN_MAX && vlan_set_has(s, w + 1))
			w++;
		at = put(buf, n, at, at ? "," : "", v, w, "");
		v = w;
	}
}
