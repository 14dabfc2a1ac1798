/* argspawn: one posix_spawn of /bin/true with a chosen argv, for
 * bench/args.sh to count what the hook's quoting and redaction cost per
 * argument and per byte.
 *
 *   argspawn TIMES COUNT LENGTH [WORD]
 *       TIMES spawns of argv[0] "true", then COUNT arguments of LENGTH
 *       bytes ('a'), or COUNT copies of WORD when given.  Exits 0 when
 *       each spawn succeeded or failed with E2BIG (an argument past the
 *       kernel's 128 KiB: the hook still logs it), whatever the child's
 *       exit status (127 when its exec failed). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    size_t times, count, length;
    char **args, *word;
    pid_t pid;
    int status;

    if (argc < 4) {
        fprintf(stderr, "usage: argspawn TIMES COUNT LENGTH [WORD]\n");
        return 2;
    }
    times = strtoul(argv[1], NULL, 10);
    count = strtoul(argv[2], NULL, 10);
    length = strtoul(argv[3], NULL, 10);
    args = calloc(count + 2, sizeof(*args));
    if (argc > 4) {
        word = argv[4];
    } else {
        word = malloc(length + 1);
        if (word == NULL)
            return 1;
        memset(word, 'a', length);
        word[length] = '\0';
    }
    if (args == NULL)
        return 1;
    args[0] = "true";
    for (size_t i = 1; i <= count; i++)
        args[i] = word;
    for (size_t t = 0; t < times; t++) {
        int r = posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ);

        if (r == E2BIG)
            continue;
        if (r != 0 || waitpid(pid, &status, 0) != pid)
            return 1;
    }
    return 0;
}
