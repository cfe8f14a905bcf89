/*
 * counting_alloc.c -- the tests' counting allocator (see helpers.h).
 *
 * Invariant: blocks and bytes count exactly the memory handed out and not
 * yet given back, by the sizes the library passes; so both are 0 after a
 * clean run, and a leak or a free with a wrong size shows in them.  Calls
 * counts requests with nsize > 0, failed ones included, so fail_at = n
 * picks the n-th request of a run.
 */
#include <stdlib.h>

#include "helpers/helpers.h"

void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    counting *c = ud;
    if (nsize == 0) {
        if (ptr) {
            c->blocks--;
            c->bytes -= (long)osize;
        }
        free(ptr);
        return NULL;
    }
    c->calls++;
    if (c->fail_at && c->calls == c->fail_at)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p) {
        if (!ptr)
            c->blocks++;
        c->bytes += (long)nsize - (long)(ptr ? osize : 0);
    }
    return p;
}
