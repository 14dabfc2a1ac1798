#include "config.h"

#include <string.h>

#include "redact-words.h"
#include "wordlist.h"

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool is_name_char(char c)
{
    return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* Whether s[0..n) spelled in any case is word. */
static bool same_word(const char *s, size_t n, const char *word)
{
    size_t i = 0;

    for (; i < n && word[i] != '\0'; i++)
        if (lower(s[i]) != word[i])
            return false;
    return i == n && word[i] == '\0';
}

static bool ends_with_word(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);

    return n >= k && same_word(s + n - k, k, word);
}

static bool in_list(const char *s, size_t n, const char *list)
{
    FOR_EACH_WORD(word, list)
        if (same_word(s, n, word))
            return true;
    return false;
}

/* Segments that say the value is a secret, also at the end of a longer
 * segment (dbpassword, authtoken, clientsecret). */
static const char secret_suffixes[] =
    "password\0passwd\0passphrase\0secret\0token\0apikey\0accesskey\0"
    "secretkey\0privatekey\0authkey\0masterkey\0signingkey\0licensekey\0"
    "credential\0credentials\0authorization\0passwort\0masterauth\0pass\0"
    "auth\0";

/* Words that end like a secret and are none. */
static const char not_secret[] =
    "bypass\0compass\0surpass\0overpass\0underpass\0encompass\0trespass\0"
    "nopass\0askpass\0oauth\0preauth\0noauth\0unauth\0";

/* Segments that say so only whole: "pw" ends many words. */
static const char secret_words[] =
    "pwd\0pw\0psk\0sas\0otp\0";

/* KEY is a secret after these: api_key, access-key, privateKey... */
static const char key_owners[] =
    "api\0access\0private\0secret\0client\0auth\0master\0encryption\0"
    "signing\0storage\0account\0shared\0session\0app\0application\0"
    "consumer\0service\0subscription\0deploy\0license\0integration\0"
    "webhook\0certificate\0cert\0enc\0encrypt\0hmac\0jwt\0sign\0signing\0"
    "aes\0";

/* After the secret segment only these may follow (secret_key_base,
 * password_new); anything else (password-file, token-ttl, secret-id)
 * names something else about the secret. */
static const char trailing_words[] =
    "key\0value\0base\0string\0str\0text\0literal\0plain\0data\0hex\0b64\0"
    "base64\0raw\0new\0old\01\02\0";

/* A first segment that makes the name a switch: --no-password,
 * --ask-pass, --use-token, --prompt-password. */
static const char switch_words[] =
    "no\0with\0without\0skip\0disable\0enable\0use\0require\0ignore\0show\0"
    "print\0ask\0prompt\0allow\0generate\0random\0reset\0store\0save\0"
    "remember\0forget\0check\0verify\0expire\0change\0update\0set\0get\0"
    "list\0read\0write\0delete\0create\0rotate\0revoke\0renew\0";

#define MAX_SEGMENTS 12

struct segment {
    const char *s;
    size_t n;
};

/* Splits at '-', '_', '.' and lower-to-upper case changes. */
static size_t split_name(const char *name, size_t len, struct segment *seg)
{
    size_t count = 0, start = 0;

    for (size_t i = 0; i <= len && count < MAX_SEGMENTS; i++) {
        bool cut = i == len || name[i] == '-' || name[i] == '_' ||
                   name[i] == '.';
        bool camel = !cut && i > start && name[i] >= 'A' && name[i] <= 'Z' &&
                     name[i - 1] >= 'a' && name[i - 1] <= 'z';

        if (cut || camel) {
            if (i > start)
                seg[count++] = (struct segment){ name + start, i - start };
            start = cut ? i + 1 : i;
        }
    }
    return count;
}

static bool segment_is_secret(const struct segment *seg, size_t i)
{
    const struct segment *s = &seg[i];

    if (in_list(s->s, s->n, not_secret))
        return false;
    FOR_EACH_WORD(suffix, secret_suffixes)
        if (ends_with_word(s->s, s->n, suffix))
            return true;
    if (in_list(s->s, s->n, secret_words))
        return true;
    return same_word(s->s, s->n, "key") && i > 0 &&
           in_list(seg[i - 1].s, seg[i - 1].n, key_owners);
}

/* Segments before the secret one that make the name a reference to a
 * secret kept elsewhere: existingSecret, secret_ref... */
static const char reference_words[] =
    "existing\0external\0from\0ref\0source\0allow\0empty\0random\0require\0"
    "required\0skip\0use\0no\0";

bool redact_secret_name(const char *name, size_t len)
{
    struct segment seg[MAX_SEGMENTS];
    size_t count, last_secret = MAX_SEGMENTS;

    while (len > 0 && (name[0] == '-' || name[0] == '+')) {
        name++;
        len--;
    }
    count = split_name(name, len, seg);
    if (count == 0 || in_list(seg[0].s, seg[0].n, switch_words))
        return false;
    /* PWD and OLDPWD are the working directory. */
    if (count == 1 && (same_word(seg[0].s, seg[0].n, "pwd") ||
                       same_word(seg[0].s, seg[0].n, "pw")))
        return false;
    for (size_t i = 0; i < count; i++)
        if (segment_is_secret(seg, i))
            last_secret = i;
    if (last_secret == MAX_SEGMENTS)
        return false;
    for (size_t i = 0; i < last_secret; i++)
        if (in_list(seg[i].s, seg[i].n, reference_words))
            return false;
    for (size_t i = last_secret + 1; i < count; i++)
        if (!in_list(seg[i].s, seg[i].n, trailing_words) ||
            /* secret_key is one, password_key names where one is kept */
            (same_word(seg[i].s, seg[i].n, "key") &&
             !in_list(seg[i - 1].s, seg[i - 1].n, key_owners)))
            return false;
    return true;
}

/* A value that names a file holding the secret, not the secret. */
static bool is_file_name(const char *v, size_t len)
{
    static const char extensions[] =
        ".pem\0.key\0.crt\0.cer\0.p12\0.pfx\0.jks\0.txt\0.json\0.yaml\0.yml\0"
        ".conf\0.cfg\0.ini\0.env\0.gpg\0.asc\0.der\0.pub\0.keystore\0"
        ".properties\0.npmrc\0.netrc\0";

    FOR_EACH_WORD(extension, extensions)
        if (ends_with_word(v, len, extension))
            return true;
    return false;
}

bool redact_value_is_reference(const char *v, size_t len)
{
    if (len == 0)
        return true;
    if (v[0] == '$' || v[0] == '/' || v[0] == '~' || v[0] == '<' ||
        (v[0] == '-' && len == 1))
        return true;
    if (v[0] == '.' && len > 1 && (v[1] == '/' || v[1] == '.'))
        return true;
    /* Switches: MYSQL_ALLOW_EMPTY_PASSWORD=yes, env_auth=true. */
    static const char switch_values[] =
        "yes\0no\0true\0false\0on\0off\00\01\0none\0stdin\0prompt\0";

    return (len >= 5 && memcmp(v, "file:", 5) == 0) ||
           (len >= 4 && memcmp(v, "env:", 4) == 0) ||
           in_list(v, len, switch_values) || is_file_name(v, len);
}

/* Where the value starting at s ends: at a separator followed by the
 * next NAME=, so that "a=1,password=x,uid=0" hides x alone but a
 * password holding a comma is hidden whole. */
static size_t value_end(const char *w, size_t s, size_t len)
{
    for (size_t j = s; j < len; j++) {
        size_t k = j + 1;

        if (w[j] == '&' || w[j] == '\n')
            return j;
        if (w[j] != ',' && w[j] != ';' && w[j] != ' ' && w[j] != '\t')
            continue;
        while (k < len && is_name_char(w[k]))
            k++;
        if (k > j + 1 && k < len && w[k] == '=')
            return j;
    }
    return len;
}

static void report(const struct redact_finder *f, const char *w, size_t s,
                   size_t e)
{
    if (e > s && !redact_value_is_reference(w + s, e - s))
        f->found(f->ctx, s, e);
}

void redact_find_assignments(const char *w, size_t len,
                             const struct redact_finder *f)
{
    size_t from = 0;
    const char *eq;

    while ((eq = memchr(w + from, '=', len - from)) != NULL) {
        size_t i = (size_t)(eq - w), start = i;

        while (start > from && is_name_char(w[start - 1]))
            start--;
        /* -Dname=value (java), -Jname=value (jmeter), -Pname=value
         * (gradle): the name is what follows the letter. */
        if (i - start > 2 && w[start] == '-' && w[start + 1] >= 'A' &&
            w[start + 1] <= 'Z')
            start += 2;
        if (start < i && f->is_secret(f->ctx, w + start, i - start)) {
            size_t end = value_end(w, i + 1, len);

            report(f, w, i + 1, end);
        }
        from = i + 1;
    }
}

static bool is_name_start(char before)
{
    return before == ' ' || before == '\t' || before == '\n' ||
           before == '{' || before == ',' || before == ';' || before == '(' ||
           before == '=';
}

static const char auth_headers[] =
    "authorization\0proxy-authorization\0cookie\0set-cookie\0";

/* The end of an unquoted value: a header's runs to the end of the line,
 * a member's to the next delimiter. */
static size_t member_end(const char *w, size_t s, size_t len, bool header)
{
    size_t j = s;

    while (j < len && w[j] != '\n' && w[j] != '\r' &&
           (header || (w[j] != ',' && w[j] != '}' && w[j] != ' ' &&
                       w[j] != ';' && w[j] != '&')))
        j++;
    return j;
}

/* X-JFrog-Art-Api, X-Auth-Key, X-Signature: a vendor's auth header. */
static bool custom_auth_header(const char *name, size_t len)
{
    static const char last_words[] =
        "api\0key\0token\0auth\0secret\0signature\0password\0session\0";
    struct segment seg[MAX_SEGMENTS];
    size_t count = split_name(name, len, seg);

    return count > 1 && same_word(seg[0].s, seg[0].n, "x") &&
           in_list(seg[count - 1].s, seg[count - 1].n, last_words);
}

void redact_find_headers(const char *w, size_t len,
                         const struct redact_finder *f)
{
    size_t from = 0;
    const char *colon;

    while ((colon = memchr(w + from, ':', len - from)) != NULL) {
        size_t i = (size_t)(colon - w), start, name_end = i, s = i + 1;
        bool quoted = name_end > from && w[name_end - 1] == '"', header;

        from = i + 1;
        if (quoted)
            name_end--;
        start = name_end;
        while (start > 0 && is_name_char(w[start - 1]))
            start--;
        /* A name begins the word, a line or a member: in -storepass:env
         * or a URL it is something else. */
        if (start == name_end || (quoted && (start == 0 ||
                                             w[start - 1] != '"')) ||
            w[start] == '-' ||
            (start > quoted && !is_name_start(w[start - 1 - quoted])))
            continue;
        header = in_list(w + start, name_end - start, auth_headers) ||
                 custom_auth_header(w + start, name_end - start);
        if (!header && !redact_secret_name(w + start, name_end - start) &&
            !same_word(w + start, name_end - start, "pwd"))
            continue;
        while (s < len && (w[s] == ' ' || w[s] == '\t'))
            s++;
        if (s < len && w[s] == '"') {
            const char *close = memchr(w + s + 1, '"', len - s - 1);

            report(f, w, s + 1, close != NULL ? (size_t)(close - w) : len);
        } else {
            report(f, w, s, member_end(w, s, len, header));
        }
    }
}

/* Whether word, in any case, is in w[from..to). */
static bool has_word(const char *w, size_t from, size_t to, const char *word)
{
    size_t n = strlen(word);

    for (size_t i = from; i + n <= to; i++)
        if (same_word(w + i, n, word))
            return true;
    return false;
}

static size_t skip_blanks(const char *w, size_t i, size_t len)
{
    while (i < len && (w[i] == ' ' || w[i] == '\t' || w[i] == '\n'))
        i++;
    return i;
}

/* The literal at i: 'quoted', "quoted", or (bare) a token. */
static void sql_literal(const char *w, size_t i, size_t len, bool bare,
                        const struct redact_finder *f)
{
    size_t e = i;

    if (i < len && (w[i] == '\'' || w[i] == '"')) {
        const char *close = memchr(w + i + 1, w[i], len - i - 1);

        report(f, w, i + 1, close != NULL ? (size_t)(close - w) : len);
        return;
    }
    while (bare && e < len && w[e] != ' ' && w[e] != ';' && w[e] != '\n' &&
           w[e] != ')')
        e++;
    report(f, w, i, e);
}

/* IDENTIFIED [WITH plugin] BY 'x' (also Oracle's bare BY x), PASSWORD
 * 'x', PASSWORD('x') and SET PASSWORD [FOR user] = 'x'. */
void redact_find_sql(const char *w, size_t len, const struct redact_finder *f)
{
    for (size_t i = 0; i + 2 <= len; i++) {
        bool by, start = i == 0 || !is_alnum(w[i - 1]);
        size_t j;

        /* Only BY and PASSWORD start anything here. */
        if (!start || (lower(w[i]) != 'b' && lower(w[i]) != 'p'))
            continue;
        by = i + 2 < len && same_word(w + i, 2, "by") && !is_alnum(w[i + 2]);
        if (by && has_word(w, i > 80 ? i - 80 : 0, i, "identified")) {
            sql_literal(w, skip_blanks(w, i + 2, len), len, true, f);
        } else if (i + 8 < len && same_word(w + i, 8, "password") &&
                   !is_alnum(w[i + 8]) && w[i + 8] != '_' &&
                   (i == 0 || w[i - 1] != '"')) {
            j = skip_blanks(w, i + 8, len);
            if (j + 3 < len && same_word(w + j, 3, "for")) {
                const char *eq = memchr(w + j, '=', len - j);

                if (eq == NULL)
                    continue;
                j = (size_t)(eq - w);
            }
            while (j < len && (w[j] == '=' || w[j] == '(' || w[j] == ' '))
                j++;
            if (j < len && (w[j] == '\'' || w[j] == '"'))
                sql_literal(w, j, len, false, f);
        }
    }
}

/* A user name alone is no secret; a token alone is: long, with digits,
 * or one of the known token prefixes. */
static bool looks_like_token(const char *s, size_t n)
{
    static const char prefixes[] =
        "ghp_\0gho_\0ghs_\0ghu_\0github_pat_\0glpat-\0xox\0sk-\0pat-\0hf_\0";
    size_t digits = 0;

    FOR_EACH_WORD(prefix, prefixes) {
        size_t k = strlen(prefix);

        if (n > k && memcmp(s, prefix, k) == 0)
            return true;
    }
    for (size_t i = 0; i < n; i++)
        digits += s[i] >= '0' && s[i] <= '9';
    return n >= 16 && digits > 0;
}

void redact_find_urls(const char *w, size_t len, const struct redact_finder *f)
{
    size_t from = 0;
    const char *p;

    /* From the authority on, not past it: its end may be the ':' of the
     * next "://". */
    while ((p = memchr(w + from, ':', len - from)) != NULL) {
        size_t i = (size_t)(p - w), a = i + 3, q, at = 0, colon = 0;

        from = i + 1;
        if (i + 3 > len || w[i + 1] != '/' || w[i + 2] != '/')
            continue;
        /* RFC 3986: the authority ends at '/', '?' or '#'; within it the
         * last '@' ends the userinfo, since people do type unescaped '@'
         * in passwords. */
        for (q = a; q < len && w[q] != '/' && w[q] != '?' && w[q] != '#' &&
                    w[q] != ' ' && w[q] != '\n' && w[q] != '"' &&
                    w[q] != '\''; q++) {
            if (w[q] == '@')
                at = q;
            else if (w[q] == ':' && colon == 0)
                colon = q;
        }
        from = a;
        if (at == 0)
            continue;
        if (colon != 0 && colon < at)
            f->found(f->ctx, colon + 1, at);
        else if (looks_like_token(w + a, at - a))
            f->found(f->ctx, a, at);
    }
}

/* user:password@host without a scheme (impacket, mysqlsh, git remotes
 * written short): the host a name or an address, not an image digest. */
void redact_find_bare_userinfo(const char *w, size_t len,
                               const struct redact_finder *f)
{
    const char *colon = memchr(w, ':', len), *at;
    size_t a, h;

    if (colon == NULL || colon == w)
        return;
    for (const char *p = w; p < colon; p++)
        if (!is_name_char(*p) && *p != '/' && *p != '\\')
            return;
    at = memchr(colon, '@', len - (size_t)(colon - w));
    if (at == NULL || at == colon + 1)
        return;
    a = (size_t)(at - w);
    for (const char *p = colon; p < at; p++)
        if (*p == ' ' || *p == '/')
            return;
    for (h = a + 1; h < len && (is_alnum(w[h]) || w[h] == '.' || w[h] == '-');
         h++)
        ;
    if (h == a + 1 || (h < len && w[h] != ':' && w[h] != '/') ||
        (len - a > 7 && same_word(w + a + 1, 6, "sha256")))
        return;
    f->found(f->ctx, (size_t)(colon - w) + 1, a);
}

void redact_find_slash_option(const char *w, size_t len,
                              const struct redact_finder *f)
{
    static const char short_names[] =
        "p\0pw\0sp\0tp\0";
    const char *colon = memchr(w, ':', len);

    if (w[0] != '/' || colon == NULL)
        return;
    /* The short forms stand for "password". */
    if (f->is_secret(f->ctx, w + 1, (size_t)(colon - w) - 1) ||
        (in_list(w + 1, (size_t)(colon - w) - 1, short_names) &&
         f->is_secret(f->ctx, "password", 8)))
        report(f, w, (size_t)(colon - w) + 1, len);
}

#define PROGRAM_NAME_SIZE 24

/* Whether name is in a sorted table of program names: looked up for
 * every command, so searched by bisection. */
static bool program_listed(const char (*programs)[PROGRAM_NAME_SIZE],
                           size_t count, const char *name, size_t len)
{
    return sorted_find(programs, PROGRAM_NAME_SIZE, count, PROGRAM_NAME_SIZE,
                       name, len) >= 0;
}

/* Programs that run the command after their "--": kubectl exec POD --
 * mysql -p... */
bool redact_runs_after_dashes(const char *name, size_t len)
{
    static const char programs[][PROGRAM_NAME_SIZE] = {
        "bwrap", "crictl", "distrobox", "firejail", "flatpak-spawn", "incus",
        "k3s", "kubectl", "lxc", "microk8s.kubectl", "minikube", "nsenter",
        "oc", "systemd-nspawn", "toolbox",
    };

    return program_listed(programs, sizeof(programs) / sizeof(programs[0]),
                          name, len);
}

/* How many values follow a config key that names a credential: 1 for
 * npmAuthToken or pypi-token.pypi, 2 (user, password) for poetry's and
 * composer's http-basic.HOST; 0 for other keys. */
unsigned redact_credential_values(const char *text, size_t len)
{
    static const char token_keys[] =
        "pypi-token\0github-oauth\0gitlab-oauth\0gitlab-token\0"
        "bitbucket-oauth\0bearer\0";
    const char *dot = memchr(text, '.', len);
    size_t prefix = dot != NULL ? (size_t)(dot - text) : len;

    if (prefix == 10 && memcmp(text, "http-basic", 10) == 0)
        return 2;
    FOR_EACH_WORD(key, token_keys)
        if (prefix == strlen(key) &&
            memcmp(text, key, prefix) == 0)
            return 1;
    return redact_secret_name(text, len) ? 1 : 0;
}

bool redact_not_a_login(const char *name, size_t len)
{
    static const char programs[][PROGRAM_NAME_SIZE] = {
        "atop", "crontab", "docker", "fuser", "gdb", "htop", "iotop",
        "journalctl", "kill", "killall", "loginctl", "lsof", "ltrace",
        "nerdctl", "netstat", "nsenter", "perf", "pgrep", "pidstat", "pkill",
        "pmap", "podman", "prlimit", "ps", "renice", "setpriv", "ss",
        "strace", "systemctl", "top",
    };

    return program_listed(programs, sizeof(programs) / sizeof(programs[0]),
                          name, len);
}

bool redact_is_user_option(const char *w, size_t len)
{
    static const char users[] =
        "-u\0-U\0--user\0--username\0-l\0--login\0-D\0--login-user\0"
        "--user-name\0--bind-dn\0";

    FOR_EACH_WORD(user, users) {
        size_t n = strlen(user);

        if (len >= n && memcmp(w, user, n) == 0 &&
            (len == n || (user[1] == '-' && w[n] == '=')))
            return true;
    }
    return false;
}

bool redact_is_password_option(const char *w, size_t len)
{
    FOR_EACH_WORD(option, "-p\0-P\0-w\0-pw\0-pass\0-passwd\0")
        if (strlen(option) == len && memcmp(w, option, len) == 0)
            return true;
    return false;
}

bool redact_is_port_like(const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((w[i] < '0' || w[i] > '9') && w[i] != ':' && w[i] != '.' &&
            w[i] != '/' && w[i] != '-' && w[i] != ',')
            return false;
    return true;
}
