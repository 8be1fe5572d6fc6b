/* What a port's change would do, in nft(8) syntax, for --dry-run (see port_filter.h). */
#include "netmodes/nft/port_describe.h"

#include <stdio.h>

#include "netmodes/nft/port_codec.h"
#include "netmodes/nft/port_rules.h"

static void describe_elems(const struct port_filter *f, const char *verb, bool comments,
			   bool keep_drops, FILE *out)
{
	const struct port_family *pf = port_family_of(f->kind);
	struct port_elem els[PORT_MAX_ELEMS];
	size_t n = port_elems(f, els);

	if (keep_drops)
		n = port_elems_drop_set(els, n, SET_DROPS);

	for (size_t i = 0; i < n; i++) {
		fprintf(out, "nft %s element %s %s %s { \"%s\"", verb, pf->name, NFT_TABLE_NAME,
			port_sets[els[i].set].name, f->ifname);
		if (els[i].set != SET_PORTS)
			fprintf(out, " . %s", els[i].text);
		if (comments && els[i].comment[0])
			fprintf(out, " comment \"%s\"", els[i].comment);
		fprintf(out, " }\n");
	}
}

static void describe_old_elems(const struct port_state *s, bool keep_drops, FILE *out)
{
	if (s->port && s->damaged && s->missing[0])
		fprintf(out, "# the anti-spoofing element %s of %s is missing: every element keyed "
			     "\"%s\" goes, found by listing the sets\n",
			s->missing, s->filter.ifname, s->filter.ifname);
	else if (s->port && s->damaged)
		fprintf(out, "# the anti-spoofing records of %s are damaged: every element keyed "
			     "\"%s\" goes, found by listing the sets\n",
			s->filter.ifname, s->filter.ifname);
	else if (s->port)
		describe_elems(&s->filter, "delete", false, keep_drops, out);
}

/* In the order of the batch (port_filter.c): old elements, the port's chain, new elements. */
void nft_port_describe_clear(const struct port_state *s, FILE *out)
{
	describe_old_elems(s, false, out);
	if (s->filter.kind == PORT_OVS && s->chain)
		port_chain_describe(PORT_OVS, s->filter.ifname, true, false, out);
}

void nft_port_describe_set(const struct port_filter *f, const struct port_state *s, FILE *out)
{
	if (!s->table)
		port_rules_describe(f->kind, out);
	else if (s->old_rules)
		port_rules_describe_upgrade(f->kind, out);
	describe_old_elems(s, port_keeps_drops(s, f), out);
	if (f->kind == PORT_OVS)
		port_chain_describe(f->kind, f->ifname, s->chain, true, out);
	describe_elems(f, "add", true, port_keeps_drops(s, f), out);
}

void nft_port_describe_table(enum port_kind kind, bool create, FILE *out)
{
	if (create)
		port_rules_describe(kind, out);
	else
		fprintf(out, "nft delete table %s %s\n", port_family_of(kind)->name, NFT_TABLE_NAME);
}
