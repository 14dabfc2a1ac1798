#include "config.h"

#include "glob.h"

static char folded(char c, bool fold_case)
{
    return fold_case && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool glob_match(const char *pattern, size_t plen, const char *s, size_t slen,
                bool fold_case)
{
    size_t p = 0, i = 0, star = (size_t)-1, resume = 0;

    while (i < slen) {
        if (p < plen && pattern[p] == '*') {
            star = p++;
            resume = i;
        } else if (p < plen && (pattern[p] == '?' ||
                                folded(pattern[p], fold_case) ==
                                    folded(s[i], fold_case))) {
            p++;
            i++;
        } else if (star != (size_t)-1) {
            p = star + 1;
            i = ++resume;
        } else {
            return false;
        }
    }
    while (p < plen && pattern[p] == '*')
        p++;
    return p == plen;
}
