#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <stdio.h>

#include "state.h"
#include "sys.h"
#include "textbuf.h"

/* Set by a taker in the word it has read: an add that finds it goes to a
 * new file instead. */
#define COUNTER_CLOSED (1ull << 63)

/* A file taken between an adder's open and its update sends the adder
 * round again; more rounds than this mean takers in a tight loop. */
#define ADD_ROUNDS 64

/* PREFIX (DIR/KIND/) UID, and with suffix_id != 0 ".ID" after it: 0, or
 * -ENAMETOOLONG. */
static int counter_path(char path[STATE_PATH_SIZE], const char *prefix,
                        size_t prefix_len, uid_t uid, uint64_t suffix_id)
{
    size_t n;

    /* Room for the two numbers, their dot and the NUL. */
    if (prefix_len > STATE_PATH_SIZE - 2 * 21)
        return -ENAMETOOLONG;
    memcpy(path, prefix, prefix_len);
    n = prefix_len + format_u64(path + prefix_len, uid);
    if (suffix_id != 0) {
        path[n] = '.';
        format_u64(path + n + 1, suffix_id);
    }
    return 0;
}

/* The file must be uid's alone: a regular file with one name, owned by
 * uid, readable and writable by nobody else. */
static int check_owned(int fd, uid_t uid, uint64_t *size)
{
    struct statx stx;
    int r = (int)sys_call(SYS_statx, fd, "", AT_EMPTY_PATH,
                          STATX_BASIC_STATS, &stx);

    if (r < 0)
        return r;
    /* Taken (renamed and removed) since it was opened: open it again. */
    if (stx.stx_nlink == 0)
        return -EAGAIN;
    if (!S_ISREG(stx.stx_mode) || stx.stx_nlink != 1 || stx.stx_uid != uid ||
        (stx.stx_mode & 077) != 0)
        return -EPERM;
    *size = stx.stx_size;
    return 0;
}

/* Makes the file size bytes long, unless that is past the program's
 * RLIMIT_FSIZE, whose SIGXFSZ would kill it. */
static int extend(int fd, uint64_t size)
{
    if (!sys_may_grow_file_to(size))
        return -EFBIG;
    return (int)sys_call(SYS_ftruncate, fd, size);
}

/* uid's file, opened for update, created if missing, at least size
 * bytes.  A root process counting for another user (a setuid program)
 * gives the file to that user; a file of someone else's in the way is
 * removed by root and refused to others. */
static int open_owned(const char *path, uid_t uid, size_t min_size)
{
    int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    uint64_t size;
    int fd, r;

    fd = sys_open(path, flags);
    if (fd == -ENOENT) {
        fd = sys_open_mode(path, flags | O_CREAT | O_EXCL, 0600);
        if (fd >= 0 && sys_geteuid() != uid)
            sys_call(SYS_fchown, fd, uid, -1);
    }
    if (fd < 0)
        return fd == -EEXIST ? -EAGAIN : fd;
    r = check_owned(fd, uid, &size);
    if (r == 0 && size < min_size)
        r = extend(fd, min_size);
    if (r == -EPERM && sys_geteuid() == 0 &&
        sys_call(SYS_unlinkat, AT_FDCWD, path, 0) == 0)
        r = -EAGAIN;
    if (r < 0) {
        sys_close(fd);
        return r;
    }
    return fd;
}

static void *map_shared(int fd, size_t size)
{
    long r = sys_call(SYS_MMAP, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                      fd, 0);

    return r < 0 && r > -4096 ? NULL : (void *)r;
}

/* One round: adds n unless a taker closed the word (-EAGAIN). */
static int add_once(const char *path, uid_t uid, uint64_t n)
{
    int fd = open_owned(path, uid, sizeof(uint64_t));
    uint64_t *word, v;
    int r = 0;

    if (fd < 0)
        return fd;
    word = map_shared(fd, sizeof(uint64_t));
    sys_close(fd);
    if (word == NULL)
        return -ENOMEM;
    v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    do {
        if (v & COUNTER_CLOSED) {
            r = -EAGAIN;
            break;
        }
    } while (!__atomic_compare_exchange_n(word, &v, v + n, true,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    sys_call(SYS_munmap, word, sizeof(uint64_t));
    return r;
}

int state_counter_add(const char *prefix, size_t prefix_len, uid_t uid,
                      uint64_t n)
{
    char path[STATE_PATH_SIZE];
    int r = counter_path(path, prefix, prefix_len, uid, 0);

    for (int round = 0; r == 0 || (r == -EAGAIN && round < ADD_ROUNDS);
         round++) {
        r = add_once(path, uid, n);
        if (r == 0)
            return 0;
    }
    return r;
}

int state_counter_take(const char *prefix, size_t prefix_len, uid_t uid,
                       uint64_t *n)
{
    char path[STATE_PATH_SIZE], taken[STATE_PATH_SIZE];
    uint64_t *word, size;
    mode_t mode;
    int fd, r;

    *n = 0;
    r = counter_path(path, prefix, prefix_len, uid, 0);
    if (r < 0)
        return r;
    r = sys_file_mode(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &mode);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    r = counter_path(taken, prefix, prefix_len, uid,
                     (uint64_t)sys_call(SYS_gettid, 0));
    if (r < 0)
        return r;
    /* Another taker may have been first: then it reports.  NOREPLACE: a
     * name already taken (a taker of the same tid in another pid
     * namespace) is not overwritten. */
    r = (int)sys_call(SYS_renameat2, AT_FDCWD, path, AT_FDCWD, taken,
                      RENAME_NOREPLACE);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    fd = sys_open(taken, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                             O_NONBLOCK);
    r = fd < 0 ? fd : check_owned(fd, uid, &size);
    /* An adder that has just made the file may not have sized it yet: the
     * word must exist to be closed, or its add would land in a file that
     * nobody reads. */
    if (r == 0 && size < sizeof(uint64_t))
        r = extend(fd, sizeof(uint64_t));
    word = r == 0 ? map_shared(fd, sizeof(uint64_t)) : NULL;
    if (fd >= 0)
        sys_close(fd);
    if (word == NULL) {
        /* Someone else's file (only root could take it) goes; a count that
         * could not be read (no descriptor, no memory) goes back where the
         * next line can take it, unless a new one is there already. */
        if (r == -EPERM)
            sys_call(SYS_unlinkat, AT_FDCWD, taken, 0);
        else
            sys_call(SYS_renameat2, AT_FDCWD, taken, AT_FDCWD, path,
                     RENAME_NOREPLACE);
        return r < 0 ? r : -ENOMEM;
    }
    *n = __atomic_exchange_n(word, COUNTER_CLOSED, __ATOMIC_ACQ_REL) &
         ~COUNTER_CLOSED;
    sys_call(SYS_munmap, word, sizeof(uint64_t));
    sys_call(SYS_unlinkat, AT_FDCWD, taken, 0);
    return 0;
}

void *state_record_map(const char *prefix, size_t prefix_len, uid_t uid,
                       size_t size)
{
    char path[STATE_PATH_SIZE];
    void *record = NULL;
    int fd = -EAGAIN;

    if (counter_path(path, prefix, prefix_len, uid, 0) < 0)
        return NULL;
    for (int round = 0; fd == -EAGAIN && round < ADD_ROUNDS; round++)
        fd = open_owned(path, uid, size);
    if (fd >= 0) {
        record = map_shared(fd, size);
        sys_close(fd);
    }
    return record;
}
