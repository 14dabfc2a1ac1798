/* The tables of redaction: the rules as compiled at reload (and read
 * from the cache by every process), the masks one scan finds, and the
 * room it reads command strings in.  Shared by redact.c and the files
 * that read commands for it. */
#ifndef EXECLOG_REDACT_TABLES_H
#define EXECLOG_REDACT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero is no kind, so that a zeroed rule in a damaged cache is refused
 * rather than read as "redact nothing". */
enum redact_kind {
    KIND_VALUE = 1,     /* OPTION VALUE, OPTION=VALUE, -oVALUE */
    KIND_SEPARATE,      /* OPTION VALUE, OPTION=VALUE: -kVALUE is another
                           option (openssl's -keyout) */
    KIND_ATTACHED,      /* OPTION=VALUE, -oVALUE: never the next word */
    KIND_USERINFO,      /* a value's part after its first separator */
    KIND_PASSARG,       /* a value's part after "pass:" (openssl) */
    KIND_COOKIE,        /* a value holding '=' (a file name holds none) */
    KIND_NOVALUE,       /* a secret-named option that takes no value */
    KIND_KEEP,          /* a secret-named option or name whose value is
                           no secret (gcloud --secret=NAME) */
    KIND_POSITIONAL,    /* the Nth operand (0: the last) */
    KIND_PAIR,          /* config KEY VALUE: the last operand, after a
                           secret-named KEY */
    KIND_KEYWORD,       /* ... password VALUE: the operand after a
                           secret-named operand */
    KIND_STDIN,         /* echo/printf words piped into the program */
    KIND_NAME,          /* NAME=VALUE and --NAME VALUE, NAME a glob */
    KIND_NAMES,         /* the same for the built-in secret vocabulary */
    KIND_HEADERS,       /* HTTP auth headers, cookies, SQL passwords */
    KIND_URL,           /* scheme://user:SECRET@host, scheme://TOKEN@host */
    KIND_COUNT,
    /* Words of the spec that expand to rules; never stored. */
    KIND_DEFAULTS = KIND_COUNT,
    KIND_NONE
};

#define REDACT_MAX_RULES 192
#define REDACT_MAX_ENTRIES 512
#define REDACT_MAX_TEXT 4096
#define REDACT_BUCKETS 64
#define REDACT_NO_RULE 0xffffu

struct redact_rule {
    uint8_t kind;
    uint8_t separator;      /* userinfo, positional: ':', '%', ',', '/' */
    uint8_t position;       /* KIND_POSITIONAL */
    uint8_t reserved;
    uint16_t option;        /* text[option..option+option_length) */
    uint16_t option_length;
};

/* One program a rule applies to: "docker login" is the program docker
 * with its first operand login, "sudo -S" the program sudo given -S. */
struct redact_entry {
    uint16_t rule;
    uint16_t program;       /* text offset of the basename */
    uint8_t program_length;
    uint8_t qualifier_length;  /* 0: none */
    uint16_t qualifier;
};

struct redact_rules {
    uint16_t count;         /* rules */
    uint16_t entries;
    uint16_t generic;       /* rules[0..generic) apply to any program */
    /* Worked out at reload, not by every scan: the first names, headers
     * and url rule (REDACT_NO_RULE: none), and whether some option rule
     * applies to any program. */
    uint16_t names_rule, headers_rule, url_rule;
    uint16_t generic_options;
    /* Entries sorted by bucket of their program's name, then name:
     * bucket b is entry[bucket[b]..bucket[b+1]). */
    uint16_t bucket[REDACT_BUCKETS + 1];
    struct redact_rule rules[REDACT_MAX_RULES];
    struct redact_entry entry[REDACT_MAX_ENTRIES];
    char text[REDACT_MAX_TEXT];
};

/* A secret's bytes: argv[arg][start..end). */
struct redact_mask {
    uint32_t arg;
    uint32_t start, end;
    uint16_t rule;          /* index in rules, for explain */
    uint16_t reserved;
};

#define REDACT_MAX_MASKS 128

/* What one scan found, in argument order, ranges merged.  Arguments past
 * the scan's budget were not read: nothing of them may be shown. */
struct redact_masks {
    uint32_t count;
    uint32_t limit_arg;     /* argv[limit_arg] is read up to limit_offset */
    uint32_t limit_offset;  /* and no argument after it */
    /* What the scan learnt of argv[0 .. info_count) on its way, so that
     * rendering need not read them again: the length, and whether every
     * byte is bare ASCII (REDACT_BARE). */
    uint32_t info_count;
    const uint32_t *info;
    struct redact_mask mask[REDACT_MAX_MASKS];
};

#define REDACT_BARE 0x80000000u

/* Room for the words of shell command strings while they are read: the
 * unquoted text of each word and, per byte, where it came from. */
struct redact_room {
    char *text;
    uint32_t *origin;
    size_t size;            /* bytes of text, entries of origin */
    void *commands;         /* command_slots * REDACT_COMMAND_SIZE bytes, */
    size_t command_slots;   /* 8-aligned: commands inside $() and strings */
    uint32_t *info;         /* room for redact_masks.info */
    size_t info_slots;
};

#define REDACT_COMMAND_SIZE 192

/* Whether rule (read from a cache file) is one the scan can apply. */
static inline bool redact_rule_ok(const struct redact_rule *rule,
                                  bool generic)
{
    bool finder = rule->kind == KIND_NAMES || rule->kind == KIND_HEADERS ||
                  rule->kind == KIND_URL;

    if (rule->kind == 0 || rule->kind >= KIND_COUNT ||
        rule->option > REDACT_MAX_TEXT ||
        rule->option_length > REDACT_MAX_TEXT - rule->option)
        return false;
    /* A finder has no option; any other rule without one would match
     * every word; a finder tied to programs is never run. */
    if (finder)
        return rule->option_length == 0 && generic;
    if (rule->kind == KIND_USERINFO && rule->separator == 0)
        return false;
    if (rule->separator != 0 && rule->kind != KIND_USERINFO &&
        rule->kind != KIND_POSITIONAL)
        return false;
    return rule->option_length > 0 || rule->kind == KIND_POSITIONAL ||
           rule->kind == KIND_STDIN || rule->kind == KIND_PAIR ||
           rule->kind == KIND_KEYWORD;
}

/* Whether entry e of r (read from a cache file) points inside r: to a
 * sound program rule, at text within the text. */
static inline bool redact_entry_ok(const struct redact_rules *r,
                                   const struct redact_entry *e)
{
    return e->rule >= r->generic && e->rule < r->count &&
           redact_rule_ok(&r->rules[e->rule], false) &&
           e->program <= REDACT_MAX_TEXT &&
           e->program_length <= REDACT_MAX_TEXT - e->program &&
           e->qualifier <= REDACT_MAX_TEXT &&
           e->qualifier_length <= REDACT_MAX_TEXT - e->qualifier;
}

/* The bucket of a program's basename. */
static inline unsigned redact_bucket(const char *name, size_t len)
{
    unsigned h = (unsigned)len;

    for (size_t i = 0; i < len; i++)
        h = h * 31u + (unsigned char)name[i];
    return h % REDACT_BUCKETS;
}

#endif
