/*
 * human.c -- a person at the table: the strategy behind `parley negotiate
 * --human PARTY`, reading the standard input line by line.
 *
 * At each turn the person sees the offer on the table (or the mediator's
 * text) with their own utility, and accepts, walks away or composes a
 * counter-offer issue by issue (mediated protocol: votes yes or no).  End
 * of input = walk away (vote no).
 *
 * Guard rails.  The person's reservation value and red lines are theirs to
 * know, so:
 *  - an offer below the reservation value or breaking a red line is said
 *    to be so, naming which -- and only then;
 *  - accepting such an offer, or sending one, asks "[y/N]" first;
 *  - in an issue's choice list, the values that would break a red line
 *    (with the rest of the draft as it stands) are marked '!' and the red
 *    lines concerned are named under the list;
 *  - a value is chosen by its label, by a unique start of a label that is
 *    not a number, or by '#N', its place in the list: "10" is always the
 *    value 10, never the tenth;
 *  - every line is wrapped at spaces to the terminal's width (80 when
 *    standard output is not a terminal), never inside a word.
 *
 * Uses the agent view (parley/agent.h) for what any strategy may know, and
 * the scenario only for the person's own red lines' names and texts.
 */
#include "human.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ------------------------------------------------------------ wrapped lines */

typedef struct hw {
    size_t width;  /* columns */
    size_t col;    /* the cursor's column */
    size_t indent; /* of continuation lines */
    bool bare;     /* nothing but indentation on this line yet */
} hw;

static size_t term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

static void hw_begin(hw *w, size_t indent)
{
    w->width = term_width();
    w->col = 0;
    w->indent = indent;
    w->bare = true;
}

static void hw_end(hw *w)
{
    putchar('\n');
    w->col = 0;
    w->bare = true;
}

/* Columns of s[0..n): one a UTF-8 code point. */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Put s[0..n), never broken: gap spaces after what the line holds, or at
 * the indent of a new line when it would pass the width. */
static void hw_put(hw *w, const char *s, size_t n, size_t gap)
{
    size_t c = columns(s, n);
    if (!w->bare && w->col + gap + c > w->width) {
        printf("\n%*s", (int)w->indent, "");
        w->col = w->indent;
        gap = 0;
    }
    printf("%*s%.*s", (int)gap, "", (int)n, s);
    w->col += gap + c;
    w->bare = false;
}

/* The length of the word at s: up to a space or a newline, a bracketed
 * part ("[your utility 0.4]") kept whole. */
static size_t word_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\n') {
        const char *close = s[n] == '[' ? strchr(s + n, ']') : NULL;
        const char *nl = strchr(s + n, '\n');
        n = close && (!nl || close < nl) ? (size_t)(close - s) + 1 : n + 1;
    }
    return n;
}

/* Put text word by word; runs of spaces are kept within a line, a
 * newline ends the line. */
static void hw_text(hw *w, const char *s)
{
    while (*s) {
        size_t gap = strspn(s, " ");
        s += gap;
        size_t n = word_len(s);
        if (n) {
            hw_put(w, s, n, gap);
            s += n;
        } else if (*s == '\n') {
            hw_end(w);
            s++;
        } else { /* trailing spaces (a prompt's) */
            printf("%*s", (int)gap, "");
            w->col += gap;
        }
    }
}

/* One line (or a prompt, when it ends with a space and no newline). */
static void say(size_t indent, const char *fmt, ...) PX_PRINTF(2, 3);
static void say(size_t indent, const char *fmt, ...)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, (size_t)1 << 20);
    va_list ap;
    va_start(ap, fmt);
    parleyx_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    hw w;
    hw_begin(&w, indent);
    hw_text(&w, b.data ? b.data : "");
    parleyx_buf_free(&b);
}

void cli_human_say(const char *line, size_t indent)
{
    hw w;
    hw_begin(&w, indent);
    hw_text(&w, line);
    hw_end(&w);
}

/* ------------------------------------------------------------ input */

/* A line of the standard input, trimmed, into buf (the rest of a longer
 * line is dropped); false at end of input.  When the input is not a
 * terminal (a file, a pipe), the line is echoed after its prompt, so that
 * the printout reads as the session went. */
static bool read_line(char *buf, size_t n)
{
    fflush(stdout);
    if (!fgets(buf, (int)n, stdin)) {
        printf("\n");
        return false;
    }
    size_t l = strlen(buf);
    if (l && buf[l - 1] != '\n') {
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n')
            ;
    }
    while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r' || buf[l - 1] == ' '))
        buf[--l] = '\0';
    char *p = buf;
    while (*p == ' ')
        p++;
    memmove(buf, p, strlen(p) + 1);
    if (!isatty(STDIN_FILENO))
        printf("%s\n", buf);
    return true;
}

/* A yes/no question, no by default: 1 yes ("y", "yes"), 0 no, -1 end of
 * input. */
static int confirm(const char *question)
{
    char line[64];
    say(2, "%s [y/N] ", question);
    if (!read_line(line, sizeof line))
        return -1;
    return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* ------------------------------------------------------------ the person's state */

typedef struct human_state {
    const parley_scenario *sc;
    size_t party;
    uint32_t *draft; /* the offer being composed, or the one on the table */
    uint32_t *tmp;
    unsigned char *mark; /* per red line: MARK_KEPT, MARK_BROKEN by the values of an issue */
} human_state;

static struct {
    const parley_scenario *sc;
    size_t party;
} table;

static void human_destroy(void *state)
{
    human_state *h = state;
    if (h) {
        free(h->draft);
        free(h->tmp);
        free(h->mark);
        free(h);
    }
}

static void *human_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    (void)params;
    human_state *h = calloc(1, sizeof *h);
    if (h) {
        h->sc = table.sc;
        h->party = table.party;
        h->draft = calloc(c->issues ? c->issues : 1, sizeof(uint32_t));
        h->tmp = calloc(c->issues ? c->issues : 1, sizeof(uint32_t));
        h->mark = calloc(parley_redline_count(h->sc, h->party) + 1, 1);
    }
    if (!h || !h->draft || !h->tmp || !h->mark) {
        human_destroy(h);
        snprintf(eb, el, PARLEY_AGENT_NOMEM);
        return NULL;
    }
    return h;
}

static double disc(const parley_agent_ctx *c, double u)
{
    return c->discount < 1.0 ? u * pow(c->discount, c->time(c)) : u;
}

/* u and r as text (buffers of n bytes), with the digits it takes to tell
 * them apart when they differ: never "0.4 is below 0.4". */
static void fmt_apart(double u, double r, char *fu, char *fr, size_t n)
{
    cli_fmt(u, fu, n);
    cli_fmt(r, fr, n);
    for (int p = 5; p <= 17 && u != r && strcmp(fu, fr) == 0; p++) {
        snprintf(fu, n, "%.*g", p, u);
        snprintf(fr, n, "%.*g", p, r);
    }
}

/* Why outcome o is not acceptable to the person, to follow "this offer":
 * "is below your reservation value R (your utility U) and breaks your red
 * lines A (RULE) and B (RULE)", appended to b; false, b untouched, when it
 * is acceptable. */
static bool why_not(human_state *h, const parley_agent_ctx *c, uint64_t o, px_buf *b)
{
    double u = c->utility(c, o);
    c->decode(c, o, h->tmp);
    size_t nlines = parley_redline_count(h->sc, h->party), nbroken = 0, seen = 0;
    for (size_t r = 0; r < nlines; r++)
        nbroken += !parley_redline_holds(h->sc, h->party, r, h->tmp);
    bool low = u < c->reservation;
    if (low) {
        char f[64], g[64];
        fmt_apart(u, c->reservation, f, g, sizeof f);
        parleyx_buf_printf(b, "is below your reservation value %s (your utility %s)", g, f);
    }
    if (nbroken)
        parleyx_buf_printf(b, "%sbreaks your red line%s ", low ? " and " : "",
                           nbroken > 1 ? "s" : "");
    for (size_t r = 0; r < nlines; r++) {
        if (parley_redline_holds(h->sc, h->party, r, h->tmp))
            continue;
        seen++;
        parleyx_buf_printf(b, "%s%s (%s)", seen == 1 ? "" : seen == nbroken ? " and " : ", ",
                           parley_redline_name(h->sc, h->party, r),
                           parley_redline_text(h->sc, h->party, r));
    }
    return low || nbroken;
}

/* ------------------------------------------------------------ choosing a value */

static bool is_number(const char *s)
{
    double x;
    return parleyx_parse_double(s, &x);
}

/* For each red line of the person, whether some value of issue i keeps
 * it (MARK_KEPT) and some breaks it (MARK_BROKEN), the rest of the draft
 * as it stands, into h->mark. */
enum { MARK_KEPT = 1, MARK_BROKEN = 2 };

static void mark_lines(human_state *h, const parley_agent_ctx *c, size_t i, size_t nlines)
{
    memset(h->mark, 0, nlines + 1);
    memcpy(h->tmp, h->draft, c->issues * sizeof(uint32_t));
    for (uint32_t k = 0; k < c->values[i]; k++) {
        h->tmp[i] = k;
        for (size_t r = 0; r < nlines; r++)
            h->mark[r] |= parley_redline_holds(h->sc, h->party, r, h->tmp) ? MARK_KEPT
                                                                             : MARK_BROKEN;
    }
}

/* The values of issue i with the person's utility if chosen (the rest of
 * the draft kept), '*' on the draft's, '!' on those that break a red line
 * another value keeps; then those red lines, and the ones every value
 * breaks (the draft's other issues break them). */
static void show_choices(human_state *h, const parley_agent_ctx *c, size_t i)
{
    char lab[PARLEY_MAX_NAME + 1], f[64], unit[PARLEY_MAX_NAME + 96];
    const char *issue = c->issue_name(c, i);
    size_t nlines = parley_redline_count(h->sc, h->party);
    mark_lines(h, c, i, nlines);
    say(4, "  %s: your utility with each value (* your draft, ! breaks a red line):\n", issue);
    hw w;
    hw_begin(&w, 4);
    for (uint32_t k = 0; k < c->values[i]; k++) {
        h->tmp[i] = k;
        bool bang = false;
        for (size_t r = 0; r < nlines && !bang; r++)
            bang = h->mark[r] == (MARK_KEPT | MARK_BROKEN) &&
                   !parley_redline_holds(h->sc, h->party, r, h->tmp);
        int len = snprintf(unit, sizeof unit, "#%u %s [%s]%s%s", k + 1,
                           c->value_label(c, i, k, lab, sizeof lab),
                           cli_fmt(c->utility(c, c->encode(c, h->tmp)), f, sizeof f),
                           k == h->draft[i] ? "*" : "", bang ? "!" : "");
        size_t n = len < 0 ? 0 : (size_t)len < sizeof unit ? (size_t)len : sizeof unit - 1;
        hw_put(&w, unit, n, k ? 2 : 4);
    }
    hw_end(&w);
    for (size_t r = 0; r < nlines; r++) {
        const char *name = parley_redline_name(h->sc, h->party, r);
        const char *rule = parley_redline_text(h->sc, h->party, r);
        if (h->mark[r] == (MARK_KEPT | MARK_BROKEN))
            say(6, "    ! breaks your red line %s (%s)\n", name, rule);
        else if (h->mark[r] == MARK_BROKEN)
            say(6, "    whatever the %s, your draft breaks your red line %s (%s)\n", issue, name,
                rule);
    }
}

/* The prompt says how a value is named: a bare number is always a value,
 * '#' and a number its place in the list. */
static void prompt_value(const parley_agent_ctx *c, size_t i)
{
    char lab[PARLEY_MAX_NAME + 1];
    uint32_t n = c->values[i];
    bool numeric = false;
    for (uint32_t k = 0; k < n && !numeric; k++)
        numeric = is_number(c->value_label(c, i, k, lab, sizeof lab));
    c->value_label(c, i, n - 1, lab, sizeof lab);
    if (numeric)
        say(4, "  type a value as shown (a bare number is a value: %s), or # and its place in "
               "the list (#%u is %s); empty keeps *: ",
            lab, n, lab);
    else
        say(4, "  type a value, a unique start of it, or # and its place in the list (#%u is %s); "
               "empty keeps *: ",
            n, lab);
}

/* The values of issue i that word may name, other than by its exact
 * label: the same number, or (for a word that is not a number) labels
 * that are not numbers and start with it, in any case.  Their count; the
 * first into *v, all of them listed into b. */
static size_t candidates(const parley_agent_ctx *c, size_t i, const char *word, uint32_t *v,
                         px_buf *b)
{
    char lab[PARLEY_MAX_NAME + 1];
    double x, y;
    bool num = parleyx_parse_double(word, &x);
    size_t hits = 0, len = strlen(word);
    for (uint32_t k = 0; k < c->values[i]; k++) {
        c->value_label(c, i, k, lab, sizeof lab);
        bool labnum = parleyx_parse_double(lab, &y);
        if (num ? !(labnum && y == x) : labnum || strncasecmp(lab, word, len) != 0)
            continue;
        if (!hits)
            *v = k;
        parleyx_buf_printf(b, "%s%s", hits ? ", " : "", lab);
        hits++;
    }
    return hits;
}

/* The value of issue i that word names, into *v; false (after saying
 * why) when it names none or several. */
static bool match_value(const parley_agent_ctx *c, size_t i, const char *word, uint32_t *v)
{
    char lab[PARLEY_MAX_NAME + 1];
    uint32_t n = c->values[i];
    for (uint32_t k = 0; k < n; k++)
        if (strcmp(word, c->value_label(c, i, k, lab, sizeof lab)) == 0) {
            *v = k;
            return true;
        }
    if (word[0] == '#') {
        char *end;
        unsigned long k = strtoul(word + 1, &end, 10);
        if (word[1] >= '0' && word[1] <= '9' && !*end && k >= 1 && k <= n) {
            *v = (uint32_t)(k - 1);
            return true;
        }
        say(4, "  '%s': the list goes from #1 to #%u; try again\n", word, n);
        return false;
    }
    px_buf b;
    parleyx_buf_init(&b, NULL, (size_t)1 << 20);
    size_t hits = candidates(c, i, word, v, &b);
    if (hits > 1)
        say(4, "  '%s' starts %zu values (%s): type more of it\n", word, hits, b.data);
    else if (!hits)
        say(4, "  '%s' is not one of the %u values of %s; type one as shown, or # and its place "
               "in the list\n",
            word, n, c->issue_name(c, i));
    parleyx_buf_free(&b);
    return hits == 1;
}

/* Ask for the value of issue i into the draft; false at end of input. */
static bool choose_value(human_state *h, const parley_agent_ctx *c, size_t i)
{
    char line[PARLEY_MAX_NAME + 64];
    show_choices(h, c, i);
    for (;;) {
        prompt_value(c, i);
        if (!read_line(line, sizeof line))
            return false;
        uint32_t v = 0;
        if (!line[0])
            return true;
        if (match_value(c, i, line, &v)) {
            h->draft[i] = v;
            return true;
        }
    }
}

/* ------------------------------------------------------------ the strategy */

static bool human_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    human_state *h = state;
    char f[64], g[64];
    size_t n = c->history_count(c);
    uint64_t base = n ? c->history_offer(c, n - 1, NULL)
                      : (c->ranked_count(c) ? c->ranked(c, 0) : 0);
    c->decode(c, base, h->draft);
    say(2, "Compose your offer, issue by issue:\n");
    for (;;) {
        for (size_t i = 0; i < c->issues; i++) {
            if (!choose_value(h, c, i)) {
                say(2, "(end of input: you walk away)\n");
                return false;
            }
            say(4, "  your utility so far: %s\n",
                cli_fmt(c->utility(c, c->encode(c, h->draft)), f, sizeof f));
        }
        *offer = c->encode(c, h->draft);
        double u = c->utility(c, *offer);
        say(2, "Your offer: your utility %s (discounted %s).\n", cli_fmt(u, f, sizeof f),
            cli_fmt(disc(c, u), g, sizeof g));
        px_buf why;
        parleyx_buf_init(&why, NULL, (size_t)1 << 20);
        int yes = 1;
        if (why_not(h, c, *offer, &why)) {
            say(2, "It %s.\n", why.data);
            yes = confirm("Send it all the same?");
        }
        parleyx_buf_free(&why);
        if (yes >= 0 && !yes)
            say(2, "Then change it, issue by issue (empty keeps your draft's value):\n");
        if (yes < 0)
            say(2, "(end of input: you walk away)\n");
        if (yes)
            return yes > 0;
    }
}

/* The offer on the table (or the mediator's text) and the person's
 * utility; whether it is below their reservation value or breaks a red
 * line into why. */
static bool show_offer(human_state *h, const parley_agent_ctx *c, uint64_t o, px_buf *why)
{
    char f[64], g[64], r[64], lab[PARLEY_MAX_NAME + 1];
    size_t n = c->history_count(c), seat = SIZE_MAX;
    if (n)
        c->history_offer(c, n - 1, &seat);
    printf("\n");
    if (c->mediated)
        say(2, "Round %lu (t = %s). The mediator proposes:\n", c->round(c),
            cli_fmt(c->time(c), f, sizeof f));
    else
        say(2, "Round %lu (t = %s). On the table, from %s:\n", c->round(c),
            cli_fmt(c->time(c), f, sizeof f), c->party_name(c, seat));
    c->decode(c, o, h->draft);
    for (size_t i = 0; i < c->issues; i++)
        say(19, "  %-16s %s\n", c->issue_name(c, i),
            c->value_label(c, i, h->draft[i], lab, sizeof lab));
    double u = c->utility(c, o);
    fmt_apart(u, c->reservation, f, r, sizeof f);
    say(2, "Your utility: %s (discounted %s); your reservation value %s.\n", f,
        cli_fmt(disc(c, u), g, sizeof g), r);
    bool bad = why_not(h, c, o, why);
    if (bad)
        say(2, "Careful: this %s %s.\n", c->mediated ? "text" : "offer", why->data);
    return bad;
}

/* The answer a letter gives; false when it gives none. */
static bool answer_of(const parley_agent_ctx *c, char k, parley_response *r)
{
    if (k == 'a' || (c->mediated && k == 'y'))
        *r = PARLEY_RESPONSE_ACCEPT;
    else if (c->mediated ? k == 'n' || k == 'r' : k == 'c')
        *r = PARLEY_RESPONSE_REJECT;
    else if (!c->mediated && k == 'w')
        *r = PARLEY_RESPONSE_END;
    else
        return false;
    return true;
}

/* End of input: walk away (mediated: vote no). */
static parley_response end_of_input(const parley_agent_ctx *c)
{
    say(2, c->mediated ? "(end of input: you vote no)\n" : "(end of input: you walk away)\n");
    return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
}

/* Accept an offer (vote yes for a text) that is what why says? 1 yes, 0
 * no, -1 end of input. */
static int confirm_accept(const parley_agent_ctx *c, const px_buf *why)
{
    px_buf q;
    parleyx_buf_init(&q, NULL, (size_t)1 << 20);
    parleyx_buf_printf(&q, "%s that %s?", c->mediated ? "Vote yes for a text" : "Accept an offer",
                       why->data);
    int yes = confirm(q.data ? q.data : "Accept it?");
    parleyx_buf_free(&q);
    return yes;
}

static parley_response human_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    human_state *h = state;
    char line[256];
    px_buf why;
    parleyx_buf_init(&why, NULL, (size_t)1 << 20);
    bool bad = show_offer(h, c, o, &why);
    parley_response r;
    for (;;) {
        say(2, c->mediated ? "[y]es or [n]o? " : "[a]ccept, [c]ounter-offer or [w]alk away? ");
        if (!read_line(line, sizeof line)) {
            r = end_of_input(c);
            break;
        }
        if (!answer_of(c, line[0], &r)) {
            say(2, "please answer with one of the letters in brackets\n");
            continue;
        }
        if (r != PARLEY_RESPONSE_ACCEPT || !bad)
            break;
        int yes = confirm_accept(c, &why);
        if (yes < 0)
            r = end_of_input(c);
        if (yes)
            break;
    }
    parleyx_buf_free(&why);
    return r;
}

static const parley_strategy human_strategy = {PARLEY_AGENT_ABI, "human",       human_create,
                                               human_propose,    human_respond, NULL,
                                               human_destroy};

const parley_strategy *cli_human_strategy(const parley_scenario *sc, size_t party)
{
    table.sc = sc;
    table.party = party;
    return &human_strategy;
}
