/*
 * roundtrip -- the quoting's promise, checked against bash itself: for
 * random argv over every byte value 1-255, the line quote_argv writes,
 * pasted into bash, gives back the exact argv.
 *
 * Each case is checked twice by one bash process reading a script of many
 * cases (a fresh bash per case would cost 2 ms each):
 *   printf '%s\0' LINE          every word in argument position
 *   LINE                        argv[0] as the command word, caught by
 *                               command_not_found_handle (PATH is empty),
 *                               so an unquoted reserved word, assignment
 *                               or job spec shows up as a difference
 * and the line itself must hold no control byte, no invalid UTF-8 and no
 * invisible or space-like character (see fuzz-util.c).  A batch that
 * disagrees is rerun case by case to name the first failing case.
 *
 * Redaction is checked the same way: with the default rules the words read
 * back are argv with the ranges redact_scan finds shown as ***.
 *
 * The seed is fixed (ROUNDTRIP_SEED overrides it, ROUNDTRIP_CASES the
 * count), so a failure reproduces.  Exit: 0 pass, 1 fail, 77 no bash,
 * 99 setup error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "quote.h"
#include "fuzz-util.h"
#include "redact.h"

#define BASH "/bin/bash"
#define MAX_ARGS 8
#define BATCH 250

struct kase {
    size_t argc;
    char *argv[MAX_ARGS + 1];
    bool redacted;                 /* quoted with the default rules */
    bool command_word;             /* also run LINE itself */
    char *line;
    size_t line_len;
    char *expect[MAX_ARGS];        /* what bash must give back */
};

static struct redact_rules default_rules;
static size_t shown_max = 3;      /* ROUNDTRIP_SHOW */
static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: small, and the same sequence everywhere. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
    return n == 0 ? 0 : (size_t)(rng() % n);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL) {
        fprintf(stderr, "roundtrip: out of memory\n");
        exit(99);
    }
    return p;
}

/* Code points worth trying: the edges of every range the quoting treats
 * specially, and of the UTF-8 encoding lengths. */
static const uint32_t edges[] = {
    0x80, 0x9f, 0xa0, 0xa1, 0xac, 0xad, 0xae, 0x34e, 0x34f, 0x350, 0x61b,
    0x61c, 0x61d, 0x7ff, 0x800, 0x115e, 0x115f, 0x1160, 0x1161, 0x167f,
    0x1680, 0x1681, 0x17b3, 0x17b4, 0x17b5, 0x17b6, 0x180a, 0x180b, 0x180e,
    0x180f, 0x1810, 0x1fff, 0x2000, 0x200b, 0x200f, 0x2010, 0x2027, 0x2028,
    0x202e, 0x202f, 0x2030, 0x205e, 0x205f, 0x2060, 0x2066, 0x206f, 0x2070,
    0x2fff, 0x3000, 0x3001, 0x3163, 0x3164, 0x3165, 0xd7ff, 0xe000, 0xfdff,
    0xfe00, 0xfe0f, 0xfe10, 0xfefe, 0xfeff, 0xff00, 0xff9f, 0xffa0, 0xffa1,
    0xffef, 0xfff0, 0xfff8, 0xfff9, 0xfffb, 0xfffc, 0xfffd, 0xffff, 0x10000,
    0x1bc9f, 0x1bca0, 0x1bca3, 0x1bca4, 0x1d172, 0x1d173, 0x1d17a, 0x1d17b,
    0xdffff, 0xe0000, 0xe0001, 0xe007f, 0xe0080, 0xe0100, 0xe01ef, 0xe0fff,
    0xe1000, 0x10fffd, 0x10ffff,
};

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Words with a meaning of their own to bash or to redaction. */
static const char *const specials[] = {
    "", "=", "a=b", "HISTFILE=x", "%", "%1", "-", "--", "~", "~root", "#x",
    "!", "!!", "*", "?", "[a]", "{a,b}", "'", "\"", "\\", "$x", "${x}",
    "$'x'", "`id`", "$(id)", "a b", "\t", "\n", "\r", "\x01", "\x7f",
    "\x1b[31m", "x\\", "-pS3cret", "--password=S3cret", "--password",
    "-u", "bob:S3cret", "https://bob:S3cret@host/x", "a://b:c@d", "time",
    "if", "coproc", "function", "in", "do", "!x", "&", ";", "|", "<", ">",
    "(", ")", "#", "\xc2\xa0", "\xe2\x80\x8b", "\xef\xbb\xbf", "\xff",
    "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
};

static char *random_word(void)
{
    static const char bare[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                               "VWXYZ0123456789_./:=@%+,-";
    static const char shell[] = " '\"\\$`!*?[]{}~#&;|<>()^\t";
    size_t kind = below(16), len, n = 0;
    char *w;

    if (kind == 0)
        return strdup(specials[below(sizeof(specials) / sizeof(specials[0]))]);
    len = kind == 1 ? 200 + below(800) : below(24);
    w = xmalloc(len * 4 + 1);
    for (size_t i = 0; i < len; i++) {
        switch (kind % 4) {
        case 0:
        case 1:     /* any byte but NUL */
            w[n++] = (char)(1 + below(255));
            break;
        case 2:     /* mostly bare, some shell syntax */
            w[n++] = below(4) == 0 ? shell[below(sizeof(shell) - 1)]
                                   : bare[below(sizeof(bare) - 1)];
            break;
        default: {  /* UTF-8: edges, any character, ASCII */
            size_t pick = below(3);
            uint32_t cp = pick == 0 ? edges[below(sizeof(edges) / sizeof(edges[0]))]
                        : pick == 1 ? (uint32_t)(0x80 + below(0x10ff80))
                                    : (uint32_t)(0x20 + below(0x5f));

            if (cp >= 0xd800 && cp <= 0xdfff)
                cp = 0xfffd;
            n += put_utf8(w + n, cp);
        }
        }
    }
    w[n] = '\0';
    return w;
}

static bool is_builtin(const char *word, char **builtins, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(builtins[i], word) == 0)
            return true;
    return false;
}

/* Quotes k->argv into k->line and works out what bash must give back. */
static void prepare(struct kase *k, char **builtins, size_t nbuiltins)
{
    static struct redact_masks masks;
    size_t total = 0, cap;
    struct textbuf tb;

    for (size_t i = 0; i < k->argc; i++)
        total += strlen(k->argv[i]);
    cap = total * 4 + k->argc * 8 + 8;
    k->line = xmalloc(cap + 1);
    textbuf_init(&tb, k->line, cap);
    redact_scan(k->redacted ? &default_rules : NULL, k->argv, (size_t)-1,
                &fuzz_room, &masks);
    quote_argv(&tb, k->argv, (size_t)-1, &masks);
    if (tb.lost != 0) {
        fprintf(stderr, "roundtrip: quote_argv needed more than 4 bytes per "
                "byte\n");
        exit(99);
    }
    k->line[tb.len] = '\0';
    k->line_len = tb.len;
    for (size_t i = 0, first = 0; i < k->argc; i++) {
        size_t len = strlen(k->argv[i]);
        size_t n = redact_masks_of(&masks, i, &first);

        k->expect[i] = xmalloc(len + 3 * n + 1);
        fuzz_expected_masked(k->argv[i], len, &masks.mask[first], n,
                             k->expect[i]);
    }
    /* As the command word, bash runs builtins and functions whatever the
     * quoting, and a word starting with '%' is always a job (bash runs fg;
     * quoting cannot help): those are checked in argument position only.
     * A '/' makes bash exec the path instead of calling the handler. */
    k->command_word = strchr(k->expect[0], '/') == NULL &&
                      k->expect[0][0] != '%' &&
                      strcmp(k->expect[0], "command_not_found_handle") != 0 &&
                      !is_builtin(k->expect[0], builtins, nbuiltins);
}

static void free_case(struct kase *k)
{
    for (size_t i = 0; i < k->argc; i++) {
        free(k->argv[i]);
        free(k->expect[i]);
    }
    free(k->line);
}

/* Runs script with bash; returns its stdout (NUL-separated words) and
 * length, or NULL.  stderr goes to *err (a short excerpt). */
static char *run_bash(const char *script, const char *locale,
                      size_t *out_len, char *err, size_t err_cap)
{
    int out_pipe[2], err_pipe[2];
    size_t len = 0, cap = 65536, elen = 0;
    char *out = xmalloc(cap);
    pid_t pid;

    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        perror("roundtrip: pipe");
        exit(99);
    }
    pid = fork();
    if (pid < 0) {
        perror("roundtrip: fork");
        exit(99);
    }
    if (pid == 0) {
        /* The script on stdin, from a memfd: as an argument it could pass
         * the kernel's 128 KiB limit for one argument. */
        char *const argv[] = { (char *)BASH, (char *)"--norc",
                               (char *)"--noprofile", (char *)"-s", NULL };
        char *const envp[] = { (char *)"PATH=/nonexistent-execlog-roundtrip",
                               (char *)locale, NULL };
        int fd = memfd_create("roundtrip-script", 0);
        size_t left = strlen(script);

        for (const char *p = script; fd >= 0 && left > 0;) {
            ssize_t n = write(fd, p, left);

            if (n <= 0)
                _exit(126);
            p += n;
            left -= (size_t)n;
        }
        if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
            _exit(126);
        dup2(fd, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        execve(BASH, argv, envp);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    /* stdout first: the scripts write little to stderr (under 64 KiB). */
    for (;;) {
        ssize_t n;

        if (len == cap) {
            cap *= 2;
            out = realloc(out, cap);
            if (out == NULL)
                exit(99);
        }
        n = read(out_pipe[0], out + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    for (;;) {
        char buf[4096];
        ssize_t n = read(err_pipe[0], buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n && elen + 1 < err_cap; i++)
            err[elen++] = buf[i];
    }
    err[elen] = '\0';
    close(out_pipe[0]);
    close(err_pipe[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *out_len = len;
    return out;
}

/* The script for cases[0..n): one or two lines each. */
static char *script_for(struct kase *cases, size_t n)
{
    static const char head[] = "command_not_found_handle() { printf '%s\\0' "
                               "\"$@\"; }\n";
    size_t cap = sizeof(head), used;
    char *s;

    for (size_t i = 0; i < n; i++)
        cap += 2 * cases[i].line_len + 32;
    s = xmalloc(cap);
    used = (size_t)snprintf(s, cap, "%s", head);
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(s + used, cap - used, "printf '%%s\\0' %s\n",
                                 cases[i].line);
        if (cases[i].command_word)
            used += (size_t)snprintf(s + used, cap - used, "%s\n",
                                     cases[i].line);
    }
    return s;
}

/* Compares what bash printed for cases[0..n) with what it must print.
 * Returns the index of the first case that differs, or n. */
static size_t first_difference(struct kase *cases, size_t n, const char *out,
                               size_t len)
{
    size_t at = 0;

    for (size_t i = 0; i < n; i++) {
        for (int pass = 0; pass < (cases[i].command_word ? 2 : 1); pass++) {
            for (size_t a = 0; a < cases[i].argc; a++) {
                size_t wl = strlen(cases[i].expect[a]);

                if (at + wl + 1 > len ||
                    memcmp(out + at, cases[i].expect[a], wl + 1) != 0)
                    return i;
                at += wl + 1;
            }
        }
    }
    return at == len ? n : n - 1;
}

static void show_case(const char *what, size_t index, const struct kase *k,
                      const char *out, size_t out_len, const char *err)
{
    char esc[8192];

    printf("FAIL: %s: case %zu%s\n", what, index,
           k->redacted ? " (with the default redact rules)" : "");
    for (size_t i = 0; i < k->argc; i++)
        printf("  argv[%zu] = \"%s\"\n", i,
               fuzz_escape(k->argv[i], strlen(k->argv[i]), esc, sizeof(esc)));
    printf("  line     = \"%s\"\n",
           fuzz_escape(k->line, k->line_len, esc, sizeof(esc)));
    if (out != NULL) {
        printf("  bash gave \"%s\" (words end in \\x00)\n",
               fuzz_escape(out, out_len, esc, sizeof(esc)));
        if (err != NULL && err[0] != '\0')
            printf("  bash said: %s", err);
    }
}

/* Runs one case alone, true if bash disagrees; with report, shows it. */
static bool check_alone(const char *what, size_t index, struct kase *k,
                        const char *locale, bool report)
{
    char err[2048];
    size_t len;
    char *script = script_for(k, 1);
    char *out = run_bash(script, locale, &len, err, sizeof(err));
    bool bad = first_difference(k, 1, out, len) != 1;

    if (bad && report) {
        show_case(what, index, k, out, len, err);
        printf("  (bash with %s)\n", locale);
    }
    free(out);
    free(script);
    return bad;
}

/* The character at s, for messages (0xfffd if it is not UTF-8). */
static uint32_t code_point(const char *s, size_t n)
{
    uint32_t cp;

    return utf8_sequence((const unsigned char *)s, n, &cp) != 0 ? cp : 0xfffd;
}

static bool check_text(const char *what, size_t index, struct kase *k)
{
    size_t at;
    const char *unsafe = fuzz_text_unsafe(k->line, k->line_len, &at, true);

    if (unsafe == NULL)
        return false;
    show_case(what, index, k, NULL, 0, NULL);
    printf("  %s at byte %zu of the line (U+%04X)\n", unsafe, at,
           (unsigned)code_point(k->line + at, k->line_len - at));
    return true;
}

/* Runs cases[0..n) as one script; where bash disagrees, finds the case
 * that fails on its own, and goes on with the rest.  Returns how many
 * cases failed; the first shown_max failures of the run are shown. */
static size_t check_batch(struct kase *cases, size_t n, size_t base,
                          const char *locale)
{
    static size_t shown;
    size_t failures = 0, from = 0;
    char err[2048];

    while (from < n) {
        size_t len, bad, i;
        char *script = script_for(cases + from, n - from);
        char *out = run_bash(script, locale, &len, err, sizeof(err));

        bad = from + first_difference(cases + from, n - from, out, len);
        free(out);
        free(script);
        if (bad == n)
            break;
        for (i = bad; i < n; i++) {
            bool alone_bad = check_alone("random case, bash reads it back "
                                         "differently", base + i, &cases[i],
                                         locale, shown < shown_max);

            if (alone_bad) {
                shown++;
                failures++;
                break;
            }
        }
        if (i == n) {
            printf("FAIL: cases %zu-%zu: bash (%s) reads them back "
                   "differently from case %zu on, but no case fails alone; "
                   "bash said: %s\n", base + from, base + n - 1, locale,
                   base + bad, err);
            return failures + 1;
        }
        from = i + 1;
    }
    return failures;
}

/* Regression cases: each found a bug once (see tests/fuzz/README.md). */
static const char *const regressions[][4] = {
    /* Reserved words as the command word: bare, bash reads a keyword. */
    { "time", "ls", NULL },
    { "if", "x", NULL },
    { "coproc", "x", NULL },
    { "function", "x", NULL },
    { "in", "x", NULL },
    { "done", NULL },
    /* Invisible characters left raw (combining grapheme joiner, variation
     * selector 16, Mongolian free variation selector, Ogham space mark,
     * variation selector 17, Khmer inherent vowel). */
    { "rm\xcd\x8f", "-rf", "/", NULL },
    { "ls", "a\xef\xb8\x8f", NULL },
    { "ls", "a\xe1\xa0\x8b", NULL },
    { "ls", "a\xe1\x9a\x80" "b", NULL },
    { "ls", "a\xf3\xa0\x84\x80", NULL },
    { "ls", "a\xe1\x9e\xb4", NULL },
};

int main(void)
{
    const char *env_seed = getenv("ROUNDTRIP_SEED");
    const char *env_cases = getenv("ROUNDTRIP_CASES");
    size_t ncases = env_cases != NULL ? strtoul(env_cases, NULL, 0) : 5000;
    char err[2048], *builtins[128], *list;
    size_t nbuiltins = 0, len, bash_failures = 0, text_failures = 0;
    struct kase *cases;
    struct diag d;
    unsigned long long seed;
    int failed = 0;

    if (getenv("ROUNDTRIP_SHOW") != NULL)
        shown_max = strtoul(getenv("ROUNDTRIP_SHOW"), NULL, 0);
    if (access(BASH, X_OK) < 0) {
        printf("SKIP: no %s\n", BASH);
        return 77;
    }
    if (redact_compile(&default_rules, redact_default_spec, &d) != 0) {
        fprintf(stderr, "roundtrip: the default redact rules do not compile: "
                "%s\n", d.message);
        return 99;
    }
    seed = env_seed != NULL ? strtoull(env_seed, NULL, 0) : 0x657865636c6f67ull;
    rng_state = seed;
    if (rng_state == 0)
        rng_state = 1;
    /* bash's builtins run as command words whatever the quoting. */
    list = run_bash("mapfile -t b < <(compgen -b); printf '%s\\0' \"${b[@]}\"",
                    "LC_ALL=C", &len, err, sizeof(err));
    for (size_t at = 0; at < len && nbuiltins < 128;
         at += strlen(list + at) + 1)
        builtins[nbuiltins++] = list + at;
    if (nbuiltins < 10) {
        fprintf(stderr, "roundtrip: compgen -b gave %zu builtins\n",
                nbuiltins);
        return 99;
    }

    for (size_t r = 0; r < sizeof(regressions) / sizeof(regressions[0]);
         r++) {
        struct kase k;

        memset(&k, 0, sizeof(k));
        for (; regressions[r][k.argc] != NULL; k.argc++)
            k.argv[k.argc] = strdup(regressions[r][k.argc]);
        prepare(&k, builtins, nbuiltins);
        failed |= check_alone("regression, bash reads it back differently", r,
                              &k, "LC_ALL=C.UTF-8", true);
        failed |= check_text("regression, unsafe text in the line", r, &k);
        free_case(&k);
    }

    cases = calloc(BATCH, sizeof(*cases));
    if (cases == NULL)
        return 99;
    for (size_t base = 0; base < ncases; base += BATCH) {
        size_t n = ncases - base < BATCH ? ncases - base : BATCH, at;
        for (size_t i = 0; i < n; i++) {
            struct kase *k = &cases[i];

            memset(k, 0, sizeof(*k));
            k->argc = 1 + below(MAX_ARGS);
            for (size_t a = 0; a < k->argc; a++)
                k->argv[a] = random_word();
            k->redacted = below(4) == 0;
            prepare(k, builtins, nbuiltins);
            if (fuzz_text_unsafe(k->line, k->line_len, &at, true) != NULL &&
                text_failures++ < shown_max)
                check_text("random case, unsafe text in the line", base + i,
                           k);
        }
        /* Pasted into a UTF-8 terminal, or read byte by byte. */
        bash_failures += check_batch(cases, n, base,
                                     (base / BATCH) % 2 ? "LC_ALL=C.UTF-8"
                                                        : "LC_ALL=C");
        for (size_t i = 0; i < n; i++)
            free_case(&cases[i]);
    }
    free(cases);
    free(list);
    printf("%zu random cases (seed 0x%llx): %zu read back differently by "
           "bash, %zu with unsafe text%s\n", ncases,
           (unsigned long long)seed,
           bash_failures, text_failures,
           bash_failures > shown_max || text_failures > shown_max
               ? " (the first few shown)" : "");
    return failed || bash_failures > 0 || text_failures > 0;
}
