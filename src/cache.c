#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cache.h"
#include "sys.h"

int config_validate(const struct config *cfg)
{
    if (format_validate(&cfg->format) < 0 ||
        filter_chain_validate(&cfg->filters) < 0 ||
        redact_validate(&cfg->redact) < 0 ||
        output_config_validate(&cfg->output) < 0 ||
        user_table_validate(&cfg->users) < 0 ||
        cfg->max_arg_length < MIN_ARG_LENGTH ||
        cfg->max_arg_length > MAX_ARG_LENGTH ||
        cfg->max_message_length < MIN_MESSAGE_LENGTH ||
        cfg->max_message_length > MAX_MESSAGE_LENGTH ||
        cfg->repeat_window > MAX_REPEAT_WINDOW ||
        cfg->output_format > OUTPUT_FORMAT_ECS || cfg->error_logging > 1)
        return -EINVAL;
    return 0;
}

/* Guards against a damaged file, not a forger (only root can write it,
 * and every field is validated anyway), cheaply enough for every fork
 * child that loads the cache: Fletcher sums over 32-bit words, in four
 * lanes (one SSE2 register), 64 bytes a round.  A change confined to one
 * word, and an exchange of two different words of a lane, are always
 * detected.  Half the instructions of a rotate-xor per 64-bit word. */
typedef uint32_t lanes __attribute__((vector_size(16)));

static inline uint64_t rotl(uint64_t v, int n)
{
    return (v << n) | (v >> (64 - n));
}

static inline void fletcher_step(lanes *a, lanes *b, const unsigned char *p)
{
    lanes w;

    __builtin_memcpy(&w, p, sizeof(w));
    *a += w;
    *b += *a;
}

uint64_t cache_checksum(const void *data, size_t size)
{
    const unsigned char *p = data;
    lanes a = { 1, 2, 3, 4 }, b = { 0, 0, 0, 0 };
    uint64_t sum = size;

    /* Unrolled by hand: gcc -O2 keeps the loop of four. */
    for (; size >= 64; p += 64, size -= 64) {
        fletcher_step(&a, &b, p);
        fletcher_step(&a, &b, p + 16);
        fletcher_step(&a, &b, p + 32);
        fletcher_step(&a, &b, p + 48);
    }
    for (; size >= 16; p += 16, size -= 16)
        fletcher_step(&a, &b, p);
    for (int k = 0; k < 4; k++)
        sum = rotl(sum, 17) ^ ((uint64_t)b[k] << 32 | a[k]);
    for (size_t i = 0; i < size; i++)
        sum = rotl(sum, 7) ^ p[i];
    return sum;
}

int cache_check_stat(const struct statx *stx, const char **why)
{
    if (S_ISLNK(stx->stx_mode))
        *why = "it is a symbolic link";
    else if (!S_ISREG(stx->stx_mode))
        *why = "it is not a regular file";
    else if (stx->stx_uid != 0)
        *why = "it is not owned by root";
    else if (stx->stx_mode & (S_IWGRP | S_IWOTH))
        *why = "it is writable by group or others";
    else
        return 0;
    return -EPERM;
}

int cache_open(const char *path, const char **why)
{
    struct statx stx;
    /* O_NONBLOCK: a FIFO put in its place must not hang the reader. */
    int fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                                O_NONBLOCK),
        r;

    if (fd < 0) {
        *why = fd == -ELOOP ? "it is a symbolic link" : "it cannot be opened";
        return fd;
    }
    if (sys_call(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0) {
        *why = "it cannot be examined";
        r = -EIO;
    } else {
        r = cache_check_stat(&stx, why);
    }
    if (r < 0) {
        sys_close(fd);
        return r;
    }
    return fd;
}

static int read_exactly(int fd, void *buf, size_t size, uint64_t offset)
{
    size_t done = 0;

    while (done < size) {
        long n = sys_call(SYS_pread64, fd, (char *)buf + done, size - done,
                         offset + done);

        if (n == -EINTR)
            continue;
        if (n < 0)
            return (int)n;
        if (n == 0)
            return -ENODATA;
        done += (size_t)n;
    }
    return 0;
}

/* The sources are printed by execlog show as C strings. */
static bool sources_are_strings(const struct config_sources *s)
{
    const char *const fields[] = { s->message_format, s->filter_chain,
                                   s->redact, s->output };

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (memchr(fields[i], '\0', CONFIG_SOURCE_MAX) == NULL)
            return false;
    return true;
}

int cache_read(int fd, struct cache_header *header, struct config *cfg,
               struct config_sources *sources, const char **why)
{
    struct iovec iov[2] = { { header, sizeof(*header) }, { cfg, sizeof(*cfg) } };
    long n;

    /* Header and configuration in one system call: this runs on an exec. */
    do
        n = sys_call(SYS_preadv, fd, iov, 2, 0L, 0L);
    while (n == -EINTR);
    *why = "it is truncated";
    if (n != (long)(sizeof(*header) + sizeof(*cfg)))
        return -ENODATA;
    if (memcmp(header->magic, CACHE_MAGIC, sizeof(header->magic)) != 0) {
        *why = "it is not an execlog cache";
        return -EINVAL;
    }
    if (header->version != CACHE_VERSION ||
        header->config_size != sizeof(*cfg) ||
        header->sources_size != sizeof(*sources)) {
        *why = "it was written by another version of execlog";
        return -EINVAL;
    }
    if (header->config_checksum != cache_checksum(cfg, sizeof(*cfg))) {
        *why = "its checksum does not match (corrupt or tampered with)";
        return -EINVAL;
    }
    if (config_validate(cfg) < 0) {
        *why = "it holds invalid values";
        return -EINVAL;
    }
    if (sources == NULL)
        return 0;
    if (read_exactly(fd, sources, sizeof(*sources),
                     sizeof(*header) + sizeof(*cfg)) < 0)
        return -ENODATA;
    if (header->sources_checksum != cache_checksum(sources, sizeof(*sources))) {
        *why = "its checksum does not match (corrupt or tampered with)";
        return -EINVAL;
    }
    if (!sources_are_strings(sources)) {
        *why = "its configuration text is not terminated";
        return -EINVAL;
    }
    return 0;
}
