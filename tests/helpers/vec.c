/*
 * vec.c -- utility vectors as the tests' brute-force oracles compare them:
 * lexicographic order and Pareto dominance, by the definitions (no
 * tolerance: the oracles and the library compare the same doubles).
 */
#include "helpers.h"

int vec_cmp(const double *a, const double *b, size_t d)
{
    for (size_t j = 0; j < d; j++)
        if (a[j] != b[j])
            return a[j] < b[j] ? -1 : 1;
    return 0;
}

bool vec_dominates(const double *a, const double *b, size_t d)
{
    bool gt = false;
    for (size_t j = 0; j < d; j++) {
        if (a[j] < b[j])
            return false;
        if (a[j] > b[j])
            gt = true;
    }
    return gt;
}
