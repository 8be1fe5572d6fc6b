#include "hotplug/daemon/daemon_proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Four bytes on the wire, no NUL. */
static const char REQ_MAGIC[4] = { 'X', 'N', 'M', 'q' };
static const char REP_MAGIC[4] = { 'X', 'N', 'M', 'r' };
static const char ACC_MAGIC[4] = { 'X', 'N', 'M', 'a' };
#define HDR_LEN 16 /* magic + three 32-bit fields */

void dproto_socket_path(const char *run_dir, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", run_dir, DPROTO_SOCKET_NAME);
}

static size_t put_str(char *buf, size_t n, size_t off, const char *s)
{
	size_t len = strlen(s) + 1;

	if (!off || len > n - off)
		return 0;
	memcpy(buf + off, s, len);
	return off + len;
}

size_t dproto_pack_request(char *buf, size_t n, unsigned budget_ms, const char *prog, int argc,
			   char **argv, char **envp)
{
	uint32_t envc = 0, ac = (uint32_t)argc, budget = budget_ms;
	size_t off = HDR_LEN;

	while (envp && envp[envc])
		envc++;
	if (argc < 1 || argc > DPROTO_MAX_ARGS || envc > DPROTO_MAX_ENV || n < HDR_LEN || !budget)
		return 0;
	memcpy(buf, REQ_MAGIC, 4);
	memcpy(buf + 4, &ac, 4);
	memcpy(buf + 8, &envc, 4);
	memcpy(buf + 12, &budget, 4);
	off = put_str(buf, n, off, prog);
	for (int i = 0; i < argc; i++)
		off = put_str(buf, n, off, argv[i]);
	for (uint32_t i = 0; i < envc; i++)
		off = put_str(buf, n, off, envp[i]);
	return off;
}

/* The next NUL-terminated string at *off, or NULL when there is none. */
static char *take_str(char *buf, size_t len, size_t *off)
{
	char *s = buf + *off, *nul;

	if (*off >= len || !(nul = memchr(s, '\0', len - *off)))
		return NULL;
	*off += (size_t)(nul - s) + 1;
	return s;
}

int dproto_unpack_request(char *buf, size_t len, struct dproto_request *ret)
{
	uint32_t argc, envc, budget;
	size_t off = HDR_LEN;

	if (len < HDR_LEN || memcmp(buf, REQ_MAGIC, 4))
		return -EBADMSG;
	memcpy(&argc, buf + 4, 4);
	memcpy(&envc, buf + 8, 4);
	memcpy(&budget, buf + 12, 4);
	if (argc < 1 || argc > DPROTO_MAX_ARGS || envc > DPROTO_MAX_ENV || !budget)
		return -EBADMSG;
	ret->budget_ms = budget;
	if (!(ret->prog = take_str(buf, len, &off)))
		return -EBADMSG;
	ret->argc = (int)argc;
	for (uint32_t i = 0; i < argc; i++)
		if (!(ret->argv[i] = take_str(buf, len, &off)))
			return -EBADMSG;
	ret->argv[argc] = NULL;
	for (uint32_t i = 0; i < envc; i++)
		if (!(ret->envp[i] = take_str(buf, len, &off)))
			return -EBADMSG;
	ret->envp[envc] = NULL;
	return off == len ? 0 : -EBADMSG;
}

size_t dproto_pack_reply(char *buf, size_t n, int status, const char *text, size_t text_len)
{
	int32_t st = status;

	if (n > DPROTO_MAX_REPLY)
		n = DPROTO_MAX_REPLY;
	if (text_len > n - 8)
		text_len = n - 8;
	memcpy(buf, REP_MAGIC, 4);
	memcpy(buf + 4, &st, 4);
	if (text_len)
		memcpy(buf + 8, text, text_len);
	return 8 + text_len;
}

int dproto_unpack_reply(const char *buf, size_t len, int *status, const char **text,
			size_t *text_len)
{
	int32_t st;

	if (len < 8 || len > DPROTO_MAX_REPLY || memcmp(buf, REP_MAGIC, 4))
		return -EBADMSG;
	memcpy(&st, buf + 4, 4);
	if (st != DPROTO_NOT_SERVED && (st < 0 || st > 255))
		return -EBADMSG;
	*status = st;
	*text = buf + 8;
	*text_len = len - 8;
	return 0;
}

size_t dproto_pack_accept(char *buf, size_t n)
{
	if (n < sizeof(ACC_MAGIC))
		return 0;
	memcpy(buf, ACC_MAGIC, sizeof(ACC_MAGIC));
	return sizeof(ACC_MAGIC);
}

bool dproto_is_accept(const char *buf, size_t len)
{
	return len == sizeof(ACC_MAGIC) && !memcmp(buf, ACC_MAGIC, sizeof(ACC_MAGIC));
}
