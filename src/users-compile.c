/* The cache's copy of /etc/passwd, made at reload. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "procfs.h"
#include "sys.h"
#include "users.h"

static int keep_entry(const char *line, size_t len, void *ctx)
{
    struct user_table *t = ctx;
    size_t name_len;
    uint32_t uid;

    if (passwd_entry(line, len, &name_len, &uid) < 0)
        return 0;
    /* The hook takes the first entry of a uid, as the file scan does. */
    for (uint32_t i = 0; i < t->count; i++)
        if (t->entries[i].uid == uid)
            return 0;
    if (t->count == USER_TABLE_MAX) {
        t->complete = 0;
        return 0;
    }
    /* A name too long to keep is kept as "" (ask the file), so that a
     * later entry of the same uid cannot stand in for it. */
    t->entries[t->count].uid = uid;
    if (name_len < USER_NAME_MAX)
        memcpy(t->entries[t->count].name, line, name_len);
    t->count++;
    return 0;
}

int user_table_build(struct user_table *t, const char *path, char *io,
                     size_t io_size)
{
    struct file_identity after;
    int fd, r;

    memset(t, 0, sizeof(*t));
    r = file_identity_of_path(path, &t->passwd);
    fd = r < 0 ? r : sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        goto fail;
    t->complete = 1;
    r = scan_lines(fd, io, io_size, PASSWD_READ_LIMIT, keep_entry, t);
    sys_close(fd);
    /* Changed while read: the hook would trust a mix of two versions. */
    if (r == 0 && file_identity_of_path(path, &after) == 0 &&
        memcmp(&after, &t->passwd, sizeof(after)) != 0)
        r = -EAGAIN;
    if (r == 0)
        return 0;
fail:
    memset(t, 0, sizeof(*t));
    return fd < 0 ? fd : r;
}
