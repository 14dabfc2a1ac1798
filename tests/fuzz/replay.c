/* Runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer:
 * `make check` replays the committed corpora (seeds and every input that
 * once found a bug) in every build, sanitizer builds included.
 *
 *   replay-NAME [FILE|DIR]...
 *
 * Without arguments: $top_srcdir/tests/fuzz/corpus/NAME (NAME from the
 * program's own name).  Each input runs in a child of its own, so that one
 * violated property or sanitizer report (an abort) does not hide the next
 * (REPLAY_NOFORK=1 runs them in this process, for a debugger).  Exit: 0
 * when every input passed, 1 when one failed, 99 when there was nothing
 * to replay or an input could not be read. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz-util.h"

static size_t replayed, failed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, n;

    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (size == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            if (data == NULL)
                abort();
        }
        n = fread(data + size, 1, cap - size, f);
        size += n;
    } while (n > 0);
    fclose(f);
    /* Announced first, so that the input that crashes is the last named. */
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    replayed++;
    if (getenv("REPLAY_NOFORK") != NULL) {
        LLVMFuzzerTestOneInput(data, size);
    } else {
        int status = 0;
        pid_t pid;

        fflush(NULL);
        pid = fork();
        if (pid < 0) {
            perror("replay: fork");
            exit(99);
        }
        if (pid == 0) {
            LLVMFuzzerTestOneInput(data, size);
            fflush(NULL);
            _exit(0);
        }
        while (waitpid(pid, &status, 0) < 0)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("FAIL: %s\n", path);
            failed++;
        }
    }
    free(data);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
    struct stat st;
    struct dirent *e;
    char **names = NULL;
    size_t count = 0;
    DIR *dir;
    int r = 0;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    dir = opendir(path);
    if (dir == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (count + 1) * sizeof(*names));
        if (names == NULL)
            abort();
        if (asprintf(&names[count++], "%s/%s", path, e->d_name) < 0)
            abort();
    }
    closedir(dir);
    /* In name order, so that two runs replay the same sequence. */
    qsort(names, count, sizeof(*names), compare_names);
    for (size_t i = 0; i < count; i++) {
        if (replay_path(names[i]) < 0)
            r = -1;
        free(names[i]);
    }
    free(names);
    return r;
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/'), *name, *top;
    char *corpus = NULL;
    int r = 0;

    base = base != NULL ? base + 1 : argv[0];
    if (strncmp(base, "lt-", 3) == 0)
        base += 3;
    name = strncmp(base, "replay-", 7) == 0 ? base + 7 : base;
    LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay_path(argv[i]) < 0)
                r = -1;
    } else {
        top = getenv("top_srcdir");
        if (asprintf(&corpus, "%s/tests/fuzz/corpus/%s",
                     top != NULL ? top : ".", name) < 0)
            abort();
        r = replay_path(corpus);
        free(corpus);
    }
    printf("replay-%s: %zu inputs replayed, %zu failed%s\n", name, replayed,
           failed, r < 0 ? ", some could not be read" : "");
    if (r < 0 || replayed == 0)
        return 99;
    return failed > 0 ? 1 : 0;
}
