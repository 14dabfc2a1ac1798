#include "config.h"

#include <stdint.h>
#include <string.h>

#include "glob.h"
#include "redact-command.h"
#include "redact-words.h"
#include "wordlist.h"
#include "wrappers.h"


enum phase { PHASE_PROGRAM, PHASE_WRAPPER, PHASE_ARGS };
enum { LOGIN_UNKNOWN, LOGIN_YES, LOGIN_NO };
enum expect { EXPECT_NOTHING, EXPECT_OPTION_VALUE, EXPECT_COMMAND,
              EXPECT_SECRET, EXPECT_KEYWORD_VALUE, EXPECT_LOGIN_VALUE };

static void command_rules(struct scan *sc, const struct command *c);

/* The program's rules: the run of entries named like it. */
static void find_entries(struct scan *sc, struct command *c, const char *name,
                         size_t len)
{
    const struct redact_rules *r = sc->r;
    unsigned b = redact_bucket(name, len);

    c->entries = 0;
    for (uint16_t i = r->bucket[b]; i < r->bucket[b + 1]; i++) {
        const struct redact_entry *e = &r->entry[i];

        /* A damaged entry ends the run: what follows is not read. */
        if (!redact_entry_ok(r, e))
            return;
        if (e->program_length != len ||
            memcmp(r->text + e->program, name, len) != 0) {
            if (c->entries > 0)
                return;
            continue;
        }
        if (c->entries == 0)
            c->first_entry = i;
        if (c->entries < 32)
            c->entries++;
    }
}

static bool is_assignment(const struct scan *sc, const struct shell_text *w)
{
    size_t i = 0;

    if (!(sc->word_class & WORD_EQUALS))
        return false;
    while (i < w->len && ((w->text[i] >= 'a' && w->text[i] <= 'z') ||
                          (w->text[i] >= 'A' && w->text[i] <= 'Z') ||
                          w->text[i] == '_' ||
                          (i > 0 && w->text[i] >= '0' && w->text[i] <= '9')))
        i++;
    return i > 0 && i < w->len && w->text[i] == '=';
}

static bool is_reserved(const struct shell_text *w)
{
    static const char reserved[] =
        "!\0{\0}\0if\0then\0else\0elif\0fi\0do\0done\0while\0until\0for\0case\0"
        "esac\0in\0function\0";

    FOR_EACH_WORD(word, reserved)
        if (word_is(w, word, strlen(word)))
            return true;
    return false;
}

static void program_word(struct scan *sc, struct command *c,
                         const struct shell_text *w)
{
    const char *base = w->text, *slash;
    size_t len;

    /* In argv, "if" would be a program called if. */
    if (w->len == 0 || is_assignment(sc, w) ||
        (sc->string_depth > 0 && is_reserved(w)))
        return;
    /* The wrapper's own rules end where its program begins. */
    if (c->piped_in || c->login_user)
        command_rules(sc, c);
    c->has_last = c->login_user = false;
    c->login_values = 0;
    while ((slash = memchr(base, '/', w->len - (size_t)(base - w->text))))
        base = slash + 1;
    len = w->len - (size_t)(base - w->text);
    c->wrapper = wrapper_find(base, len);
    c->phase = c->wrapper != NULL ? PHASE_WRAPPER : PHASE_ARGS;
    c->operands_left = c->wrapper != NULL ? c->wrapper->operands : 0;
    c->options_done = c->shell_command = false;
    c->operands = 0;
    c->qualified = 0;
    c->format_first = len == 6 && memcmp(base, "printf", 6) == 0;
    c->echo = c->format_first || (len == 4 && memcmp(base, "echo", 4) == 0);
    /* Kept for the questions asked only when their case comes up: most
     * commands have neither "--" nor -u. */
    c->program_length = (uint8_t)(len < MAX_PROGRAM ? len : 0);
    memcpy(c->program, base, c->program_length);
    c->login_meaning = LOGIN_UNKNOWN;
    find_entries(sc, c, base, len);
}

/* The secret in a value that starts at vs of w, as rule reads it. */
static void mask_value(struct scan *sc, uint16_t index,
                       const struct shell_text *w, size_t vs)
{
    const struct redact_rule *rule = &sc->r->rules[index];
    const char *v = w->text + vs, *sep, *at;
    size_t n = w->len - vs;

    switch (rule->kind) {
    case KIND_USERINFO:
    case KIND_POSITIONAL:
        if (rule->separator == 0) {
            scan_mask_word(sc, w, vs, w->len, index);
            return;
        }
        /* user:password@host, not user@host:port */
        sep = memchr(v, rule->separator, n);
        at = memchr(v, '@', n);
        if (sep != NULL && (at == NULL || sep < at))
            scan_mask_word(sc, w, (size_t)(sep - w->text) + 1, w->len, index);
        return;
    case KIND_PASSARG:
        if (n > 5 && memcmp(v, "pass:", 5) == 0)
            scan_mask_word(sc, w, vs + 5, w->len, index);
        return;
    case KIND_COOKIE:
        if (memchr(v, '=', n) != NULL)
            scan_mask_word(sc, w, vs, w->len, index);
        return;
    default:
        /* -p- and the like: "no password". */
        if (n == 1 && v[0] == '-')
            return;
        if (index != sc->names_rule || !redact_value_is_reference(v, n))
            scan_mask_word(sc, w, vs, w->len, index);
    }
}

/* Whether w is the option of an option rule, or carries its value: a
 * match of OPTION, OPTION=VALUE, -oVALUE (one-letter options) or
 * /o:VALUE (Windows style).  True when the word is the option itself. */
static bool option_match(const char *o, size_t n, const struct shell_text *w,
                         bool attached, bool any_length, size_t *vs)
{
    const char *eq;

    *vs = 0;
    if (w->len < n)
        return false;
    if (memchr(o, '*', n) != NULL) {
        eq = memchr(w->text, '=', w->len);
        if (eq != NULL &&
            glob_match(o, n, w->text, (size_t)(eq - w->text), false))
            *vs = (size_t)(eq - w->text) + 1;
        return *vs == 0 && glob_match(o, n, w->text, w->len, false);
    }
    if (memcmp(w->text, o, n) != 0)
        return false;
    if (w->len == n)
        return true;
    if (w->text[n] == '=' || (o[0] == '/' && w->text[n] == ':'))
        *vs = n + 1;
    else if (attached && (n == 2 || any_length) && o[0] == '-' &&
             o[1] != '-')
        *vs = n;
    return false;
}

enum { NO_MATCH, VALUE_IN_WORD, OPTION_WORD };

/* An option rule (value, attached, userinfo, passarg, cookie, novalue,
 * keep) on w: whether the word is the option, or holds its value. */
static int option_rule(struct scan *sc, struct command *c, uint16_t index,
                        const struct shell_text *w, bool is_option)
{
    const struct redact_rule *rule = &sc->r->rules[index];
    bool attached = is_option && rule->kind != KIND_SEPARATE;
    size_t vs;
    bool whole;

    if (rule->kind >= KIND_POSITIONAL)
        return NO_MATCH;
    whole = option_match(rule_text(sc, rule), rule->option_length, w,
                         attached, rule->kind == KIND_ATTACHED, &vs);
    if (rule->kind == KIND_KEEP) {
        /* Its value, in this word or the next, is neither a secret nor
         * an operand. */
        c->keep |= whole || vs != 0;
        if (whole && c->expect == EXPECT_NOTHING)
            c->expect = EXPECT_OPTION_VALUE;
        return whole ? OPTION_WORD : vs != 0 ? VALUE_IN_WORD : NO_MATCH;
    }
    if (vs != 0 && rule->kind != KIND_NOVALUE)
        mask_value(sc, index, w, vs);
    /* Of two rules for the next word, the one that hides all of it: an
     * operator's value:-u@curl over the built-in userinfo:-u@curl. */
    if (whole && rule->kind != KIND_ATTACHED && rule->kind != KIND_NOVALUE &&
        (c->expect == EXPECT_NOTHING ||
         (c->expect == EXPECT_SECRET && (rule->kind == KIND_VALUE ||
                                         rule->kind == KIND_SEPARATE)))) {
        c->expect = EXPECT_SECRET;
        c->expect_rule = index;
    }
    return whole ? OPTION_WORD : vs != 0 ? VALUE_IN_WORD : NO_MATCH;
}

/* Whether entry k of c applies now: its subcommand given, or its option
 * seen. */
static bool qualified(const struct scan *sc, const struct command *c,
                      uint16_t k)
{
    const struct redact_entry *e = &sc->r->entry[c->first_entry + k];
    const char *q = sc->r->text + e->qualifier;

    if (e->qualifier_length == 0)
        return true;
    if (q[0] == '-')
        return (c->qualified >> k) & 1u;
    return c->operands > 0 && c->sub_length == e->qualifier_length &&
           memcmp(c->sub, q, e->qualifier_length) == 0;
}

/* Notes the options that qualify entries: "sudo -S", "htpasswd -b" (also
 * in a cluster such as -nbB). */
static void note_qualifiers(const struct scan *sc, struct command *c,
                            const struct shell_text *w)
{
    for (uint16_t k = 0; k < c->entries; k++) {
        const struct redact_entry *e = &sc->r->entry[c->first_entry + k];
        const char *q = sc->r->text + e->qualifier;
        size_t n = e->qualifier_length;

        if (n == 0 || q[0] != '-')
            continue;
        if (word_is(w, q, n) ||
            (n == 2 && w->len > 1 && w->text[1] != '-' &&
             memchr(w->text + 1, q[1], w->len - 1) != NULL))
            c->qualified |= 1u << k;
    }
}

/* password, key, psk, 802-1x.password, wifi-sec.psk: a word that says
 * the next one is a secret (wpa-psk, a value, says no such thing). */
static bool is_keyword(const struct scan *sc, const struct shell_text *w)
{
    static const char keywords[] =
        "password\0passwd\0pass\0key\0psk\0secret\0";

    FOR_EACH_WORD(keyword, keywords)
        if (word_is(w, keyword, strlen(keyword)))
            return true;
    return memchr(w->text, '.', w->len) != NULL &&
           scan_name_rule(sc, w->text, w->len) != NO_RULE;
}

static void operand(struct scan *sc, struct command *c,
                    const struct shell_text *w)
{
    struct redact_mask range = scan_range_of(sc, w);

    c->operands++;
    if (c->operands == 1) {
        c->sub_length = (uint8_t)(w->len < MAX_SUBCOMMAND ? w->len : 0);
        memcpy(c->sub, w->text, c->sub_length);
    }
    if (!is_assignment(sc, w)) {
        c->last = range;
        c->has_last = true;
    }
    /* printf's format and $VARIABLE are no secret piped anywhere. */
    if (!c->echo || w->text[0] == '$' ||
        (c->operands == 1 && c->format_first &&
         memchr(w->text, '%', w->len) != NULL)) {
        ;
    } else if (!c->has_echo || c->echo_words.arg != range.arg) {
        c->echo_words = range;
        c->has_echo = true;
    } else {
        c->echo_words.end = range.end;
    }
    for (uint16_t k = 0; k < c->entries; k++) {
        const struct redact_entry *e = &sc->r->entry[c->first_entry + k];
        const struct redact_rule *rule = &sc->r->rules[e->rule];
        unsigned n = c->operands - (e->qualifier_length > 0 &&
                                    sc->r->text[e->qualifier] != '-');

        if (!qualified(sc, c, k))
            continue;
        if (rule->kind == KIND_POSITIONAL && rule->position == n && n > 0 &&
            !is_assignment(sc, w))
            mask_value(sc, e->rule, w, 0);
        else if (rule->kind == KIND_PAIR && c->secret_key == 0 && n > 0 &&
                 redact_credential_values(w->text, w->len) > 0)
            c->secret_key = (uint16_t)(c->operands +
                                      redact_credential_values(w->text,
                                                               w->len));
        else if (rule->kind == KIND_KEYWORD && c->expect == EXPECT_NOTHING &&
                 is_keyword(sc, w)) {
            c->expect = EXPECT_KEYWORD_VALUE;
            c->expect_rule = e->rule;
        }
    }
}

/* -u USER ... -p VALUE: with a user given, -p, -P or -w is a password
 * for nearly every client that has no rule of its own. */
static void login_option(struct command *c, const struct shell_text *w)
{
    if (redact_is_user_option(w->text, w->len))
        c->login_user = true;
    else if (redact_is_password_option(w->text, w->len) &&
             c->expect == EXPECT_NOTHING)
        c->expect = EXPECT_LOGIN_VALUE;
}

static bool is_number(const struct shell_text *w)
{
    for (size_t i = 0; i < w->len; i++)
        if (w->text[i] < '0' || w->text[i] > '9')
            return false;
    return true;
}

/* The login password noted by login_option, if a user was given. */
static void note_login_value(struct command *c, const struct scan *sc,
                             const struct shell_text *w)
{
    if (!redact_is_port_like(w->text, w->len) && c->login_values < 2)
        c->login_value[c->login_values++] = scan_range_of(sc, w);
}

/* --Name or -name: a name.  One dash and a capital further on is a
 * one-letter option with its value attached (-pS3cretPw), not a name. */
static bool option_name_like(const struct shell_text *w)
{
    if (w->text[1] == '-')
        return true;
    for (size_t i = 2; i < w->len; i++)
        if (w->text[i] >= 'A' && w->text[i] <= 'Z')
            return false;
    return true;
}

static bool logins_here(struct command *c)
{
    if (c->login_meaning == LOGIN_UNKNOWN)
        c->login_meaning = redact_not_a_login(c->program, c->program_length)
                               ? LOGIN_NO : LOGIN_YES;
    return c->login_meaning == LOGIN_YES;
}

static void args_word(struct scan *sc, struct command *c,
                      const struct shell_text *w)
{
    bool is_option = !c->options_done && w->len > 1 && w->text[0] == '-';
    bool ruled = false;
    uint16_t rule;

    if (is_option && word_is(w, "--", 2)) {
        c->options_done = true;
        if (redact_runs_after_dashes(c->program, c->program_length))
            c->phase = PHASE_PROGRAM;
        return;
    }
    if (is_option)
        note_qualifiers(sc, c, w);
    for (uint16_t k = 0; k < c->entries; k++) {
        uint16_t index = sc->r->entry[c->first_entry + k].rule;

        if (qualified(sc, c, k) &&
            option_rule(sc, c, index, w, is_option) != NO_MATCH)
            ruled = true;
    }
    for (uint16_t i = 0; sc->generic_options && i < sc->r->generic; i++)
        if (option_rule(sc, c, i, w, is_option) != NO_MATCH)
            ruled = true;
    /* --token VALUE: a secret-named option that takes a value (not
     * -pSECRET, whose name a rule already read). */
    if (is_option && !ruled && c->expect == EXPECT_NOTHING &&
        memchr(w->text, '=', w->len) == NULL && w->len > 2 &&
        option_name_like(w) &&
        (rule = scan_name_rule(sc, w->text, w->len)) != NO_RULE) {
        c->expect = EXPECT_SECRET;
        c->expect_rule = rule;
    }
    if (is_option && !ruled && sc->names_rule != NO_RULE &&
        c->phase == PHASE_ARGS && logins_here(c))
        login_option(c, w);
    if (!is_option && c->expect == EXPECT_NOTHING)
        operand(sc, c, w);
}

static void wrapper_operand(struct scan *sc, struct command *c,
                            const struct shell_text *w)
{
    const struct wrapper *wr = c->wrapper;
    bool blanks = false;

    if (c->operands_left > 0) {
        c->operands_left--;
        return;
    }
    switch (wr->rest) {
    case REST_USER:
        if (!c->user_option && !c->user_seen) {
            c->user_seen = true;
            return;
        }
        program_word(sc, c, w);
        return;
    case REST_SCRIPT:
        if (c->shell_command)
            sc->read_string(sc, w);
        c->phase = PHASE_ARGS;
        c->entries = 0;
        return;
    case REST_REMOTE:
        for (size_t i = 0; i < w->len && !blanks; i++)
            blanks = w->text[i] == ' ' || w->text[i] == ';' ||
                     w->text[i] == '|' || w->text[i] == '&' ||
                     w->text[i] == '\n';
        if (blanks) {
            sc->read_string(sc, w);
            c->phase = PHASE_ARGS;
            c->entries = 0;
            return;
        }
        break;
    default:
        break;
    }
    program_word(sc, c, w);
}

static void wrapper_word(struct scan *sc, struct command *c,
                         const struct shell_text *w)
{
    bool command;
    size_t attached;

    /* su - USER: a lone dash is su's option for a login shell. */
    if (word_is(w, "-", 1) && c->wrapper->rest == REST_USER)
        return;
    if (c->options_done || w->len < 2 || w->text[0] != '-') {
        wrapper_operand(sc, c, w);
        return;
    }
    if (word_is(w, "--", 2)) {
        c->options_done = true;
        return;
    }
    args_word(sc, c, w);        /* the wrapper's own rules: sshpass -p */
    c->options_done = false;
    if (c->wrapper->rest == REST_SCRIPT && w->text[1] != '-' &&
        memchr(w->text, 'c', w->len) != NULL)
        c->shell_command = true;
    if (c->wrapper->rest == REST_USER &&
        (word_is(w, "-u", 2) || word_is(w, "--user", 6))) {
        c->user_option = true;
        c->expect = EXPECT_OPTION_VALUE;
        return;
    }
    if (wrapper_option_takes_value(c->wrapper, w->text, w->len, &command,
                                   &attached) && c->expect == EXPECT_NOTHING)
        c->expect = command ? EXPECT_COMMAND : EXPECT_OPTION_VALUE;
    if (attached != 0 && command) {
        struct shell_text rest = { w->text + attached, w->len - attached,
                                   shell_origin(w, attached),
                                   w->origin != NULL ? w->origin + attached
                                                     : NULL };

        sc->read_string(sc, &rest);
    }
}

/* An option, not a value: --name, -x, -name.  A password may begin
 * with a dash, but seldom with a dash and a letter. */
static bool looks_like_option(const struct shell_text *w)
{
    return w->text[0] == '-' && w->len > 1 &&
           (w->text[1] == '-' || (w->text[1] >= 'a' && w->text[1] <= 'z') ||
            (w->text[1] >= 'A' && w->text[1] <= 'Z'));
}

void command_word(struct scan *sc, struct command *c,
                  const struct shell_text *w, unsigned word_class,
                  bool redirection)
{
    uint8_t expect = c->expect;

    /* An empty word is still a word: '' after -N is the value. */
    if (w->len == 0) {
        c->expect = EXPECT_NOTHING;
        return;
    }
    /* Most words: an operand of a program without rules, that no finder
     * could find anything in.  This runs for every argument of every
     * exec. */
    if (expect == EXPECT_NOTHING && c->phase == PHASE_ARGS &&
        c->entries == 0 && !c->echo && !redirection &&
        !(word_class & (WORD_DASH_FIRST | WORD_FINDERS))) {
        c->operands++;
        return;
    }
    sc->word_class = word_class;
    sc->was_string = false;
    c->expect = redirection ? expect : EXPECT_NOTHING;
    if (redirection || expect == EXPECT_OPTION_VALUE)
        ;
    else if (expect == EXPECT_COMMAND)
        sc->read_string(sc, w);
    else if (expect == EXPECT_KEYWORD_VALUE && is_number(w) && w->len <= 2)
        /* password ID VALUE (ipmitool user set, wpa_cli): an index */
        c->expect = EXPECT_SECRET;
    else if ((expect == EXPECT_SECRET || expect == EXPECT_KEYWORD_VALUE) &&
             !looks_like_option(w))
        mask_value(sc, c->expect_rule, w, 0);
    else if (expect == EXPECT_LOGIN_VALUE && !looks_like_option(w))
        note_login_value(c, sc, w);
    else if (c->phase == PHASE_PROGRAM)
        program_word(sc, c, w);
    else if (c->phase == PHASE_WRAPPER)
        wrapper_word(sc, c, w);
    else
        args_word(sc, c, w);
    /* A command string was read word by word: read whole, a header's
     * value would run on to the end of its line. */
    if (!sc->was_string && !c->keep && (word_class & WORD_FINDERS))
        scan_find_anywhere(sc, c->first_entry, c->entries, w, word_class);
    c->keep = false;
}

/* Masks a range noted earlier (the last operand, piped echo words). */
static void mask_noted(struct scan *sc, const struct redact_mask *m,
                       uint16_t rule)
{
    uint32_t arg = sc->arg;

    sc->arg = m->arg;
    scan_add_mask(sc, m->start, m->end, rule);
    sc->arg = arg;
}

/* The rules that need the whole command: the last operand, and what was
 * piped in.  Also run when a wrapper hands over to its program, whose
 * rules replace the wrapper's (echo x | sudo -S cmd). */
static void command_rules(struct scan *sc, const struct command *c)
{
    for (uint8_t i = 0; c->login_user && i < c->login_values; i++)
        mask_noted(sc, &c->login_value[i], sc->names_rule);
    for (uint16_t k = 0; k < c->entries; k++) {
        const struct redact_entry *e = &sc->r->entry[c->first_entry + k];
        const struct redact_rule *rule = &sc->r->rules[e->rule];

        if (!qualified(sc, c, k))
            continue;
        bool after_sub = e->qualifier_length > 0 &&
                         sc->r->text[e->qualifier] != '-';

        if (rule->kind == KIND_POSITIONAL && rule->position == 0 &&
            c->has_last && c->operands > after_sub)
            mask_noted(sc, &c->last, e->rule);
        else if (rule->kind == KIND_PAIR && c->secret_key != 0 &&
                 c->operands == c->secret_key && c->has_last)
            mask_noted(sc, &c->last, e->rule);
        else if (rule->kind == KIND_STDIN && c->piped_in)
            mask_noted(sc, &c->piped, e->rule);
    }
}

void command_end(struct scan *sc, struct command *c,
                        enum shell_end how)
{
    struct redact_mask echo = c->echo_words;
    bool pipe = how == SHELL_END_PIPE && c->has_echo;

    command_rules(sc, c);
    memset(c, 0, sizeof(*c));
    c->piped = echo;
    c->piped_in = pipe;
}

