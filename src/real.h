/* libc's own posix_spawn, posix_spawnp, system and popen, for the wrappers
 * that hand over to them. */
#ifndef EXECLOG_REAL_H
#define EXECLOG_REAL_H

/* The function called name in the objects after this library, looked up
 * at first use and kept in *slot: NULL if there is none. */
void *real_function(void **slot, const char *name);

#endif
