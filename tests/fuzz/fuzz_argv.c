/* The argv and environment of a vif call: NUL-separated words, "--" splits argv from envp. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug/vif/request.h"

#define MAX_WORDS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_WORDS + 2] = { "vif-bridge" }, *envp[MAX_WORDS + 1];
	int argc = 1, envc = 0;
	bool in_env = false;
	struct vif_request r;
	struct vif_params params;
	struct invocation inv;
	struct nm_err e;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *w = buf; w < buf + size; w += strlen(w) + 1) {
		if (!strcmp(w, "--"))
			in_env = true;
		else if (in_env && envc < MAX_WORDS)
			envp[envc++] = w;
		else if (!in_env && argc < MAX_WORDS)
			argv[argc++] = w;
	}
	argv[argc] = NULL;
	envp[envc] = NULL;
	memset(&r, 0, sizeof(r));
	(void)invocation_parse(argc, argv, envp, INV_DAEMON | INV_WATCH, &inv);
	(void)request_from_invocation(&r, &inv, &params, &e);
	free(buf);
	return 0;
}
