/* mkdir -p for the directories the defaults name; see dirs.h. */
#include "netmodes/host/dirs.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

/* Creates one directory; an existing one (or a symlink to one) is fine. */
static int mkdir_one(const char *dir, mode_t mode)
{
	struct stat st;

	if (mkdir(dir, mode) == 0)
		return 0;
	if (errno == EEXIST) {
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	return -1;
}

int nm_mkdirs(const char *dir, mode_t mode, struct nm_err *e)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (!len || len >= sizeof(path))
		return nm_fail(e, -ENAMETOOLONG, "cannot create %s: %s", dir,
			       strerror(ENAMETOOLONG));
	if (mkdir_one(dir, mode) == 0)
		return 0;
	if (errno != ENOENT)
		return nm_fail(e, nm_errno(), "cannot create %s: %s", dir, strerror(errno));
	/* A parent is missing: each prefix in turn, then dir itself. */
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_one(path, mode) < 0) {
			int err = errno;
			return nm_fail(e, -err, "cannot create %s: %s", path, strerror(err));
		}
		*p = '/';
	}
	if (mkdir_one(dir, mode) < 0)
		return nm_fail(e, nm_errno(), "cannot create %s: %s", dir, strerror(errno));
	return 0;
}
