/* Fuzz target: the message formatter and the quoting.
 *
 * Input: one flags byte, then NUL-separated strings: a message_format, a
 * redact spec, and the arguments (none: argv is NULL).  Checks that
 *   - format_compile and redact_compile produce what their validators
 *     accept, and say where the problem is when they refuse; a format
 *     with a control byte is refused (it would reach every line raw);
 *   - quote_argv output never holds a control byte or invalid UTF-8 and,
 *     uncut, reads back as the same argv (with the secrets redact_scan
 *     reports shown as ***);
 *   - pipeline_render stays within the message buffer, and writes no
 *     control byte when the format itself holds none. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fuzz-util.h"
#include "pipeline.h"
#include "quote.h"

static const uint32_t arg_lengths[8] = { 16, 17, 32, 100, 1000, 4096, 65536,
                                         MAX_ARG_LENGTH };
static const uint32_t message_lengths[4] = { MIN_MESSAGE_LENGTH, 300, 4096,
                                             MAX_MESSAGE_LENGTH };

static const char control_bytes[] = "\x01\x02\x03\x04\x05\x06\x07\x08"
    "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f\x7f";

static char work[EVENT_WORK_SIZE];
static char message[MAX_MESSAGE_LENGTH];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

/* With a cut: still safe text, and bounded. */
static void check_cut(char *const *argv, size_t argc, size_t max_len,
                      const struct redact_rules *redact)
{
    static struct redact_masks masks;
    size_t cap = argc * (4 * max_len + 64) + 64, at;
    char *buf = malloc(cap);
    const char *unsafe;
    struct textbuf tb;

    if (buf == NULL)
        abort();
    textbuf_init(&tb, buf, cap);
    redact_scan(redact, argv, (size_t)-1, &fuzz_room, &masks);
    quote_argv(&tb, argv, max_len, &masks);
    FUZZ_ASSERT(tb.lost == 0, "%zu arguments cut at %zu took more than %zu "
                "bytes", argc, max_len, cap);
    unsafe = fuzz_text_unsafe(tb.data, tb.len, &at, false);
    FUZZ_ASSERT(unsafe == NULL, "%s at %zu in %.*s", unsafe, at, (int)tb.len,
                tb.data);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config cfg;
    static struct format fmt;
    static struct redact_rules rules;
    static const char *default_env[] = { "PATH=/bin", "HOME=/root", NULL };
    struct fuzz_parts p;
    struct exec_event ev;
    struct textbuf tb;
    const struct redact_rules *redact;
    const char *unsafe;
    struct diag d;
    uint8_t flags;
    size_t argc, at;
    bool own_format = false;

    if (size < 1 || size > 1 << 16)
        return 0;
    flags = data[0];
    fuzz_split(&p, data + 1, size - 1, FUZZ_MAX_PARTS);
    if (config_defaults(&cfg) != 0)
        abort();

    if (format_compile(&fmt, p.part[0], &d) == 0) {
        FUZZ_ASSERT(format_validate(&fmt) == 0, "format_compile('%s') gives "
                    "a format that format_validate refuses", p.part[0]);
        /* Its text goes into every line as it is. */
        at = strcspn(p.part[0], control_bytes);
        FUZZ_ASSERT(p.part[0][at] == '\0', "format_compile accepts a control "
                    "byte (0x%02x at %zu), which then reaches every line raw",
                    (unsigned char)p.part[0][at], at);
        if (flags & 1) {
            cfg.format = fmt;
            own_format = true;
        }
    } else {
        fuzz_check_diag(&d, p.part[0]);
    }
    redact = NULL;
    if (p.count > 1 && redact_compile(&rules, p.part[1], &d) == 0) {
        FUZZ_ASSERT(redact_validate(&rules) == 0, "redact_compile('%s') "
                    "gives rules that redact_validate refuses", p.part[1]);
        if (flags & 2)
            cfg.redact = rules;
    } else if (p.count > 1) {
        fuzz_check_diag(&d, p.part[1]);
    }
    if (flags & 4)
        redact = &cfg.redact;
    cfg.max_arg_length = arg_lengths[(flags >> 3) & 7];
    cfg.max_message_length = message_lengths[flags >> 6];
    FUZZ_ASSERT(config_validate(&cfg) == 0, "a configuration made of "
                "compiled values does not validate");

    argc = p.count > 2 ? p.count - 2 : 0;
    if (argc > 0) {
        fuzz_check_round_trip(p.part + 2, argc, redact);
        check_cut(p.part + 2, argc, cfg.max_arg_length, redact);
    }

    memset(&ev, 0, sizeof(ev));
    ev.call.entry = ENTRY_EXECVE;
    ev.call.argv = argc > 0 ? p.part + 2 : NULL;
    ev.call.filename = argc > 0 && (flags & 4) == 0 ? p.part[2] : NULL;
    ev.call.fd = ev.call.filename == NULL ? 3 : -1;
    /* The arguments double as the environment, for %{env:NAME}. */
    ev.call.envp = argc > 0 ? p.part + 2 : (char *const *)default_env;
    ev.work = work;
    textbuf_init(&tb, message, cfg.max_message_length);
    pipeline_render(&cfg, &ev, flags & 32 ? ENOEXEC : 0, &tb);
    FUZZ_ASSERT(tb.len <= cfg.max_message_length && tb.lost == 0,
                "rendered %zu bytes (%zu lost) into %u", tb.len, tb.lost,
                cfg.max_message_length);
    if (!own_format || fuzz_text_unsafe(p.part[0], strlen(p.part[0]), &at,
                                        false) == NULL) {
        unsafe = fuzz_text_unsafe(tb.data, tb.len, &at, false);
        FUZZ_ASSERT(unsafe == NULL, "%s at %zu in %.*s", unsafe, at,
                    (int)tb.len, tb.data);
    }
    fuzz_parts_free(&p);
    return 0;
}
