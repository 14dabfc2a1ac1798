/* Fuzz target: the filter-chain compiler (`filter_chain = ...`).
 *
 * Input: one flags byte, then the spec, a NUL, and a program name for the
 * event.  User names resolve through a fixed table (root, daemon, nobody;
 * "lookup-error" fails with EIO).  Checks that
 *   - a compiled chain passes filter_chain_validate, and can be run;
 *   - a refused chain is all zero (no half chain), with a message and a
 *     column inside the spec;
 *   - warnings come with a message. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "fuzz-util.h"

static char work[EVENT_WORK_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static int resolve(const char *name, uid_t *uid)
{
    static const struct {
        const char *name;
        uid_t uid;
    } users[] = { { "root", 0 }, { "daemon", 1 }, { "nobody", 65534 } };

    if (strcmp(name, "lookup-error") == 0)
        return -EIO;
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        if (strcmp(users[i].name, name) == 0) {
            *uid = users[i].uid;
            return 0;
        }
    return -ENOENT;
}

static void on_warning(const char *message, void *ctx)
{
    FUZZ_ASSERT(message != NULL && message[0] != '\0' && ctx == work,
                "a warning without a message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct filter_chain fc, zero;
    struct fuzz_parts p;
    struct diag d;
    const char *name;
    uint8_t flags;
    int r;

    if (size < 1 || size > 1 << 14)
        return 0;
    flags = data[0];
    fuzz_split(&p, data + 1, size - 1, 2);
    memset(&d, 0, sizeof(d));
    r = filter_chain_compile(&fc, p.part[0], flags & 1 ? NULL : resolve, &d,
                             flags & 2 ? NULL : on_warning, work);
    if (r == 0) {
        char *argv[] = { p.count > 1 ? p.part[1] : (char *)"ls", NULL };
        struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = argv[0],
                                 .call.fd = -1, .call.argv = argv, .work = work };

        FUZZ_ASSERT(filter_chain_validate(&fc) == 0, "filter_chain_compile"
                    "('%s') gives a chain that filter_chain_validate refuses",
                    p.part[0]);
        if (flags & 4)
            ev.call.filename = NULL, ev.call.fd = 3;
        name = filter_chain_drops(&fc, &ev);
        FUZZ_ASSERT(name == NULL || name[0] != '\0', "dropped by a filter "
                    "without a name");
    } else {
        FUZZ_ASSERT(r == -EINVAL, "filter_chain_compile returned %d", r);
        FUZZ_ASSERT(memcmp(&fc, &zero, sizeof(fc)) == 0, "a refused chain "
                    "left a half-compiled chain behind: '%s'", p.part[0]);
        fuzz_check_diag(&d, p.part[0]);
    }
    fuzz_parts_free(&p);
    return 0;
}
