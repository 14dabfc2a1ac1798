/* src/strings.c under the names of tests/strings-renamed.h.
 *
 * Compiled with the library's flags for that file (-fno-builtin and the
 * rest), but its functions are renamed: a test program that defined memcpy
 * itself would hand its own copy to libc, Check and the test's reference
 * calls alike, and compare the function with itself.  libc's <string.h>
 * comes first, under libc's names, so that the renames below touch only
 * src/strings.c (its own #include <string.h> then does nothing).  A
 * function added to src/strings.c needs a line here and in the header, or
 * the test program would carry it under libc's name. */
#include "config.h"

#include <string.h>

#include "strings-renamed.h"

#define memcpy el_memcpy
#define memmove el_memmove
#define memset el_memset
#define memcmp el_memcmp
#define bcmp el_bcmp
#define memchr el_memchr
#define strlen el_strlen
#define strnlen el_strnlen
#define strchrnul el_strchrnul
#define strchr el_strchr
#define strrchr el_strrchr
#define strncmp el_strncmp
#define strcmp el_strcmp
#define strspn el_strspn
#define strstr el_strstr

#include "../src/strings.c"
