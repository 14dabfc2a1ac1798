#include "config.h"

#include <string.h>

#include "wordlist.h"
#include "wrappers.h"

/* From each program's manual (GNU coreutils, util-linux, sudo, OpenSSH,
 * findutils, procps, strace).  Options taking an optional attached value
 * (xargs -i) count as taking none. */
/* In the order of the old pointer table's fields: name, short_values,
 * long_values, short_command, long_command, operands, rest. */
#define WRAPPER(name, sv, lv, sc, lc, operands, rest) \
    { name, operands, rest, sv, lv, sc, lc }

static const struct wrapper wrappers[] = {
    WRAPPER("ash", "o", "", "", "", 0, REST_SCRIPT),
    WRAPPER("bash", "oO", "rcfile init-file ", "", "", 0, REST_SCRIPT),
    WRAPPER("builtin", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("busybox", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("chroot", "", "userspec groups ", "", "", 1, REST_COMMAND),
    WRAPPER("chrt", "TPD", "sched-runtime sched-period sched-deadline ", "", "",
      1, REST_COMMAND),
    WRAPPER("command", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("dash", "o", "", "", "", 0, REST_SCRIPT),
    WRAPPER("doas", "uC", "", "", "", 0, REST_COMMAND),
    WRAPPER("env", "uCP", "unset chdir ", "S", "split-string ", 0, REST_COMMAND),
    WRAPPER("eval", "", "", "", "", 0, REST_REMOTE),
    WRAPPER("exec", "a", "", "", "", 0, REST_COMMAND),
    WRAPPER("flock", "wE", "timeout conflict-exit-code ", "c", "command ", 1,
      REST_COMMAND),
    WRAPPER("ionice", "cnpPu", "class classdata pid pgid uid ", "", "", 0,
      REST_COMMAND),
    WRAPPER("kadmin", "prkcsx", "", "q", "", 0, REST_COMMAND),
    WRAPPER("kadmin.local", "prkcsxed", "", "q", "", 0, REST_COMMAND),
    WRAPPER("ksh", "o", "", "", "", 0, REST_SCRIPT),
    /* Their -e, -c or -q runs commands of their own: read as commands. */
    WRAPPER("lftp", "pfu", "", "ec", "", 0, REST_COMMAND),
    WRAPPER("ltrace", "aAeEfLnopsuw", "output ", "", "", 0, REST_COMMAND),
    WRAPPER("mksh", "o", "", "", "", 0, REST_SCRIPT),
    WRAPPER("nice", "n", "adjustment ", "", "", 0, REST_COMMAND),
    WRAPPER("nocorrect", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("noglob", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("nohup", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("runuser", "gGsw", "group supp-group shell whitelist-environment ",
      "c", "command session-command ", 0, REST_USER),
    WRAPPER("script", "oTIEB", "output log-timing log-io log-in log-out echo ",
      "c", "command ", 0, REST_COMMAND),
    WRAPPER("setsid", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("sh", "oO", "", "", "", 0, REST_SCRIPT),
    WRAPPER("ssh", "bcDEeFIiJLlmOopQRSWw", "", "", "", 1, REST_REMOTE),
    WRAPPER("sshpass", "fdpPe", "", "", "", 0, REST_COMMAND),
    WRAPPER("stdbuf", "ioe", "input output error ", "", "", 0, REST_COMMAND),
    WRAPPER("strace", "abeEIoOpPsSuUX", "output attach signal user env ", "", "",
      0, REST_COMMAND),
    WRAPPER("su", "gGsw", "group supp-group shell whitelist-environment ", "c",
      "command session-command ", 0, REST_USER),
    WRAPPER("sudo", "ugpChrtUDRT", "user group prompt close-from host role type "
      "other-user chdir chroot command-timeout ", "", "", 0, REST_COMMAND),
    WRAPPER("taskset", "", "", "", "", 1, REST_COMMAND),
    WRAPPER("time", "fo", "format output ", "", "", 0, REST_COMMAND),
    WRAPPER("timeout", "sk", "signal kill-after ", "", "", 1, REST_COMMAND),
    WRAPPER("unbuffer", "", "", "", "", 0, REST_COMMAND),
    WRAPPER("watch", "nqd", "interval equexit ", "", "", 0, REST_REMOTE),
    WRAPPER("xargs", "adEILnPs", "arg-file delimiter eof replace max-lines "
      "max-args max-procs max-chars process-slot-var ", "", "", 0,
      REST_COMMAND),
    WRAPPER("zsh", "o", "", "", "", 0, REST_SCRIPT),
};

const struct wrapper *wrapper_find(const char *name, size_t len)
{
    /* Sorted by name: looked up for every command. */
    long i = sorted_find(wrappers, sizeof(wrappers[0]),
                         sizeof(wrappers) / sizeof(wrappers[0]),
                         sizeof(wrappers[0].name), name, len);

    return i < 0 ? NULL : &wrappers[i];
}

/* Whether name[0..len) is one of the space-ended names of list. */
static bool listed(const char *list, const char *name, size_t len)
{
    for (const char *p = list; *p != '\0';) {
        const char *space = strchr(p, ' ');

        if ((size_t)(space - p) == len && memcmp(p, name, len) == 0)
            return true;
        p = space + 1;
    }
    return false;
}

static bool long_option(const struct wrapper *w, const char *option,
                        size_t len, bool *command, size_t *attached)
{
    const char *eq = memchr(option, '=', len);
    size_t n = (size_t)((eq != NULL ? eq : option + len) - option) - 2;

    *command = listed(w->long_command, option + 2, n);
    if (!*command && !listed(w->long_values, option + 2, n))
        return false;
    if (eq == NULL)
        return true;
    *attached = (size_t)(eq - option) + 1;
    return false;
}

bool wrapper_option_takes_value(const struct wrapper *w, const char *option,
                                size_t len, bool *command, size_t *attached)
{
    *command = false;
    *attached = 0;
    if (len > 2 && option[1] == '-')
        return long_option(w, option, len, command, attached);
    /* A cluster of one-letter options: the first that takes a value takes
     * the rest of the word, or the next word. */
    for (size_t i = 1; i < len; i++) {
        char c = option[i];

        *command = strchr(w->short_command, c) != NULL;
        if (*command || strchr(w->short_values, c) != NULL) {
            if (i + 1 == len)
                return true;
            *attached = i + 1;
            return false;
        }
    }
    return false;
}
