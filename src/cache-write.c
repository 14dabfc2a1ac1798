/* The compile side of the cache: the writer that `execlog reload`
 * installs the compiled configuration with.  (The built-in defaults,
 * config_defaults, come from the table of ini keys: keys.c.) */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"

static int write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;

    while (size > 0) {
        ssize_t n = write(fd, p, size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

int cache_write(const char *path, struct cache_file *file)
{
    char tmp[4096];
    int fd, r;

    memcpy(file->header.magic, CACHE_MAGIC, sizeof(file->header.magic));
    file->header.version = CACHE_VERSION;
    file->header.config_size = sizeof(file->config);
    file->header.sources_size = sizeof(file->sources);
    file->header.config_checksum =
        cache_checksum(&file->config, sizeof(file->config));
    file->header.sources_checksum =
        cache_checksum(&file->sources, sizeof(file->sources));
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
        return -ENAMETOOLONG;
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    r = write_all(fd, file, sizeof(*file));
    if (r == 0 && fchmod(fd, 0644) < 0)
        r = -errno;
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0)
        unlink(tmp);
    return r;
}
