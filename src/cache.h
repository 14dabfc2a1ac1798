/* The compiled configuration and its cache file.
 *
 * `execlog reload` parses /etc/execlog.ini, compiles every value into the
 * plain data below (offsets and fixed arrays, no pointers) and writes it to
 * the cache file; the library reads that file with open/read, validates all
 * of it, and works from it: no parser on the exec path.  With no cache the
 * built-in defaults apply. */
#ifndef EXECLOG_CACHE_H
#define EXECLOG_CACHE_H

#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "filters.h"
#include "format.h"
#include "outputs.h"
#include "redact.h"
#include "users.h"

#define DEFAULT_MAX_ARG_LENGTH 4096
#define DEFAULT_MAX_MESSAGE_LENGTH 16384
#define MIN_MESSAGE_LENGTH 256
#define MAX_MESSAGE_LENGTH 65536
#define MIN_ARG_LENGTH 16
#define MAX_ARG_LENGTH 131072
#define MAX_SEND_TIMEOUT_MS 10000
#define MAX_REPEAT_WINDOW 3600

enum output_format { OUTPUT_FORMAT_TEXT, OUTPUT_FORMAT_JSON, OUTPUT_FORMAT_ECS };

/* One file for the libraries of every architecture of the host: the i386
 * library reads the cache that the amd64 `execlog reload` wrote.  So the
 * header and struct config hold fixed-width fields only (no pointer, long
 * or size_t), and every 64-bit field sits at a multiple of 8 from the
 * start of the file, where i386 (which aligns uint64_t to 4 in a struct)
 * and x86_64 put it alike.  src/builtin.c asserts the layout gen-builtin
 * saw on the build machine; tests/packages.sh reads one cache from both. */
struct config {
    struct format format;
    struct filter_chain filters;
    struct redact_rules redact;
    struct output_config output;
    /* 8-aligned on every architecture (a 64-bit member aligns to 4 on
     * i386): the amd64 writer's cache is read by the i386 library. */
    _Alignas(8) struct user_table users;  /* names of /etc/passwd */
    uint32_t max_arg_length;
    uint32_t max_message_length;
    uint32_t repeat_window;       /* seconds; 0: every command logged */
    uint8_t output_format;
    uint8_t error_logging;
};

/* The ini text of the compiled values, for `execlog show`; the library
 * never reads this part of the file. */
#define CONFIG_SOURCE_MAX 1024
struct config_sources {
    char message_format[CONFIG_SOURCE_MAX];
    char filter_chain[CONFIG_SOURCE_MAX];
    char redact[CONFIG_SOURCE_MAX];
    char output[CONFIG_SOURCE_MAX];
};

#define CACHE_MAGIC "EXECLOG\x1a"
#define CACHE_VERSION 6   /* 2: Fletcher checksum; 3: user names;
                             4: %{setuid}, %{interactive} shift
                             placeholder indices; 6: %{time}, %{boot_id},
                             %{exec_id} and others shift them again, and
                             redaction tables */

/* The cache's name carries its version (/etc/execlog.cache.N), so that the
 * caches of two versions can coexist: during an upgrade the processes
 * that still run the previous library keep reading theirs, and the new
 * library is put in place only once `execlog reload` wrote its own
 * (doc/design.md, section 10). */
#define CACHE_STRINGIFY_(x) #x
#define CACHE_STRINGIFY(x) CACHE_STRINGIFY_(x)
#define EXECLOG_CACHE_PATH EXECLOG_CACHE_BASE "." CACHE_STRINGIFY(CACHE_VERSION)

struct cache_header {
    char magic[8];
    uint32_t version;
    uint32_t config_size;        /* sizeof(struct config) of the writer */
    uint64_t config_checksum;
    uint32_t sources_size;
    uint32_t reserved;
    uint64_t sources_checksum;
    /* The ini it was compiled from, so `execlog status` can tell whether
     * the ini changed since. */
    uint64_t ini_inode;
    uint64_t ini_size;
    int64_t ini_mtime_sec;
    uint32_t ini_mtime_nsec;
    uint32_t reserved2;
    char ini_path[256];
};

/* The whole file: header, config, sources. */
struct cache_file {
    struct cache_header header;
    struct config config;
    struct config_sources sources;
};

/* Fills cfg with the built-in defaults: each ini key's default, compiled
 * as if read from the ini (keys.c, from the table of keys).  Returns 0, or
 * a negative errno if a default does not compile (a bug: src/gen-builtin
 * then fails the build). */
int config_defaults(struct config *cfg);

/* 0 if every index, offset and range in cfg is valid, else -EINVAL. */
int config_validate(const struct config *cfg);

/* The rule for the cache (and the ini): a regular file owned by root and
 * not writable by group or others.  0, or -EPERM with *why. */
int cache_check_stat(const struct statx *stx, const char **why);

/* Opens path without following a symlink and checks that it is a regular
 * file owned by root and not writable by group or others.  Returns the fd
 * (O_CLOEXEC), or a negative errno with *why saying what is wrong. */
int cache_open(const char *path, const char **why);

/* Reads and checks header and config from fd (and the sources when
 * sources is not NULL).  0, or a negative errno with *why set. */
int cache_read(int fd, struct cache_header *header, struct config *cfg,
               struct config_sources *sources, const char **why);

/* Writes file atomically to path: a temporary file in the same directory,
 * fsync, rename, mode 0644.  Fills in magic, version, sizes and checksums.
 * 0 or a negative errno. */
int cache_write(const char *path, struct cache_file *file);

uint64_t cache_checksum(const void *data, size_t size);

#endif
