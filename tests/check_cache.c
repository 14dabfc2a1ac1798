#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "cache.h"
#include "check_core.h"
#include "pipeline.h"

static char dir[] = "/tmp/execlog-cache-XXXXXX";
static char path[256];
static struct cache_file file;

static void setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/execlog.cache", dir);
    memset(&file, 0, sizeof(file));
    ck_assert_int_eq(config_defaults(&file.config), 0);
    file.config.max_arg_length = 77;      /* tells it from the defaults */
    strcpy(file.sources.message_format, DEFAULT_MESSAGE_FORMAT);
    ck_assert_int_eq(cache_write(path, &file), 0);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

/* The library's built-in configuration is compiled at build time; it must
 * be exactly what the compilers make of the defaults now. */
START_TEST(builtin_is_the_compiled_defaults)
{
    static struct config defaults;

    ck_assert_int_eq(config_defaults(&defaults), 0);
    ck_assert_int_eq(config_validate(builtin_config()), 0);
    ck_assert_mem_eq(builtin_config(), &defaults, sizeof(defaults));
}
END_TEST

/* Reads path as the library does; returns the result and the reason. */
static int load(struct config *cfg, const char **why)
{
    *why = NULL;
    return config_in_force(path, cfg, why);
}

static void patch(off_t offset, const void *bytes, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, bytes, len, offset), (ssize_t)len);
    close(fd);
}

static void assert_refused(const char *expected_why)
{
    static struct config cfg;
    const char *why;

    ck_assert_int_lt(load(&cfg, &why), 0);
    ck_assert_ptr_nonnull(why);
    ck_assert_str_eq(why, expected_why);
    /* Refused means the built-in defaults, never half of the file. */
    ck_assert_uint_eq(cfg.max_arg_length, DEFAULT_MAX_ARG_LENGTH);
}

START_TEST(written_cache_reads_back)
{
    static struct config cfg;
    struct cache_header header;
    struct config_sources sources;
    const char *why;
    struct stat st;
    int fd;

    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);
    ck_assert_uint_eq((size_t)st.st_size, sizeof(struct cache_file));
    if (getuid() != 0)
        return;     /* only a root-owned cache is used */
    ck_assert_int_eq(load(&cfg, &why), 0);
    ck_assert_uint_eq(cfg.max_arg_length, 77);
    fd = cache_open(path, &why);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(cache_read(fd, &header, &cfg, &sources, &why), 0);
    close(fd);
    ck_assert_str_eq(sources.message_format, DEFAULT_MESSAGE_FORMAT);
}
END_TEST

START_TEST(missing_cache_means_defaults)
{
    static struct config cfg;
    const char *why;

    unlink(path);
    ck_assert_int_eq(load(&cfg, &why), 1);
    ck_assert_ptr_null(why);
    ck_assert_uint_eq(cfg.max_arg_length, DEFAULT_MAX_ARG_LENGTH);
}
END_TEST

START_TEST(unsafe_files_are_refused)
{
    char target[300];

    if (getuid() != 0)
        return;
    ck_assert_int_eq(chmod(path, 0664), 0);
    assert_refused("it is writable by group or others");
    ck_assert_int_eq(chmod(path, 0646), 0);
    assert_refused("it is writable by group or others");
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(chown(path, 1000, 0), 0);
    assert_refused("it is not owned by root");
    ck_assert_int_eq(chown(path, 0, 0), 0);
    snprintf(target, sizeof(target), "%s.real", path);
    ck_assert_int_eq(rename(path, target), 0);
    ck_assert_int_eq(symlink(target, path), 0);
    assert_refused("it is a symbolic link");
    unlink(path);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    assert_refused("it is not a regular file");
    rmdir(path);
    ck_assert_int_eq(rename(target, path), 0);
}
END_TEST

START_TEST(damaged_files_are_refused)
{
    uint32_t other_version = CACHE_VERSION + 1;
    char byte = 0x5a;

    if (getuid() != 0)
        return;
    ck_assert_int_eq(truncate(path, sizeof(struct cache_header) + 10), 0);
    assert_refused("it is truncated");
    ck_assert_int_eq(cache_write(path, &file), 0);
    patch(0, "NOTCACHE", 8);
    assert_refused("it is not an execlog cache");
    patch(0, CACHE_MAGIC, 8);
    patch(offsetof(struct cache_header, version), &other_version, 4);
    assert_refused("it was written by another version of execlog");
    other_version = CACHE_VERSION;
    patch(offsetof(struct cache_header, version), &other_version, 4);
    /* One flipped byte anywhere in the configuration. */
    patch(sizeof(struct cache_header) + 100, &byte, 1);
    assert_refused("its checksum does not match (corrupt or tampered with)");
}
END_TEST

START_TEST(consistent_but_invalid_values_are_refused)
{
    if (getuid() != 0)
        return;
    /* A forger who recomputes the checksum still cannot smuggle in an
     * out-of-range index: the reader validates every field. */
    file.config.format.items[0].source = 999;
    ck_assert_int_eq(cache_write(path, &file), 0);
    assert_refused("it holds invalid values");
    file.config.format.items[0].source = FORMAT_LITERAL;
    file.config.format.items[0].offset = FORMAT_MAX_TEXT;
    file.config.format.items[0].length = 1;
    ck_assert_int_eq(cache_write(path, &file), 0);
    assert_refused("it holds invalid values");
    ck_assert_int_eq(config_defaults(&file.config), 0);
    file.config.max_message_length = 10;
    ck_assert_int_eq(cache_write(path, &file), 0);
    assert_refused("it holds invalid values");
    ck_assert_int_eq(config_defaults(&file.config), 0);
    file.config.output.ident[0] = ' ';
    ck_assert_int_eq(cache_write(path, &file), 0);
    assert_refused("it holds invalid values");
    ck_assert_int_eq(config_defaults(&file.config), 0);
    memset(file.config.output.path, 'x', sizeof(file.config.output.path));
    ck_assert_int_eq(cache_write(path, &file), 0);
    assert_refused("it holds invalid values");
}
END_TEST

START_TEST(a_replaced_cache_is_picked_up)
{
    static struct config cfg;
    const char *why;

    if (getuid() != 0)
        return;
    ck_assert_int_eq(load(&cfg, &why), 0);
    ck_assert_uint_eq(cfg.max_arg_length, 77);
    /* Same process, same file: served from memory (identity unchanged). */
    ck_assert_int_eq(load(&cfg, &why), 0);
    ck_assert_uint_eq(cfg.max_arg_length, 77);
    /* A reload renames a new file into place. */
    file.config.max_arg_length = 88;
    ck_assert_int_eq(cache_write(path, &file), 0);
    ck_assert_int_eq(load(&cfg, &why), 0);
    ck_assert_uint_eq(cfg.max_arg_length, 88);
}
END_TEST

START_TEST(checksum_sees_every_byte)
{
    unsigned char buf[37] = { 0 };
    uint64_t base = cache_checksum(buf, sizeof(buf));

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = 1;
        ck_assert_uint_ne(cache_checksum(buf, sizeof(buf)), base);
        buf[i] = 0;
    }
}
END_TEST

Suite *cache_suite(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("file");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, builtin_is_the_compiled_defaults);
    tcase_add_test(tc, written_cache_reads_back);
    tcase_add_test(tc, missing_cache_means_defaults);
    tcase_add_test(tc, unsafe_files_are_refused);
    tcase_add_test(tc, damaged_files_are_refused);
    tcase_add_test(tc, consistent_but_invalid_values_are_refused);
    tcase_add_test(tc, a_replaced_cache_is_picked_up);
    tcase_add_test(tc, checksum_sees_every_byte);
    suite_add_tcase(s, tc);
    return s;
}
