/*
 * test_yaml_quotes.c -- parley's own decoding of single-quoted YAML
 * scalars (parleyx_yaml_single_quoted; libfyaml 0.7.12 leaks on some):
 * the YAML 1.2 spec's examples, and agreement with libfyaml's decoding on
 * random scalars of the kinds libfyaml handles without leaking (at most
 * one '' escape).
 */
#include <criterion/criterion.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "parleyx.h"

static char *decode(const char *quoted) /* quoted starts with the quote */
{
    size_t n = strlen(quoted);
    char *out = calloc(n + 1, 1);
    size_t len = parleyx_yaml_single_quoted(quoted, n, 1, out);
    cr_assert_neq(len, SIZE_MAX, "no closing quote in %s", quoted);
    out[len] = '\0';
    return out;
}

Test(yaml_quotes, spec_examples)
{
    struct {
        const char *in, *want;
    } cases[] = {
        {"'here''s to \"quotes\"'", "here's to \"quotes\""},          /* 7.7 */
        {"' 1st non-empty\n\n 2nd non-empty \n\t3rd non-empty '",    /* 7.9 */
         " 1st non-empty\n2nd non-empty 3rd non-empty "},
        {"''", ""},
        {"''''", "'"},
        {"'a''''b'", "a''b"},
        {"'x\r\n  y'", "x y"},
        {"'x\n\n\n y'", "x\n\ny"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *got = decode(cases[k].in);
        cr_assert_str_eq(got, cases[k].want, "case %zu", k);
        free(got);
    }
    char out[8];
    cr_assert_eq(parleyx_yaml_single_quoted("'abc", 4, 1, out), SIZE_MAX);
}

static char *fy_text(const char *doc)
{
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET;
    struct fy_parser *p = fy_parser_create(&cfg);
    cr_assert_not_null(p);
    fy_parser_set_string(p, doc, strlen(doc));
    struct fy_event *ev;
    char *res = NULL;
    int scalars = 0;
    while ((ev = fy_parser_parse(p)) != NULL) {
        if (ev->type == FYET_SCALAR && ++scalars == 2) {
            size_t len;
            const char *t = fy_token_get_text(ev->scalar.value, &len);
            res = strndup(t ? t : "", len);
        }
        fy_parser_event_free(p, ev);
    }
    fy_parser_destroy(p);
    return res;
}

Test(yaml_quotes, agrees_with_libfyaml)
{
    const char alphabet[] = "ab \t\n";
    srand(5);
    for (int t = 0; t < 3000; t++) {
        char body[64];
        size_t n = (size_t)(rand() % 20);
        for (size_t i = 0; i < n; i++)
            body[i] = alphabet[rand() % 5];
        body[n] = '\0';
        if (rand() % 3 == 0 && n > 0) /* one escaped quote */
            body[rand() % n] = '\x01';
        char quoted[160], doc[200];
        size_t q = 0;
        quoted[q++] = '\'';
        for (size_t i = 0; i < n; i++) {
            if (body[i] == '\x01') {
                quoted[q++] = '\'';
                quoted[q++] = '\'';
            } else {
                quoted[q++] = body[i];
            }
        }
        quoted[q++] = '\'';
        quoted[q] = '\0';
        snprintf(doc, sizeof doc, "k: %s\n", quoted);
        /* continuation lines must be indented in a block mapping */
        char fixed[400];
        size_t o = 0;
        for (const char *s = doc; *s; s++) {
            fixed[o++] = *s;
            if (*s == '\n' && s[1])
                fixed[o++] = ' ';
        }
        fixed[o] = '\0';
        char *want = fy_text(fixed);
        if (!want)
            continue; /* not a valid document */
        const char *at = strchr(fixed, '\'');
        char *got = calloc(strlen(at) + 1, 1);
        size_t len = parleyx_yaml_single_quoted(fixed, strlen(fixed), (size_t)(at - fixed) + 1, got);
        cr_assert_neq(len, SIZE_MAX);
        got[len] = '\0';
        cr_assert_str_eq(got, want, "document: %s", fixed);
        free(got);
        free(want);
    }
}
