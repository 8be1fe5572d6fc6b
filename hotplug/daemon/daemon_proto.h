/*
 * What a client and xen-netmodesd say to each other over the daemon's Unix
 * socket (SOCK_SEQPACKET), one connection per call: the client sends its
 * request; the daemon answers "accepted" once a worker starts the call
 * (from then on the call is the daemon's, and the client never makes it),
 * then its reply. A refusal or DPROTO_NOT_SERVED comes instead of
 * "accepted": DPROTO_NOT_SERVED also for a call no worker could start in
 * time (the client makes it itself).
 *
 *   request:  "XNMq", u32 argc, u32 envc, u32 budget_ms (what is left of
 *             the call's deadline, at least 1), then NUL-terminated
 *             strings: the mode's name, argv[0..argc-1], the environment
 *   accepted: "XNMa"
 *   reply:    "XNMr", i32 status (the exit status, or DPROTO_NOT_SERVED),
 *             then the call's warnings and errors as text (what a one-shot
 *             call prints on stderr)
 */
#ifndef HOTPLUG_DAEMON_PROTO_H
#define HOTPLUG_DAEMON_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DPROTO_SOCKET_NAME "xen-netmodesd.sock"
#define DPROTO_MAX_REQUEST ((size_t)64 * 1024)
#define DPROTO_MAX_REPLY ((size_t)8 * 1024)
#define DPROTO_MAX_ARGS 64
#define DPROTO_MAX_ENV 512
/* The daemon will not make this call (a dry run, shutting down): the client makes it. */
#define DPROTO_NOT_SERVED (-1)

struct dproto_request {
	unsigned budget_ms;
	const char *prog;
	int argc;
	char *argv[DPROTO_MAX_ARGS + 1]; /* NULL-terminated */
	char *envp[DPROTO_MAX_ENV + 1];	 /* NULL-terminated */
};

/* The socket's path: RUN_DIR/xen-netmodesd.sock (the call's run directory). */
void dproto_socket_path(const char *run_dir, char *buf, size_t n);

/*
 * Packs a request into buf (n bytes). Returns its length, or 0 when it
 * does not fit, has too many arguments or entries, or budget_ms is 0.
 */
size_t dproto_pack_request(char *buf, size_t n, unsigned budget_ms, const char *prog, int argc,
			   char **argv, char **envp);

/*
 * Checks and unpacks a request received in buf (len bytes; the strings
 * stay in buf). Returns 0, or -EBADMSG for anything malformed: wrong
 * magic, counts out of range, a budget of 0, a string without its NUL, bytes left over.
 */
int dproto_unpack_request(char *buf, size_t len, struct dproto_request *ret);

/* Packs a reply; text is cut to fit DPROTO_MAX_REPLY. Returns its length. */
size_t dproto_pack_reply(char *buf, size_t n, int status, const char *text, size_t text_len);

/* Checks a reply; text and text_len point into buf. Returns 0 or -EBADMSG. */
int dproto_unpack_reply(const char *buf, size_t len, int *status, const char **text,
			size_t *text_len);

/* Packs "accepted" into buf. Returns its length (0 when n is too small). */
size_t dproto_pack_accept(char *buf, size_t n);

/* Whether the len bytes in buf are "accepted". */
bool dproto_is_accept(const char *buf, size_t len);

#endif
