#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"
#include "redact-command.h"

/* Command strings inside command strings (bash -c "su -c 'sh -c ...'"):
 * deeper ones are masked whole rather than read. */
#define MAX_STRING_DEPTH 4

static void on_word(void *ctx, const struct shell_text *w, bool redirection)
{
    struct scan *sc = ctx;

    command_word(sc, &sc->commands[sc->depth], w, scan_word_class(w),
                 redirection);
}

static void on_end(void *ctx, enum shell_end how)
{
    struct scan *sc = ctx;

    command_end(sc, &sc->commands[sc->depth], how);
}

static bool on_enter(void *ctx)
{
    struct scan *sc = ctx;

    if (sc->depth + 1 >= sc->command_slots)
        return false;
    memset(&sc->commands[++sc->depth], 0, sizeof(struct command));
    return true;
}

static void on_leave(void *ctx)
{
    struct scan *sc = ctx;

    sc->depth--;
}

static void on_unread(void *ctx, uint32_t from, uint32_t to)
{
    scan_add_mask(ctx, from, to, NO_RULE);
}

/* A command string: the argument of sh -c, su -c, ssh ... */
static void command_string(struct scan *sc, const struct shell_text *w)
{
    const struct shell_reader reader = { on_word, on_end, on_enter,
                                         on_leave, on_unread, sc };
    size_t depth = sc->depth;

    if (w->len == 0)
        return;
    if (sc->string_depth == MAX_STRING_DEPTH || !on_enter(sc)) {
        scan_mask_word(sc, w, 0, w->len, NO_RULE);
        return;
    }
    sc->string_depth++;
    shell_split(w, &sc->room, &reader);
    sc->string_depth--;
    sc->depth = depth;
    sc->was_string = true;
}

void redact_scan(const struct redact_rules *r, char *const *argv,
                 size_t budget, const struct redact_room *room,
                 struct redact_masks *out)
{
    struct scan sc = { .r = r, .out = out,
                       .room = { room->text, room->origin, room->size, 0 },
                       .commands = room->commands,
                       .command_slots = room->command_slots,
                       .read_string = command_string };
    size_t used = 0, i;
    bool reading = r != NULL && r->count > 0 && sc.command_slots > 0;

    out->count = 0;
    out->limit_arg = UINT32_MAX;
    out->limit_offset = 0;
    out->info_count = 0;
    out->info = room->info;
    if (argv == NULL)
        return;
    if (reading) {
        memset(&sc.commands[0], 0, sizeof(struct command));
        sc.names_rule = r->names_rule;
        sc.headers_rule = r->headers_rule;
        sc.url_rule = r->url_rule;
        sc.generic_options = r->generic_options != 0;
    }
    for (i = 0; argv[i] != NULL; i++) {
        struct shell_text w = { argv[i], 0, 0, NULL };
        bool ended;
        /* Bounded: past the budget, the argument is not read at all. */
        unsigned word_class = scan_argument(argv[i], budget - used, &w.len,
                                            &ended);

        sc.arg = (uint32_t)i;
        if (i < room->info_slots && ended) {
            room->info[i] = (uint32_t)w.len |
                            (word_class & WORD_NOT_BARE ? 0 : REDACT_BARE);
            out->info_count = (uint32_t)i + 1;
        }
        if (reading)
            command_word(&sc, &sc.commands[0], &w, word_class, false);
        if (!ended) {
            out->limit_arg = (uint32_t)i;
            out->limit_offset = (uint32_t)w.len;
            break;
        }
        used += w.len + 1;
        if (used > budget) {
            out->limit_arg = (uint32_t)i + 1;
            break;
        }
    }
    if (reading)
        command_end(&sc, &sc.commands[0], SHELL_END_LIST);
    redact_masks_sort(out);
}

bool redact_names_secret(const struct redact_rules *r, const char *name,
                         size_t len)
{
    struct scan sc = { .r = r };

    if (r == NULL || r->count == 0)
        return false;
    sc.names_rule = r->names_rule;
    return scan_name_rule(&sc, name, len) != NO_RULE;
}
