/* The execlog command: check, compile and inspect the configuration. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "filters.h"
#include "ini.h"
#include "pipeline.h"
#include "state.h"

/* Exit codes, documented in execlog(8). */
enum {
    EXIT_OK = 0,
    EXIT_INVALID = 1,      /* invalid configuration, or a problem found */
    EXIT_USAGE = 2,
    EXIT_DROPPED = 3,      /* explain: a filter drops the command;
                              status: the hook is not enabled */
};

static const char *cache_path = EXECLOG_CACHE_PATH;

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: execlog [--cache PATH] COMMAND [ARG...]\n"
            "\n"
            "  check [FILE]          validate FILE (default %s)\n"
            "  reload [FILE]         validate, compile and install the cache\n"
            "  show                  print the configuration in force\n"
            "  explain [--] CMD ...  print the line CMD would log, or the\n"
            "                        filter that would drop it\n"
            "  status                is the hook enabled, the cache valid\n"
            "                        and up to date?\n"
            "\n"
            "  --cache PATH          use PATH instead of %s\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 success, 1 invalid configuration or a problem\n"
            "found, 2 usage error, 3 explain: dropped by a filter, status:\n"
            "hook not enabled.\n",
            EXECLOG_INI_PATH, EXECLOG_CACHE_PATH);
}

static int cmd_check(const char *ini)
{
    static struct cache_file file;

    if (ini_load(ini, &file, stderr) < 0)
        return EXIT_INVALID;
    printf("%s: valid\n", ini);
    return EXIT_OK;
}

/* The per-user counts of undelivered lines live in EXECLOG_STATE_DIR; at
 * boot systemd-tmpfiles makes it, and a reload of the host's cache puts it
 * right (a test's --cache leaves the host alone). */
static void prepare_state(void)
{
    static const char *const kinds[] = { STATE_KIND_LOST, STATE_KIND_REPEAT, NULL };
    int r;

    if (strcmp(cache_path, EXECLOG_CACHE_PATH) != 0)
        return;
    r = state_prepare(EXECLOG_STATE_DIR, kinds);
    if (r < 0)
        fprintf(stderr, "%s: %s; each process counts its own undelivered "
                "lines only\n", EXECLOG_STATE_DIR, strerror(-r));
}

static int cmd_reload(const char *ini)
{
    static struct cache_file file;
    static char io[EVENT_IO_SIZE];
    struct stat st;
    int r;

    if (ini_load(ini, &file, stderr) < 0) {
        fprintf(stderr, "%s: not installed; the configuration in force is "
                "unchanged\n", cache_path);
        return EXIT_INVALID;
    }
    if (stat(ini, &st) == 0) {
        file.header.ini_inode = st.st_ino;
        file.header.ini_size = (uint64_t)st.st_size;
        file.header.ini_mtime_sec = st.st_mtim.tv_sec;
        file.header.ini_mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
    }
    snprintf(file.header.ini_path, sizeof(file.header.ini_path), "%s", ini);
    r = user_table_build(&file.config.users, PASSWD_PATH, io, sizeof(io));
    if (r < 0)
        fprintf(stderr, "%s: user names not copied into the cache (%s); "
                "the hook reads the file instead\n", PASSWD_PATH,
                strerror(-r));
    r = cache_write(cache_path, &file);
    if (r < 0) {
        fprintf(stderr, "%s: cannot write: %s\n", cache_path, strerror(-r));
        return EXIT_INVALID;
    }
    printf("%s: compiled into %s; in force at the next exec\n", ini,
           cache_path);
    prepare_state();
    return EXIT_OK;
}

/* 0 with the cache's content, 1 when there is no cache, or -errno with
 * *why when there is one that cannot be used. */
static int read_cache(struct cache_file *file, const char **why)
{
    int fd = cache_open(cache_path, why), r;

    if (fd == -ENOENT)
        return 1;
    if (fd < 0)
        return fd;
    r = cache_read(fd, &file->header, &file->config, &file->sources, why);
    close(fd);
    return r;
}

static int cmd_show(void)
{
    static struct cache_file file;
    const char *why = NULL;
    int r = read_cache(&file, &why);

    if (r < 0) {
        fprintf(stderr, "%s: not used: %s\n", cache_path, why);
        printf("# %s is not used (%s): built-in defaults apply\n", cache_path,
               why);
    } else if (r == 1) {
        printf("# no %s: built-in defaults apply\n", cache_path);
    } else {
        printf("# in force: %s, compiled from %s\n", cache_path,
               file.header.ini_path);
    }
    if (r != 0 && ini_defaults(&file, stderr) < 0)
        return EXIT_INVALID;
    ini_print(&file, stdout);
    return r < 0 ? EXIT_INVALID : EXIT_OK;
}

/* What a shell would pass to execve for CMD: a name without '/' is looked
 * up on PATH, as bash does before it execs. */
static const char *shell_lookup(const char *cmd)
{
    static char found[4096];
    const char *path = getenv("PATH");

    if (strchr(cmd, '/') != NULL || path == NULL)
        return cmd;
    for (const char *p = path; *p != '\0';) {
        size_t len = strcspn(p, ":");

        if (len > 0 &&
            snprintf(found, sizeof(found), "%.*s/%s", (int)len, p, cmd) <
                (int)sizeof(found) &&
            access(found, X_OK) == 0)
            return found;
        p += len + (p[len] == ':');
    }
    return cmd;
}

/* Which rule hid which bytes: one line per secret. */
static void explain_masks(const struct config *cfg, char **argv,
                          const struct redact_masks *m)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct redact_mask *mask = &m->mask[i];
        char rule[512] = "(no room to read it: hidden whole)";

        if (mask->rule < cfg->redact.count)
            redact_describe(&cfg->redact, mask->rule, rule, sizeof(rule));
        printf("redacted: argument %u bytes %u-%u (%.*s) by rule %s\n",
               mask->arg, mask->start, mask->end,
               (int)(mask->end - mask->start), argv[mask->arg] + mask->start,
               rule);
    }
    if (m->limit_arg != UINT32_MAX)
        printf("not read: argument %u from byte %u on (past "
               "max_message_length)\n", m->limit_arg, m->limit_offset);
}

static int cmd_explain(char **argv)
{
    static struct config cfg;
    static char work[EVENT_WORK_SIZE], message[MAX_MESSAGE_LENGTH];
    static char text[2 * MAX_MESSAGE_LENGTH];
    static uint32_t origin[2 * MAX_MESSAGE_LENGTH];
    static uint64_t commands[16 * REDACT_COMMAND_SIZE / 8];
    static uint32_t info[4096];
    static struct redact_masks masks;
    static const struct redact_room room = { text, origin, sizeof(text),
                                             commands,
                                             sizeof(commands) /
                                                 REDACT_COMMAND_SIZE,
                                             info, 4096 };
    extern char **environ;
    struct exec_event ev = { .call.entry = ENTRY_EXECVE,
                             .call.filename = shell_lookup(argv[0]),
                             .call.fd = -1, .call.argv = argv, .call.envp = environ,
                             .work = work, .masks = &masks, .room = &room };
    const char *why = NULL, *dropped;
    struct textbuf out;

    if (config_in_force(cache_path, &cfg, &why) < 0)
        fprintf(stderr, "%s: not used: %s; built-in defaults apply\n",
                cache_path, why);
    dropped = filter_chain_drops(&cfg.filters, &ev);
    if (dropped != NULL) {
        printf("not logged: dropped by filter %s\n", dropped);
        return EXIT_DROPPED;
    }
    textbuf_init(&out, message, cfg.max_message_length);
    pipeline_render(&cfg, &ev, 0, &out);
    printf("%.*s\n", (int)out.len, out.data);
    explain_masks(&cfg, argv, &masks);
    return EXIT_OK;
}

/* Whether /etc/ld.so.preload lists our library (by its file name, so a
 * library installed under another prefix counts too). */
static int hook_listed(char *found, size_t size)
{
    FILE *f = fopen("/etc/ld.so.preload", "re");
    char line[4096];
    int listed = 0;

    if (f == NULL)
        return 0;
    while (!listed && fgets(line, sizeof(line), f) != NULL) {
        char *word = strtok(line, " \t\n:");

        for (; word != NULL && !listed; word = strtok(NULL, " \t\n:")) {
            const char *base = strrchr(word, '/');

            if (word[0] != '#' &&
                strcmp(base != NULL ? base + 1 : word, "libexeclog.so") == 0) {
                snprintf(found, size, "%s", word);
                listed = 1;
            }
        }
    }
    fclose(f);
    return listed;
}

static void print_user_table(const struct user_table *t)
{
    if (t->count == 0)
        printf("user names: none in the cache; the hook reads %s\n",
               PASSWD_PATH);
    else
        printf("user names: %u of %s%s in the cache%s\n", t->count,
               PASSWD_PATH, t->complete ? " (all)" : "",
               user_table_current(t, PASSWD_PATH)
                   ? ""
                   : "; the file changed since, the hook reads it (run "
                     "execlog reload)");
}

static int cmd_status(void)
{
    static struct cache_file file;
    const char *why = NULL;
    char lib[4096];
    struct stat st;
    int listed = hook_listed(lib, sizeof(lib)), r, status = EXIT_OK;

    if (listed)
        printf("hook: enabled (%s in /etc/ld.so.preload)\n", lib);
    else
        printf("hook: not enabled (no libexeclog.so in /etc/ld.so.preload)\n");
    /* After "cache: ", each verdict is a sentence of its own that names
     * the cache: execlog-install-hooks status quotes it as it is. */
    r = read_cache(&file, &why);
    if (r == 1) {
        printf("cache: no %s: built-in defaults apply (run execlog reload)\n",
               cache_path);
    } else if (r < 0) {
        printf("cache: %s is not used (%s): built-in defaults apply\n",
               cache_path, why);
        status = EXIT_INVALID;
    } else if (stat(file.header.ini_path, &st) < 0) {
        printf("cache: %s is valid; %s, which it was compiled from, is gone\n",
               cache_path, file.header.ini_path);
    } else if ((uint64_t)st.st_ino != file.header.ini_inode ||
               (uint64_t)st.st_size != file.header.ini_size ||
               st.st_mtim.tv_sec != file.header.ini_mtime_sec ||
               (uint32_t)st.st_mtim.tv_nsec != file.header.ini_mtime_nsec) {
        printf("cache: %s is valid, but %s changed since the last reload "
               "(run execlog reload)\n", cache_path, file.header.ini_path);
        status = EXIT_INVALID;
    } else {
        printf("cache: %s is valid and up to date with %s\n", cache_path,
               file.header.ini_path);
    }
    if (r == 0)
        print_user_table(&file.config.users);
    if (status == EXIT_OK && !listed)
        status = EXIT_DROPPED;
    return status;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "cache", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *command;
    int c;

    while ((c = getopt_long(argc, argv, "+c:hV", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            cache_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case 'V':
            printf("execlog %s\n", PACKAGE_VERSION);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    command = argv[optind++];
    if (strcmp(command, "explain") == 0) {
        if (optind < argc && strcmp(argv[optind], "--") == 0)
            optind++;
        if (optind >= argc) {
            fprintf(stderr, "execlog explain: which command?\n");
            return EXIT_USAGE;
        }
        return cmd_explain(argv + optind);
    }
    if ((strcmp(command, "check") == 0 || strcmp(command, "reload") == 0) &&
        argc - optind <= 1) {
        const char *ini = optind < argc ? argv[optind] : EXECLOG_INI_PATH;

        return command[0] == 'c' ? cmd_check(ini) : cmd_reload(ini);
    }
    if (strcmp(command, "show") == 0 && optind == argc)
        return cmd_show();
    if (strcmp(command, "status") == 0 && optind == argc)
        return cmd_status();
    usage(stderr);
    return EXIT_USAGE;
}
