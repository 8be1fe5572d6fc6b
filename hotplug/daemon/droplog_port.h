/*
 * The drop log's questions about a port the kernel named (daemon_droplog):
 * is it this project's, what has it dropped, and whose guest is it. Asked
 * on the daemon's shared connections (daemon_conns), one record at a time.
 */
#ifndef HOTPLUG_DROPLOG_PORT_H
#define HOTPLUG_DROPLOG_PORT_H

#include <stdbool.h>

#include "hotplug/daemon/droplog_text.h"

/*
 * r's port: its counts into d, from the first anti-spoofing table that has
 * it (bridged, routed, Open vSwitch), and its guest into g: the domain of
 * its claim (vif_claim.h), else of its name vifD.N, and the domain's name
 * in xenstore. False when the port is not one of this project's: no table
 * has it, or none counted a drop of r's kind (a port of that name in
 * another network namespace). What cannot be read of the guest is left
 * out of g (no domain, no name): the counts alone make the line.
 */
bool droplog_port(const struct drop_record *r, struct drop_guest *g, struct port_drops *d);

#endif
