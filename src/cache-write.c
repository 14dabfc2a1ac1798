/* The compile side of the cache: the built-in defaults and the writer that
 * `execlog reload` installs the compiled configuration with. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"

int config_defaults(struct config *cfg)
{
    struct diag d;
    int r;

    memset(cfg, 0, sizeof(*cfg));
    output_config_defaults(&cfg->output);
    cfg->max_arg_length = DEFAULT_MAX_ARG_LENGTH;
    cfg->max_message_length = DEFAULT_MAX_MESSAGE_LENGTH;
    cfg->output_format = OUTPUT_FORMAT_TEXT;
    /* A cache that exists but cannot be used means the operator's rules
     * are not in force: say so unless told not to. */
    cfg->error_logging = 1;
    r = format_compile(&cfg->format, DEFAULT_MESSAGE_FORMAT, &d);
    if (r == 0)
        r = redact_compile(&cfg->redact, redact_default_spec, &d);
    return r;
}

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
