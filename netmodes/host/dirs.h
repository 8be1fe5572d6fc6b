/* Directories the project writes into, created with their missing parents. */
#ifndef NETMODES_DIRS_H
#define NETMODES_DIRS_H

#include <sys/types.h>

#include "netmodes/err.h"

/*
 * Creates dir and each missing parent with mode (as mkdir -p -m does for
 * the last one; the parents get mode too). An existing directory is fine.
 */
int nm_mkdirs(const char *dir, mode_t mode, struct nm_err *e);

#endif
