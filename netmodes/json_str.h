/*
 * A JSON string: whatever the text (xenstore's, the kernel's, a switch's),
 * the output stays JSON, and one line. status --json's strings; the values
 * vif-openvswitch's steps print in ovs-vsctl's syntax.
 */
#ifndef NETMODES_JSON_STR_H
#define NETMODES_JSON_STR_H

#include <stdio.h>

/* s in double quotes, with JSON's escapes for '"', '\\' and every control byte (DEL too). */
void json_put_string(FILE *out, const char *s);

#endif
