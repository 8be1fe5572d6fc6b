#include "hotplug/tools/drops_text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

/* Appends to buf (size n) at *at; a text that does not fit is cut, never overrun. */
static void put(char *buf, size_t n, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t n, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*at >= n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *at, n - *at, fmt, ap);
	va_end(ap);
	if (k > 0)
		*at += (size_t)k;
}

void drops_text(const struct port_drops *d, char *buf, size_t n)
{
	const char *sep = " (";
	size_t at = 0;

	if (!n)
		return;
	buf[0] = '\0';
	put(buf, n, &at, "%" PRIu64, port_drops_total(d));
	for (int k = 0; k < DROP_KINDS; k++)
		if (d->packets[k]) {
			put(buf, n, &at, "%s%s %" PRIu64, sep, port_drop_names[k], d->packets[k]);
			sep = ", ";
		}
	if (*sep == ',')
		put(buf, n, &at, ")");
}

void drops_json(const struct port_drops *d, FILE *out)
{
	uint64_t bytes = 0;

	fputc('{', out);
	for (int k = 0; k < DROP_KINDS; k++) {
		fprintf(out, "\"%s\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 "}, ", port_drop_names[k],
			d->packets[k], d->bytes[k]);
		bytes += d->bytes[k];
	}
	fprintf(out, "\"total\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 "}}", port_drops_total(d),
		bytes);
}

void drop_rates_of(const struct port_drops *prev, const struct port_drops *cur, uint64_t ms,
		   struct drop_rates *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!ms)
		return;
	for (int k = 0; k < DROP_KINDS; k++) {
		uint64_t was = prev ? prev->packets[k] : 0;
		uint64_t delta = cur->packets[k] >= was ? cur->packets[k] - was : cur->packets[k];
		ret->per_s[k] = (double)delta * 1000.0 / (double)ms;
		ret->total += ret->per_s[k];
	}
}

void tenths_text(double v, char *buf, size_t n)
{
	/* in tenths, rounded half up */
	uint64_t tenths = v > 0.0 ? (uint64_t)(v * 10.0 + 0.5) : 0;

	if (v <= 0.0)
		snprintf(buf, n, "0");
	else if (!tenths)
		snprintf(buf, n, "<0.1");
	else if (tenths % 10)
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
	else
		snprintf(buf, n, "%" PRIu64, tenths / 10);
}

void rate_text(double per_s, char *buf, size_t n)
{
	char num[32];

	tenths_text(per_s, num, sizeof(num));
	snprintf(buf, n, "%s/s", num);
}

void drop_rates_text(const struct drop_rates *r, char *buf, size_t n)
{
	const char *sep = " (";
	char one[48];
	size_t at = 0;

	if (!n)
		return;
	buf[0] = '\0';
	rate_text(r->total, one, sizeof(one));
	put(buf, n, &at, "%s", one);
	for (int k = 0; k < DROP_KINDS; k++)
		if (r->per_s[k] > 0.0) {
			rate_text(r->per_s[k], one, sizeof(one));
			put(buf, n, &at, "%s%s %s", sep, port_drop_names[k], one);
			sep = ", ";
		}
	if (*sep == ',')
		put(buf, n, &at, ")");
}
