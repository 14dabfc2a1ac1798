/* Lists of words for the exec path, as one string: "first\0second\0",
 * ended by an empty word.  An array of pointers would cost every process
 * one relocation per word at load time; a string costs none. */
#ifndef EXECLOG_WORDLIST_H
#define EXECLOG_WORDLIST_H

#include <string.h>

#define FOR_EACH_WORD(word, list) \
    for (const char *word = (list); *word != '\0'; word += strlen(word) + 1)

#endif
