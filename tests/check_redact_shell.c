/* What the scan reads besides plain options: command strings given to
 * a shell (sh -c, su -c, ssh, watch ...), the programs wrappers run
 * (sudo, env, timeout ...), the vocabulary of secret names, and the
 * words that look like secrets and are none.  Each case gives the line
 * as logged and the exact masks, as "ARG:START-END": the bytes of the
 * argument as it was passed, escapes and quotes included. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_core.h"
#include "redact.h"
#include "redact-words.h"

#define ROWS(table) ((int)(sizeof(table) / sizeof(table[0])))

struct logged_case {
    char *argv[16];
    const char *logged;
    const char *masks;
};

static void check_logged(const struct logged_case *c)
{
    const char *got = redact_test_render("defaults", (char **)c->argv, 4096);

    ck_assert_msg(strcmp(got, c->logged) == 0, "%s logged as\n  %s\nnot\n  %s",
                  c->argv[0], got, c->logged);
    ck_assert_msg(strcmp(redact_test_masks(), c->masks) == 0,
                  "%s: masks %s, not %s", c->logged, redact_test_masks(),
                  c->masks);
}

/* Command strings, read as the shell would split them. */
static const struct logged_case shell_cases[] = {
    { { "sh", "-c", "mysql -pX db" },
      "sh -c 'mysql -p*** db'",
      "2:8-9" },
    { { "bash", "-lc", "mysql -pX" },
      "bash -lc 'mysql -p***'",
      "2:8-9" },
    { { "su", "-c", "mysql -pX" },
      "su -c 'mysql -p***'",
      "2:8-9" },
    { { "su", "-", "user", "-c", "mysql -pX" },
      "su - user -c 'mysql -p***'",
      "4:8-9" },
    { { "runuser", "-l", "u", "-c", "mysql -pX" },
      "runuser -l u -c 'mysql -p***'",
      "4:8-9" },
    { { "ssh", "host", "mysql -pX db" },
      "ssh host 'mysql -p*** db'",
      "2:8-9" },
    { { "ssh", "-p", "22", "host", "mysql", "-pX" },
      "ssh -p 22 host mysql '-p***'",
      "5:2-3" },
    { { "env", "-S", "mysql -pX" },
      "env -S 'mysql -p***'",
      "2:8-9" },
    { { "flock", "/tmp/l", "-c", "mysql -pX" },
      "flock /tmp/l -c 'mysql -p***'",
      "3:8-9" },
    { { "watch", "mysql -pX; date" },
      "watch 'mysql -p***; date'",
      "1:8-9" },
    { { "bash", "-c", "su -c 'mysql -pX'" },
      "bash -c $'su -c \\'mysql -p***\\''",
      "2:15-16" },
    { { "sh", "-c", "echo $(mysql -pX) `mysql -pY`" },
      "sh -c 'echo $(mysql -p***) `mysql -p***`'",
      "2:15-16 2:27-28" },
    { { "sh", "-c", "a | mysql -pX && b || mysql -pY; mysql -pZ" },
      "sh -c 'a | mysql -p*** && b || mysql -p***; mysql -p***'",
      "2:12-13 2:30-31 2:41-42" },
    { { "sh", "-c", "mysql -pX 2>&1 > out" },
      "sh -c 'mysql -p*** 2>&1 > out'",
      "2:8-9" },
    { { "sh", "-c", "MYSQL_PWD=x mysql" },
      "sh -c 'MYSQL_PWD=*** mysql'",
      "2:10-11" },
    { { "sh", "-c", "export PGPASSWORD=pw" },
      "sh -c 'export PGPASSWORD=***'",
      "2:18-20" },
    { { "sh", "-c", "mysql -p'a b' \"-pc\\\"d\" -pe\\ f" },
      "sh -c $'mysql -p\\'***\\' \"-p***\" -p***'",
      "2:9-12 2:17-21 2:25-29" },
    { { "sh", "-c", "echo 'user:pw' | chpasswd" },
      "sh -c $'echo \\'***\\' | chpasswd'",
      "2:6-13" },
    { { "sh", "-c", "echo pw | sudo -S id" },
      "sh -c 'echo *** | sudo -S id'",
      "2:5-7" },
    { { "sh", "-c", "printf '%s\\n' \"$X\" | docker login --password-stdin" },
      "sh -c $'printf \\'%s\\\\n\\' \"$X\" | docker login --password-stdin'",
      "" },
    { { "sh", "-c", "echo hunter2 | docker login -u me --password-stdin" },
      "sh -c 'echo *** | docker login -u me --password-stdin'",
      "2:5-12" },
    { { "sh", "-c", "curl -H 'Authorization: Bearer abc' https://x" },
      "sh -c $'curl -H \\'Authorization: ***\\' https://x'",
      "2:24-34" },
    /* Quotes and escapes: the mask covers the secret's bytes as
     * written, the quotes around it shown. */
    { { "sh", "-c", "mysql -p'it'\\''s' db" },
      "sh -c $'mysql -p\\'***\\' db'",
      "2:9-16" },
    { { "sh", "-c", "cd /x && PGPASSWORD=pw psql" },
      "sh -c 'cd /x && PGPASSWORD=*** psql'",
      "2:20-22" },
    { { "sh", "-c", "mysql --password=\"a b\" db" },
      "sh -c 'mysql --password=\"***\" db'",
      "2:18-21" },
    { { "sh", "-c", "x=$(echo pw | sudo -S id)" },
      "sh -c 'x=$(echo *** | sudo -S id)'",
      "2:9-11" },
    { { "sh", "-c", "if true; then mysql -pX; fi" },
      "sh -c 'if true; then mysql -p***; fi'",
      "2:22-23" },
    { { "sh", "-c", "mysql -pX\nmysql -pY" },
      "sh -c $'mysql -p***\\nmysql -p***'",
      "2:8-9 2:18-19" },
    { { "su", "-c", "mysql -pX", "user" },
      "su -c 'mysql -p***' user",
      "2:8-9" },
    { { "env", "--split-string=mysql -pX" },
      "env '--split-string=mysql -p***'",
      "1:23-24" },
    /* A value read from a command is no secret written down, and the
     * word after it is the program sshpass runs. */
    { { "sh", "-c", "sshpass -p $(cat f) ssh host" },
      "sh -c 'sshpass -p $(cat f) ssh host'",
      "" },
    /* The operand after -p"$VAR" is the database, not a secret. */
    { { "sh", "-c", "mysql -u root -p\"$PASS\" db" },
      "sh -c 'mysql -u root -p\"***\" db'",
      "2:17-22" },
};

START_TEST(shell_strings)
{
    check_logged(&shell_cases[_i]);
}
END_TEST

/* Wrappers: their own options and operands are skipped, the rules of
 * the program they run apply. */
static const struct logged_case wrapper_cases[] = {
    { { "sudo", "-u", "root", "mysql", "-pX" },
      "sudo -u root mysql '-p***'",
      "4:2-3" },
    { { "doas", "mysql", "-pX" },
      "doas mysql '-p***'",
      "2:2-3" },
    { { "env", "A=b", "mysql", "-pX" },
      "env A=b mysql '-p***'",
      "3:2-3" },
    { { "env", "PGPASSWORD=pw", "psql" },
      "env 'PGPASSWORD=***' psql",
      "1:11-13" },
    { { "nohup", "mysql", "-pX" },
      "nohup mysql '-p***'",
      "2:2-3" },
    { { "nice", "-n", "5", "mysql", "-pX" },
      "nice -n 5 mysql '-p***'",
      "4:2-3" },
    { { "ionice", "-c2", "-n7", "mysql", "-pX" },
      "ionice -c2 -n7 mysql '-p***'",
      "4:2-3" },
    { { "timeout", "-s", "KILL", "5", "mysql", "-pX" },
      "timeout -s KILL 5 mysql '-p***'",
      "5:2-3" },
    { { "chrt", "10", "mysql", "-pX" },
      "chrt 10 mysql '-p***'",
      "3:2-3" },
    { { "taskset", "-c", "1", "mysql", "-pX" },
      "taskset -c 1 mysql '-p***'",
      "4:2-3" },
    { { "setsid", "mysql", "-pX" },
      "setsid mysql '-p***'",
      "2:2-3" },
    { { "stdbuf", "-oL", "mysql", "-pX" },
      "stdbuf -oL mysql '-p***'",
      "3:2-3" },
    { { "flock", "/tmp/f", "mysql", "-pX" },
      "flock /tmp/f mysql '-p***'",
      "3:2-3" },
    { { "xargs", "-n1", "mysql", "-pX" },
      "xargs -n1 mysql '-p***'",
      "3:2-3" },
    { { "chroot", "/srv", "mysql", "-pX" },
      "chroot /srv mysql '-p***'",
      "3:2-3" },
    { { "runuser", "-u", "u", "--", "mysql", "-pX" },
      "runuser -u u -- mysql '-p***'",
      "5:2-3" },
    { { "watch", "-n", "5", "mysql", "-pX" },
      "watch -n 5 mysql '-p***'",
      "4:2-3" },
    { { "time", "-p", "mysql", "-pX" },
      "'time' -p mysql '-p***'",
      "3:2-3" },
    { { "strace", "-o", "f", "-e", "x", "mysql", "-pX" },
      "strace -o f -e x mysql '-p***'",
      "6:2-3" },
    { { "kubectl", "exec", "pod", "--", "mysql", "-pX" },
      "kubectl exec pod -- mysql '-p***'",
      "5:2-3" },
    { { "sudo", "-u", "root", "env", "A=b", "nice", "-n", "5", "sh", "-c", "mysql -pX" },
      "sudo -u root env A=b nice -n 5 sh -c 'mysql -p***'",
      "10:8-9" },
    { { "sudo", "-u", "mysql", "cp", "-p", "a", "b" },
      "sudo -u mysql cp -p a b",
      "" },
    { { "timeout", "5", "sshpass", "-p", "pw", "ssh", "h" },
      "timeout 5 sshpass -p '***' ssh h",
      "4:0-2" },
};

START_TEST(wrappers)
{
    check_logged(&wrapper_cases[_i]);
}
END_TEST

/* Words that look like secrets, or options that share a secret's
 * spelling, and are none: a log that hides them is one nobody can read. */
static const struct logged_case shown_cases[] = {
    { { "mysql", "-p", "db" },
      "mysql -p db",
      "" },
    { { "mysql", "--password", "shop" },
      "mysql --password shop",
      "" },
    { { "psql", "--password", "app" },
      "psql --password app",
      "" },
    { { "grep", "password", "file" },
      "grep password file",
      "" },
    { { "passwd", "--status" },
      "passwd --status",
      "" },
    { { "docker", "login", "--password-stdin" },
      "docker login --password-stdin",
      "" },
    { { "ssh", "-p", "2222", "host" },
      "ssh -p 2222 host",
      "" },
    { { "cp", "-p", "a", "b" },
      "cp -p a b",
      "" },
    { { "mkdir", "-p", "/x" },
      "mkdir -p /x",
      "" },
    { { "unrar", "x", "-p-", "a.rar" },
      "unrar x -p- a.rar",
      "" },
    { { "ssh-keygen", "-N", "", "-f", "f" },
      "ssh-keygen -N '' -f f",
      "" },
    { { "openssl", "req", "-newkey", "rsa:2048", "-keyout", "k.pem" },
      "openssl req -newkey rsa:2048 -keyout k.pem",
      "" },
    { { "gcloud", "--secret=my-secret" },
      "gcloud --secret=my-secret",
      "" },
    { { "curl", "-b", "cookies.txt" },
      "curl -b cookies.txt",
      "" },
    { { "psql", "-U", "u", "-p", "5432" },
      "psql -U u -p 5432",
      "" },
    { { "pg_dump", "-U", "u", "-w", "db" },
      "pg_dump -U u -w db",
      "" },
    { { "env", "PWD=/x", "OLDPWD=/y", "ls" },
      "env PWD=/x OLDPWD=/y ls",
      "" },
    { { "tool", "--password-file=/etc/pw", "--token-ttl=5" },
      "tool --password-file=/etc/pw --token-ttl=5",
      "" },
    { { "vault", "read", "-field=secret-id", "x" },
      "vault read -field=secret-id x",
      "" },
    { { "git", "commit", "-m", "fix password check" },
      "git commit -m 'fix password check'",
      "" },
    /* -f's value after an empty -N stays shown; after a real one too. */
    { { "ssh-keygen", "-N", "pw", "-f", "f" },
      "ssh-keygen -N '***' -f f",
      "2:0-2" },
};

START_TEST(no_false_redaction)
{
    check_logged(&shown_cases[_i]);
}
END_TEST

struct vocabulary_case {
    const char *name;
    bool secret;
};

static const struct vocabulary_case vocabulary[] = {
    { "PGPASSWORD", true }, { "MYSQL_PWD", true }, { "api_key", true },
    { "apiKey", true }, { "X-Api-Key", true }, { "client-secret", true },
    { "keyStorePassword", true }, { "aws_secret_access_key", true },
    { "SECRET_KEY_BASE", true }, { "authtoken", true }, { "db_pass", true },
    { "PWD", false }, { "OLDPWD", false }, { "password-file", false },
    { "password-stdin", false }, { "secret-id", false },
    { "token-ttl", false }, { "auth-type", false }, { "no-password", false },
    { "passwordless", false }, { "bypass", false }, { "compass", false },
    { "existingSecret", false }, { "MYSQL_ALLOW_EMPTY_PASSWORD", false },
    { "adminPasswordKey", false },
};

START_TEST(vocabulary_of_secret_names)
{
    const struct vocabulary_case *v = &vocabulary[_i];

    ck_assert_msg(redact_secret_name(v->name, strlen(v->name)) == v->secret,
                  "%s: %s a secret name", v->name,
                  v->secret ? "should be" : "is not");
}
END_TEST

/* No room for a command string's words: what could not be read is
 * hidden whole rather than shown unread. */
START_TEST(no_room_hides_the_unread_rest)
{
    static char text[16];
    static uint32_t origin[16];
    static uint64_t commands[4 * REDACT_COMMAND_SIZE / 8];
    const struct redact_room small = { .text = text, .origin = origin,
                                       .size = sizeof(text),
                                       .commands = commands,
                                       .command_slots = 4 };
    char *argv[] = { "sh", "-c", "ls; averyveryverylongword -pX; ls", NULL };
    struct redact_masks m;

    redact_scan(redact_test_compile("defaults"), argv, 4096, &small, &m);
    ck_assert_uint_eq(m.count, 1);
    ck_assert_uint_eq(m.mask[0].arg, 2);
    ck_assert_uint_eq(m.mask[0].start, 4 + sizeof(text));
    ck_assert_uint_eq(m.mask[0].end, strlen(argv[2]));
}
END_TEST

/* More secrets than masks: nothing past the last one noted is shown. */
START_TEST(too_many_secrets_stop_the_line)
{
    static char *argv[REDACT_MAX_MASKS + 8];
    const struct redact_masks *m;

    argv[0] = "tool";
    for (size_t i = 1; i < REDACT_MAX_MASKS + 7; i++)
        argv[i] = "--password=x";
    m = redact_test_scan("defaults", argv);
    ck_assert_uint_eq(m->count, REDACT_MAX_MASKS);
    ck_assert_uint_eq(m->limit_arg, REDACT_MAX_MASKS + 1);
    ck_assert_uint_eq(m->limit_offset, 11);
}
END_TEST

Suite *redact_shell_suite(void)
{
    Suite *s = suite_create("redact_shell");
    TCase *tc = tcase_create("strings");

    tcase_add_loop_test(tc, shell_strings, 0, ROWS(shell_cases));
    tcase_add_test(tc, no_room_hides_the_unread_rest);
    tcase_add_test(tc, too_many_secrets_stop_the_line);
    suite_add_tcase(s, tc);
    tc = tcase_create("wrappers");
    tcase_add_loop_test(tc, wrappers, 0, ROWS(wrapper_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("words");
    tcase_add_loop_test(tc, no_false_redaction, 0, ROWS(shown_cases));
    tcase_add_loop_test(tc, vocabulary_of_secret_names, 0, ROWS(vocabulary));
    suite_add_tcase(s, tc);
    return s;
}
