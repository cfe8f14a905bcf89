/*
 * test_human_pty.c -- `parley negotiate --human` at a real terminal: the
 * tool runs on a pseudo-terminal 50 columns wide (posix_openpt; no
 * -lutil), and the test plays the person as expect(1) would, answering
 * each prompt once it is shown, the terminal echoing what is typed.
 *
 * What only a terminal shows: the lines are wrapped to its width (not
 * the 80 columns used off a terminal), never inside a word, and the
 * questions read right with the answers echoed after them.  And off a
 * terminal (a pipe), the 80 columns.
 */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "helpers/helpers.h"

#define BIN PARLEY_BINARY_DIR "/parley"
#define EXAMPLES PARLEY_SOURCE_DIR "/examples"
#define COLUMNS 50

typedef struct pty_run {
    int fd;     /* the terminal's master side */
    pid_t pid;
    char *out;  /* everything shown, carriage returns dropped */
    size_t len, cap, seen;
} pty_run;

/* Start argv on a new terminal of cols columns; false (test skipped by
 * the caller) when the system has no pseudo-terminals. */
static bool pty_start(pty_run *p, unsigned short cols, char *const argv[])
{
    memset(p, 0, sizeof *p);
    p->fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->fd < 0 || grantpt(p->fd) != 0 || unlockpt(p->fd) != 0)
        return false;
    const char *name = ptsname(p->fd);
    if (!name)
        return false;
    struct winsize ws = {.ws_row = 40, .ws_col = cols};
    cr_assert_eq(ioctl(p->fd, TIOCSWINSZ, &ws), 0);
    p->pid = fork();
    cr_assert_neq(p->pid, -1);
    if (p->pid == 0) {
        setsid();
        int s = open(name, O_RDWR); /* the session's controlling terminal */
        if (s < 0)
            _exit(126);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        execv(argv[0], argv);
        _exit(127);
    }
    p->cap = 1 << 16;
    p->out = calloc(p->cap, 1);
    cr_assert_not_null(p->out);
    return true;
}

/* Read what the terminal shows for up to ms milliseconds; false at its
 * end (the tool has exited). */
static bool pty_read(pty_run *p, int ms)
{
    struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
    if (poll(&pfd, 1, ms) <= 0)
        return true;
    char buf[4096];
    ssize_t n = read(p->fd, buf, sizeof buf);
    if (n <= 0)
        return false; /* EIO: no process holds the terminal any more */
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\r')
            continue;
        if (p->len + 1 >= p->cap) {
            p->cap *= 2;
            p->out = realloc(p->out, p->cap);
            cr_assert_not_null(p->out);
        }
        p->out[p->len++] = buf[i];
    }
    p->out[p->len] = '\0';
    return true;
}

/* Wait (10 s at most) until the terminal shows prompt after what was
 * already answered, then type answer and Enter. */
static void pty_answer(pty_run *p, const char *prompt, const char *answer)
{
    for (int waited = 0; !strstr(p->out + p->seen, prompt); waited += 20) {
        cr_assert(waited < 10000, "no '%s' on the terminal after 10 s:\n%s", prompt, p->out);
        cr_assert(pty_read(p, 20), "the tool ended before '%s':\n%s", prompt, p->out);
    }
    p->seen = (size_t)(strstr(p->out + p->seen, prompt) - p->out) + strlen(prompt);
    char line[256];
    snprintf(line, sizeof line, "%s\n", answer);
    cr_assert_eq(write(p->fd, line, strlen(line)), (ssize_t)strlen(line));
}

/* Read to the end; the tool's exit status. */
static int pty_finish(pty_run *p)
{
    for (int waited = 0; pty_read(p, 20); waited += 20)
        if (waited > 10000) {
            kill(p->pid, SIGKILL);
            cr_assert_fail("the tool did not end:\n%s", p->out);
        }
    int status;
    cr_assert_eq(waitpid(p->pid, &status, 0), p->pid);
    close(p->fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Every line of s at most width columns (ASCII). */
static void assert_width(const char *s, size_t width)
{
    for (const char *line = s; *line;) {
        size_t n = strcspn(line, "\n");
        cr_assert(n <= width, "a line of %zu columns:\n%.*s\nin:\n%s", n, (int)n, line, s);
        line += n + (line[n] == '\n');
    }
}

Test(human_pty, the_person_at_a_narrow_terminal)
{
    char bin[] = BIN, cmd[] = "negotiate", in[] = EXAMPLES "/buyer-seller.yaml",
         human[] = "--human", buyer[] = "Buyer", agent[] = "--agent",
         seller[] = "Seller=hardliner", rounds[] = "--rounds", ten[] = "10";
    char *argv[] = {bin, cmd, in, human, buyer, agent, seller, rounds, ten, NULL};
    pty_run p;
    if (!pty_start(&p, COLUMNS, argv))
        cr_skip_test("no pseudo-terminal (posix_openpt): %s", strerror(errno));
    const char *keep = "keeps *: "; /* the prompt may wrap before "keeps" */
    pty_answer(&p, keep, "12");     /* price: the value 12, over the budget */
    pty_answer(&p, keep, "#3");     /* warranty: the third, 12 */
    pty_answer(&p, keep, "next-w"); /* delivery: next-week */
    pty_answer(&p, "[y/N] ", "n");  /* not sent: composed again */
    pty_answer(&p, keep, "11");
    pty_answer(&p, keep, "");
    pty_answer(&p, keep, "");
    pty_answer(&p, "[w]alk away? ", "a");
    pty_answer(&p, "[y/N] ", "");   /* Enter: no */
    pty_answer(&p, "[w]alk away? ", "w");
    int rc = pty_finish(&p);
    const char *out = p.out;
    cr_assert_eq(rc, 0, "%s", out);
    /* the terminal's width, not 80 columns */
    assert_width(out, COLUMNS);
    /* the choice list wraps between choices, never inside one */
    cr_assert(strstr(out, "    #17 11.2 [0.52]  #18 11.4 [0.49]\n"
                          "    #19 11.6 [0.46]!  #20 11.8 [0.43]!\n"
                          "    #21 12 [0.4]!\n"
                          "    ! breaks your red line budget (price <= 11.4)\n"),
              "%s", out);
    /* the answers, echoed, read right after their questions */
    cr_assert(strstr(out, "It is below your reservation value 0.3 (your\n"
                          "  utility 0.22) and breaks your red line budget\n"
                          "  (price <= 11.4).\nSend it all the same? [y/N] n\n"),
              "%s", out);
    cr_assert(strstr(out, "round 1  Buyer offers: price=11, warranty=12,\n"
                          "    delivery=next-week  [your utility 0.37]\n"),
              "%s", out);
    cr_assert(strstr(out, "[a]ccept, [c]ounter-offer or [w]alk away? a\n"
                          "Accept an offer that is below your reservation\n"
                          "  value 0.3 (your utility 0.07) and breaks your\n"
                          "  red line budget (price <= 11.4)? [y/N] \n"),
              "%s", out);
    cr_assert(strstr(out, "Buyer walked away in round 2"), "%s", out);
    free(p.out);
}

Test(human_pty, lines_fit_80_columns_off_a_terminal)
{
    char *out;
    int rc = run_command("printf 'c\\nfr\\nart\\n#5\\n\\n\\n\\nw\\n' | '" BIN
                         "' negotiate '" EXAMPLES
                         "/abu-dhabi-2026.yaml' --human Ukraine --rounds 3 --agent "
                         "Russia=time-dependent-at-least 2>&1",
                         &out);
    cr_assert_eq(rc, 0, "%s", out);
    assert_width(out, 80);
    /* offers wrap between words, a bracket kept whole; the answers read
     * from a pipe are echoed after their prompts */
    cr_assert(strstr(out, "round 1  Russia offers: donbas=ceded-to-russia, guarantees=none, "
                          "weapons=20,\n    zaporizhzhia=russia-operated, sanctions=eased, "
                          "referendum=held\n    [your utility 0.155]\n"),
              "%s", out);
    cr_assert(strstr(out, "[a]ccept, [c]ounter-offer or [w]alk away? c\n"), "%s", out);
    free(out);
}
