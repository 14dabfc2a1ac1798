#include "config.h"

#include "shellsplit.h"

/* $( and ` inside one another: deeper is handed over unread. */
#define MAX_LEVELS 6

/* What a word being built was doing when a $( or ` interrupted it. */
struct outer {
    bool in_word, in_dquote, redirection, backquote;
    size_t word_start;
};

struct splitter {
    const struct shell_text *src;
    struct shell_room *room;
    const struct shell_reader *r;
    size_t i;
    size_t word_start;
    bool in_word, in_dquote, redirection, stopped;
    unsigned depth;
    struct outer outer[MAX_LEVELS];
};

/* The rest of the text, from i, cannot be read: say so and stop. */
static void give_up(struct splitter *sp, size_t i)
{
    const struct shell_text *src = sp->src;

    if (i < src->len)
        sp->r->unread(sp->r->ctx, shell_origin(src, i),
                      shell_origin(src, src->len - 1) + 1);
    sp->stopped = true;
}

static void start_word(struct splitter *sp)
{
    if (!sp->in_word) {
        sp->in_word = true;
        sp->word_start = sp->room->used;
    }
}

/* Appends src->text[pos] to the word. */
static void put(struct splitter *sp, size_t pos)
{
    struct shell_room *room = sp->room;

    start_word(sp);
    if (room->used == room->size) {
        give_up(sp, pos);
        return;
    }
    room->text[room->used] = sp->src->text[pos];
    room->origin[room->used] = shell_origin(sp->src, pos);
    room->used++;
}

static void end_word(struct splitter *sp)
{
    struct shell_room *room = sp->room;
    struct shell_text w;

    if (!sp->in_word)
        return;
    w = (struct shell_text){ room->text + sp->word_start,
                             room->used - sp->word_start, 0,
                             room->origin + sp->word_start };
    sp->r->word(sp->r->ctx, &w, sp->redirection);
    sp->redirection = false;
    room->used = sp->word_start;
    sp->in_word = false;
}

static void end_command(struct splitter *sp, enum shell_end how)
{
    end_word(sp);
    sp->r->end(sp->r->ctx, how);
}

static void enter(struct splitter *sp, bool backquote)
{
    /* $(cmd) alone is a word too: -p $(cat f) gives -p a value. */
    start_word(sp);
    if (sp->depth == MAX_LEVELS || !sp->r->enter(sp->r->ctx)) {
        give_up(sp, sp->i);
        return;
    }
    sp->outer[sp->depth++] = (struct outer){ sp->in_word, sp->in_dquote,
                                             sp->redirection, backquote,
                                             sp->word_start };
    sp->in_word = sp->in_dquote = sp->redirection = false;
}

static void leave(struct splitter *sp)
{
    const struct outer *o = &sp->outer[--sp->depth];

    end_command(sp, SHELL_END_LIST);
    sp->r->leave(sp->r->ctx);
    sp->in_word = o->in_word;
    sp->in_dquote = o->in_dquote;
    sp->redirection = o->redirection;
    sp->word_start = o->word_start;
}

static bool at(const struct splitter *sp, size_t k, char c)
{
    return sp->i + k < sp->src->len && sp->src->text[sp->i + k] == c;
}

/* Single quotes, or $'...' with its backslash escapes. */
static void quoted(struct splitter *sp, bool escapes)
{
    const char *s = sp->src->text;
    size_t len = sp->src->len;

    start_word(sp);
    while (sp->i < len && s[sp->i] != '\'' && !sp->stopped) {
        if (escapes && s[sp->i] == '\\' && sp->i + 1 < len)
            sp->i++;
        put(sp, sp->i++);
    }
    sp->i++;
}

/* A redirection operator: a number before it is its descriptor, the
 * word after it its target. */
static void redirection(struct splitter *sp)
{
    struct shell_room *room = sp->room;
    bool digits = sp->in_word;

    for (size_t k = sp->word_start; digits && k < room->used; k++)
        digits = room->text[k] >= '0' && room->text[k] <= '9';
    if (digits) {
        room->used = sp->word_start;
        sp->in_word = false;
    }
    end_word(sp);
    while (sp->i < sp->src->len && (sp->src->text[sp->i] == '<' ||
                                    sp->src->text[sp->i] == '>' ||
                                    sp->src->text[sp->i] == '&' ||
                                    sp->src->text[sp->i] == '|' ||
                                    sp->src->text[sp->i] == '-'))
        sp->i++;
    sp->redirection = true;
}

/* Inside double quotes only \, $( and ` mean something. */
static void in_double_quotes(struct splitter *sp, char c)
{
    if (c == '"') {
        sp->in_dquote = false;
        sp->i++;
    } else if (c == '\\' && sp->i + 1 < sp->src->len &&
               (at(sp, 1, '"') || at(sp, 1, '\\') || at(sp, 1, '$') ||
                at(sp, 1, '`'))) {
        put(sp, sp->i + 1);
        sp->i += 2;
    } else if (c == '\\' && at(sp, 1, '\n')) {
        sp->i += 2;
    } else {
        put(sp, sp->i++);
    }
}

static void operator(struct splitter *sp, char c)
{
    if (c == '|' && !at(sp, 1, '|')) {
        sp->i += 1 + at(sp, 1, '&');
        end_command(sp, SHELL_END_PIPE);
    } else if (c == '&' && at(sp, 1, '>')) {
        sp->i++;
        redirection(sp);
    } else {
        /* && || ;; or a single ; & newline */
        sp->i += 1 + (at(sp, 1, c) && c != '\n');
        end_command(sp, SHELL_END_LIST);
    }
}

static void step(struct splitter *sp)
{
    const char *s = sp->src->text;
    char c = s[sp->i];

    if (sp->in_dquote && c != '`' && !(c == '$' && at(sp, 1, '('))) {
        in_double_quotes(sp, c);
        return;
    }
    switch (c) {
    case ' ': case '\t': case '\r':
        end_word(sp);
        sp->i++;
        break;
    case '\n': case ';': case '&': case '|':
        operator(sp, c);
        break;
    case '<': case '>':
        redirection(sp);
        break;
    case '\'':
        sp->i++;
        quoted(sp, false);
        break;
    case '"':
        start_word(sp);
        sp->in_dquote = true;
        sp->i++;
        break;
    case '\\':
        if (!at(sp, 1, '\n') && sp->i + 1 < sp->src->len)
            put(sp, sp->i + 1);
        sp->i += 2;
        break;
    case '$':
        if (at(sp, 1, '(')) {
            sp->i += 2;
            enter(sp, false);
        } else if (at(sp, 1, '\'')) {
            sp->i += 2;
            quoted(sp, true);
        } else {
            put(sp, sp->i++);
        }
        break;
    case '`':
        sp->i++;
        if (sp->depth > 0 && sp->outer[sp->depth - 1].backquote)
            leave(sp);
        else
            enter(sp, true);
        break;
    case '(': case ')':
        sp->i++;
        if (c == ')' && sp->depth > 0 && !sp->outer[sp->depth - 1].backquote)
            leave(sp);
        else if (!sp->in_word || c == ')')
            end_command(sp, SHELL_END_LIST);
        else
            put(sp, sp->i - 1);
        break;
    case '#':
        if (sp->in_word) {
            put(sp, sp->i++);
            break;
        }
        while (sp->i < sp->src->len && s[sp->i] != '\n')
            sp->i++;
        break;
    default:
        put(sp, sp->i++);
    }
}

void shell_split(const struct shell_text *src, struct shell_room *room,
                 const struct shell_reader *r)
{
    struct splitter sp = { .src = src, .room = room, .r = r };

    while (sp.i < src->len && !sp.stopped)
        step(&sp);
    if (sp.stopped) {
        /* The words already begun were not read whole. */
        room->used = sp.in_word ? sp.word_start : room->used;
        sp.in_word = false;
    }
    while (sp.depth > 0)
        leave(&sp);
    end_command(&sp, SHELL_END_LIST);
}
