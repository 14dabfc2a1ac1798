#include "config.h"

#include <string.h>

#include "wrappers.h"

/* From each program's manual (GNU coreutils, util-linux, sudo, OpenSSH,
 * findutils, procps, strace).  Options taking an optional attached value
 * (xargs -i) count as taking none. */
static const struct wrapper wrappers[] = {
    { "sudo", "ugpChrtUDRT", "user group prompt close-from host role type "
      "other-user chdir chroot command-timeout ", "", "", 0, REST_COMMAND },
    { "doas", "uC", "", "", "", 0, REST_COMMAND },
    { "env", "uCP", "unset chdir ", "S", "split-string ", 0, REST_COMMAND },
    { "nohup", "", "", "", "", 0, REST_COMMAND },
    { "nice", "n", "adjustment ", "", "", 0, REST_COMMAND },
    { "ionice", "cnpPu", "class classdata pid pgid uid ", "", "", 0,
      REST_COMMAND },
    { "timeout", "sk", "signal kill-after ", "", "", 1, REST_COMMAND },
    { "chrt", "TPD", "sched-runtime sched-period sched-deadline ", "", "",
      1, REST_COMMAND },
    { "taskset", "", "", "", "", 1, REST_COMMAND },
    { "setsid", "", "", "", "", 0, REST_COMMAND },
    { "stdbuf", "ioe", "input output error ", "", "", 0, REST_COMMAND },
    { "flock", "wE", "timeout conflict-exit-code ", "c", "command ", 1,
      REST_COMMAND },
    { "xargs", "adEILnPs", "arg-file delimiter eof replace max-lines "
      "max-args max-procs max-chars process-slot-var ", "", "", 0,
      REST_COMMAND },
    { "chroot", "", "userspec groups ", "", "", 1, REST_COMMAND },
    { "runuser", "gGsw", "group supp-group shell whitelist-environment ",
      "c", "command session-command ", 0, REST_USER },
    { "su", "gGsw", "group supp-group shell whitelist-environment ", "c",
      "command session-command ", 0, REST_USER },
    { "watch", "nqd", "interval equexit ", "", "", 0, REST_REMOTE },
    { "time", "fo", "format output ", "", "", 0, REST_COMMAND },
    { "strace", "abeEIoOpPsSuUX", "output attach signal user env ", "", "",
      0, REST_COMMAND },
    { "ltrace", "aAeEfLnopsuw", "output ", "", "", 0, REST_COMMAND },
    { "ssh", "bcDEeFIiJLlmOopQRSWw", "", "", "", 1, REST_REMOTE },
    { "sshpass", "fdpPe", "", "", "", 0, REST_COMMAND },
    { "eval", "", "", "", "", 0, REST_REMOTE },
    { "exec", "a", "", "", "", 0, REST_COMMAND },
    { "command", "", "", "", "", 0, REST_COMMAND },
    { "builtin", "", "", "", "", 0, REST_COMMAND },
    { "nocorrect", "", "", "", "", 0, REST_COMMAND },
    { "noglob", "", "", "", "", 0, REST_COMMAND },
    { "busybox", "", "", "", "", 0, REST_COMMAND },
    { "unbuffer", "", "", "", "", 0, REST_COMMAND },
    { "script", "oTIEB", "output log-timing log-io log-in log-out echo ",
      "c", "command ", 0, REST_COMMAND },
    /* Their -e, -c or -q runs commands of their own: read as commands. */
    { "lftp", "pfu", "", "ec", "", 0, REST_COMMAND },
    { "kadmin", "prkcsx", "", "q", "", 0, REST_COMMAND },
    { "kadmin.local", "prkcsxed", "", "q", "", 0, REST_COMMAND },
    { "sh", "oO", "", "", "", 0, REST_SCRIPT },
    { "bash", "oO", "rcfile init-file ", "", "", 0, REST_SCRIPT },
    { "dash", "o", "", "", "", 0, REST_SCRIPT },
    { "zsh", "o", "", "", "", 0, REST_SCRIPT },
    { "ksh", "o", "", "", "", 0, REST_SCRIPT },
    { "mksh", "o", "", "", "", 0, REST_SCRIPT },
    { "ash", "o", "", "", "", 0, REST_SCRIPT },
    { NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

const struct wrapper *wrapper_find(const char *name, size_t len)
{
    for (const struct wrapper *w = wrappers; w->name != NULL; w++)
        if (w->name[0] == name[0] && strlen(w->name) == len &&
            memcmp(w->name, name, len) == 0)
            return w;
    return NULL;
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
