#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "procfs.h"
#include "sys.h"
#include "users.h"

int passwd_entry(const char *line, size_t len, size_t *name_len,
                 uint32_t *uid)
{
    const char *c1 = memchr(line, ':', len), *c2, *c3;
    uint64_t v;

    if (c1 == NULL || c1 == line)
        return -ENOENT;
    c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
    if (c2 == NULL)
        return -ENOENT;
    c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - line));
    if (c3 == NULL || parse_decimal(c2 + 1, (size_t)(c3 - c2 - 1), &v) < 0 ||
        v > UINT32_MAX)
        return -ENOENT;
    *name_len = (size_t)(c1 - line);
    *uid = (uint32_t)v;
    return 0;
}

static int match_passwd_line(const char *line, size_t len, uid_t uid,
                             char *name, size_t cap)
{
    size_t name_len;
    uint32_t found;

    if (passwd_entry(line, len, &name_len, &found) < 0 || found != uid ||
        name_len >= cap)
        return -ENOENT;
    memcpy(name, line, name_len);
    name[name_len] = '\0';
    return (int)name_len;
}

struct passwd_query {
    uid_t uid;
    char *name;
    size_t cap;
};

static int passwd_line(const char *line, size_t len, void *ctx)
{
    struct passwd_query *q = ctx;

    return match_passwd_line(line, len, q->uid, q->name, q->cap) >= 0;
}

static int scan_passwd(int fd, uid_t uid, char *name, size_t cap,
                       char *io, size_t io_size)
{
    struct passwd_query q = { uid, name, cap };
    int r = scan_lines(fd, io, io_size, PASSWD_READ_LIMIT, passwd_line, &q);

    if (r < 0)
        return r;
    return r == 0 ? -ENOENT : (int)strlen(name);
}

int user_name_from(const char *passwd_path, uid_t uid, char *name, size_t cap,
                   char *io, size_t io_size)
{
    int fd = sys_open(passwd_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int r;

    if (fd < 0)
        return fd;
    r = scan_passwd(fd, uid, name, cap, io, io_size);
    sys_close(fd);
    return r;
}

int user_name(uid_t uid, char *name, size_t cap, char *io, size_t io_size)
{
    return user_name_from(PASSWD_PATH, uid, name, cap, io, io_size);
}

void file_identity_of(struct file_identity *id, const struct statx *stx)
{
    memset(id, 0, sizeof(*id));
    id->ino = stx->stx_ino;
    id->size = stx->stx_size;
    id->mtime_sec = stx->stx_mtime.tv_sec;
    id->mtime_nsec = stx->stx_mtime.tv_nsec;
    id->ctime_sec = stx->stx_ctime.tv_sec;
    id->ctime_nsec = stx->stx_ctime.tv_nsec;
    id->dev_major = stx->stx_dev_major;
    id->dev_minor = stx->stx_dev_minor;
}

int file_identity_of_path(const char *path, struct file_identity *id)
{
    struct statx stx;
    int r = (int)sys_call(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS,
                          &stx);

    if (r == 0)
        file_identity_of(id, &stx);
    return r;
}

int user_table_validate(const struct user_table *t)
{
    if (t->count > USER_TABLE_MAX || t->complete > 1)
        return -EINVAL;
    /* reload zero-fills each name: a string, whose last byte is NUL. */
    for (uint32_t i = 0; i < t->count; i++)
        if (t->entries[i].name[USER_NAME_MAX - 1] != '\0')
            return -EINVAL;
    return 0;
}

bool user_table_current(const struct user_table *t, const char *path)
{
    struct file_identity now;

    return file_identity_of_path(path, &now) == 0 &&
           memcmp(&now, &t->passwd, sizeof(now)) == 0;
}

int user_table_find(const struct user_table *t, uid_t uid, const char **name)
{
    for (uint32_t i = 0; i < t->count; i++)
        if (t->entries[i].uid == uid) {
            *name = t->entries[i].name;
            return **name != '\0' ? (int)strlen(*name) : -ESTALE;
        }
    return t->complete ? -ENOENT : -ESTALE;
}
