/* The directories of the per-user counters (src/state.h), made by `execlog
 * reload` as root; systemd-tmpfiles makes them at boot too
 * (etc/execlog-tmpfiles.conf). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

/* path as a directory of root's with exactly mode, made if missing; one
 * that anyone else owns, or a link, is refused: it would let its owner
 * remove other users' counts. */
static int prepare_dir(const char *path, mode_t mode)
{
    struct stat st;

    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -errno;
    if (lstat(path, &st) < 0)
        return -errno;
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0)
        return -EPERM;
    if ((st.st_mode & 07777) != mode && chmod(path, mode) < 0)
        return -errno;
    return 0;
}

int state_prepare(const char *dir, const char *const *kinds)
{
    char path[STATE_PATH_SIZE];
    int r = prepare_dir(dir, 0755);

    for (; r == 0 && *kinds != NULL; kinds++) {
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, *kinds) >=
            sizeof(path))
            return -ENAMETOOLONG;
        r = prepare_dir(path, 01733);
    }
    return r;
}
