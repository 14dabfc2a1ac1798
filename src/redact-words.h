/* What, inside one word, looks like a secret whatever the program: values
 * of secret-named assignments and options, HTTP auth headers, cookies,
 * JSON members, SQL password literals and URL userinfo.  Used by the
 * scan of redact.c on every word it reads, and by %{env:NAME}. */
#ifndef EXECLOG_REDACT_WORDS_H
#define EXECLOG_REDACT_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a variable or option name says it holds a secret, by the
 * built-in vocabulary: PGPASSWORD, MYSQL_PWD, api_key, keyStorePassword,
 * client-secret... but not password-file, secret-id or PWD. */
bool redact_secret_name(const char *name, size_t len);

/* Whether a value is a reference to a secret rather than the secret: a
 * file path, a variable, stdin. */
bool redact_value_is_reference(const char *value, size_t len);

/* Decides whether a name found in a word is secret; ctx is the caller's. */
typedef bool redact_name_test(void *ctx, const char *name, size_t len);
/* Receives a secret's range [start, end) in the word. */
typedef void redact_found(void *ctx, size_t start, size_t end);

struct redact_finder {
    redact_name_test *is_secret;
    redact_found *found;
    void *ctx;
};

/* NAME=VALUE pairs anywhere in the word: an assignment, --name=value,
 * -Dname=value, option lists (a=1,password=x), form data, query strings,
 * connection strings. */
void redact_find_assignments(const char *w, size_t len,
                             const struct redact_finder *f);

/* NAME: VALUE and "NAME":"VALUE": HTTP headers (Authorization, Cookie,
 * X-Api-Key ...) and JSON or YAML members. */
void redact_find_headers(const char *w, size_t len,
                         const struct redact_finder *f);

/* IDENTIFIED BY 'x' and PASSWORD 'x' of SQL statements. */
void redact_find_sql(const char *w, size_t len, const struct redact_finder *f);

/* user:SECRET@host without a scheme. */
void redact_find_bare_userinfo(const char *w, size_t len,
                               const struct redact_finder *f);

/* /p:SECRET, /password:SECRET: Windows-style options. */
void redact_find_slash_option(const char *w, size_t len,
                              const struct redact_finder *f);

/* scheme://user:SECRET@host and scheme://TOKEN@host. */
void redact_find_urls(const char *w, size_t len, const struct redact_finder *f);

/* Programs that run the command after their "--" (kubectl exec POD --
 * CMD, nsenter ... -- CMD). */
bool redact_runs_after_dashes(const char *name, size_t len);

/* Programs whose -u and -p are no user and password: a unit and a
 * priority (journalctl), a user and a port mapping (docker run), a user
 * and a PID (ps, top, lsof ...). */
bool redact_not_a_login(const char *name, size_t len);

/* -u, --user=NAME, -D ...: an option that gives a user. */
bool redact_is_user_option(const char *w, size_t len);

/* -p, -P, -w, -pw, -pass, -passwd: with a user given, a password's. */
bool redact_is_password_option(const char *w, size_t len);

/* A port, a port mapping or a PID (8080, 8080:80/tcp, 1000-1010): no
 * password. */
bool redact_is_port_like(const char *w, size_t len);

/* How many values follow a config key that names a credential (1:
 * npmAuthToken; 2, user and password: http-basic.HOST), 0 for others. */
unsigned redact_credential_values(const char *text, size_t len);

#endif
