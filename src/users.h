/* User names for the hook without reading /etc/passwd on every exec.
 *
 * `execlog reload` copies the names of /etc/passwd into the cache, with the
 * identity of the file it read.  In the hook one statx tells whether
 * /etc/passwd is still that file; if so the table answers, else (or for a
 * uid the table could not hold) the file is read as before.  A table never
 * gives a name the file no longer holds. */
#ifndef EXECLOG_USERS_H
#define EXECLOG_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What identifies one version of a file: a new file renamed into place
 * has a new inode, an edit in place changes mtime and ctime. */
struct file_identity {
    uint64_t ino, size;
    int64_t mtime_sec, ctime_sec;
    uint32_t mtime_nsec, ctime_nsec, dev_major, dev_minor;
};

struct statx;
void file_identity_of(struct file_identity *id, const struct statx *stx);

/* The identity of the file at path (following links): 0 or -errno. */
int file_identity_of_path(const char *path, struct file_identity *id);

/* Enough for the accounts of most hosts (Debian's base system has about
 * 20); on a host with more, the first ones in the file, root first. */
#define USER_TABLE_MAX 32
#define USER_NAME_MAX 28     /* with its NUL; longer: kept as "" */

struct user_table {
    struct file_identity passwd;    /* of the file the names come from */
    uint32_t count;
    uint32_t complete;              /* 1: every account of it is here */
    struct {
        uint32_t uid;
        char name[USER_NAME_MAX];
    } entries[USER_TABLE_MAX];
};

#define PASSWD_PATH "/etc/passwd"

/* Hosts with huge passwd files exist; past this much a name is shown as
 * the number rather than make every exec read megabytes. */
#define PASSWD_READ_LIMIT (4u << 20)

/* A passwd line "name:password:uid:...": the name's length and the uid,
 * or -ENOENT for a line that is no entry. */
int passwd_entry(const char *line, size_t len, size_t *name_len,
                 uint32_t *uid);

/* Name of uid in the passwd file at passwd_path, read with plain system
 * calls (never NSS) through io.  Returns the length written to name,
 * -ENOENT when uid is not listed, or -errno. */
int user_name_from(const char *passwd_path, uid_t uid, char *name, size_t cap,
                   char *io, size_t io_size);

/* The same for /etc/passwd. */
int user_name(uid_t uid, char *name, size_t cap, char *io, size_t io_size);

/* Fills t from the passwd file at path (at reload).  0, or a negative
 * errno (t is then empty: the hook reads the file). */
int user_table_build(struct user_table *t, const char *path, char *io,
                     size_t io_size);

int user_table_validate(const struct user_table *t);

/* Whether the passwd file at path is still the one t was made from. */
bool user_table_current(const struct user_table *t, const char *path);

/* The name of uid in t (a NUL-terminated string in t): its length;
 * -ENOENT when t holds every account and uid is none of them; -ESTALE
 * when t cannot tell (uid not kept, or its name too long to keep). */
int user_table_find(const struct user_table *t, uid_t uid, const char **name);

#endif
