/* Fuzz target: the cache reader, on arbitrary bytes as a cache file.
 *
 * Input: one mode byte, then the file.  With mode bit 0 the harness writes
 * a correct magic, version, sizes and checksums over whatever config and
 * sources the input holds, so that the fuzzer gets past the checksum to
 * config_validate; the file goes to a memfd.  Checks that
 *   - cache_read refuses with a reason, or returns a configuration that
 *     config_validate accepts;
 *   - whatever config_validate accepts (from the file, or the raw bytes
 *     taken as a struct config) can be used as the exec path uses it:
 *     filter chain, render, without a sanitizer report;
 *   - what cache_read returns with its sources holds NUL-terminated
 *     strings and can be printed as `execlog show` does (ini_print). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cache.h"
#include "fuzz-util.h"
#include "ini.h"
#include "pipeline.h"

static char work[EVENT_WORK_SIZE];
static char message[MAX_MESSAGE_LENGTH];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL)
        abort();
    return 0;
}

/* Everything the exec path does with a configuration, on one event. */
static void use_config(const struct config *cfg)
{
    static char *argv[] = { (char *)"mysql", (char *)"-pS3cret",
                            (char *)"https://bob:pw@host/x", (char *)"a b",
                            NULL };
    static char *envp[] = { (char *)"PATH=/bin", NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "mysql",
                             .call.fd = -1, .call.argv = argv, .call.envp = envp,
                             .work = work };
    struct textbuf tb;

    filter_chain_drops(&cfg->filters, &ev);
    textbuf_init(&tb, message, cfg->max_message_length);
    pipeline_render(cfg, &ev, 0, &tb);
    FUZZ_ASSERT(tb.len <= cfg->max_message_length, "rendered %zu bytes into "
                "%u", tb.len, cfg->max_message_length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct cache_file file, out;
    static struct config raw;
    const char *why = NULL;
    uint8_t mode;
    size_t len;
    int fd, r;

    if (size < 1 || size > 2 * sizeof(file))
        return 0;
    mode = data[0];
    data++;
    len = size - 1;

    /* The raw bytes as a configuration, as if a checksum had matched. */
    if (len >= sizeof(raw)) {
        memcpy(&raw, data, sizeof(raw));
        if (config_validate(&raw) == 0)
            use_config(&raw);
    }

    fd = memfd_create("fuzz-cache", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (mode & 1) {
        memset(&file, 0, sizeof(file));
        memcpy(&file, data, len < sizeof(file) ? len : sizeof(file));
        memcpy(file.header.magic, CACHE_MAGIC, sizeof(file.header.magic));
        file.header.version = CACHE_VERSION;
        file.header.config_size = sizeof(file.config);
        file.header.sources_size = sizeof(file.sources);
        file.header.config_checksum =
            cache_checksum(&file.config, sizeof(file.config));
        file.header.sources_checksum =
            cache_checksum(&file.sources, sizeof(file.sources));
        /* A short input stays short: truncation is a case too. */
        if (write(fd, &file, len < sizeof(file) && (mode & 2) ? len
                                                              : sizeof(file))
            < 0)
            abort();
    } else if (len > 0 && write(fd, data, len) != (ssize_t)len) {
        abort();
    }

    /* As the library reads it: no sources.  Into a zeroed structure, as
     * the callers' (static) ones are. */
    memset(&out, 0, sizeof(out));
    r = cache_read(fd, &out.header, &out.config, NULL, &why);
    if (r == 0) {
        FUZZ_ASSERT(config_validate(&out.config) == 0, "cache_read returned "
                    "a configuration that config_validate refuses");
        use_config(&out.config);
    } else {
        FUZZ_ASSERT(r < 0 && why != NULL && why[0] != '\0',
                    "refused (%d) without a reason", r);
    }
    /* As `execlog show` reads it: with the sources, then prints them. */
    why = NULL;
    memset(&out, 0, sizeof(out));
    r = cache_read(fd, &out.header, &out.config, &out.sources, &why);
    if (r == 0) {
        const struct config_sources *s = &out.sources;

        FUZZ_ASSERT(memchr(s->message_format, '\0', CONFIG_SOURCE_MAX) &&
                    memchr(s->filter_chain, '\0', CONFIG_SOURCE_MAX) &&
                    memchr(s->redact, '\0', CONFIG_SOURCE_MAX) &&
                    memchr(s->output, '\0', CONFIG_SOURCE_MAX),
                    "cache_read accepted sources that are not strings: "
                    "execlog show would read past them");
        ini_print(&out, devnull);
    }
    else
        FUZZ_ASSERT(r < 0 && why != NULL && why[0] != '\0',
                    "refused (%d) without a reason", r);
    close(fd);
    return 0;
}
