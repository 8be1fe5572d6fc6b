/* What a forked child does before exec: the program it runs starts with no inherited signal setup. */
#ifndef NETMODES_CHILD_H
#define NETMODES_CHILD_H

/* Unblocks every signal and restores SIGPIPE's default (the daemon blocks and ignores some). */
void child_reset_signals(void);

#endif
