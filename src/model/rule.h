/*
 * rule.h -- the red-line rule language: parse, compile, evaluate.
 *
 * Grammar (lowest precedence first; docs/rules.md is the user's guide):
 *   rule    := implies
 *   implies := or ( "->" implies )?            right-associative
 *   or      := and ( "or" and )*
 *   and     := not ( "and" not )*
 *   not     := "not" not | primary
 *   primary := "(" rule ")" | "true" | "false" | comparison
 *   comparison := operand op operand | operand "in" "{" value ("," value)* "}"
 *                 | operand "not" "in" "{" ... "}"
 *   op      := "==" | "!=" | "<" | "<=" | ">" | ">="
 *   operand := issue-name | "utility" "(" party-name ")" | number | value
 * Names and values are bare words ([A-Za-z_][A-Za-z0-9_.'-]*, where a
 * letter may also be any non-ASCII UTF-8 letter -- rule.c's
 * rule_is_letter_cp -- and a '-' followed by '>' ends a word), numbers, or
 * quoted strings ('...' or "..." with \\ and \' \" escapes) for names with
 * spaces or punctuation.  Keywords (and, or,
 * not, in, true, false, utility) are case-sensitive.
 * Typing, checked at compile time: a discrete issue compares with ==, !=,
 * in against its own value labels (a number token is matched as a label:
 * `price == 0` with value "0"); a numeric issue or utility(P) compares
 * with any op against a number (and `issue in {1, 2}`); two issues never
 * compare with each other.  Unknown issue, value or party: an error at the
 * token's position.
 *
 * A compiled rule is a small tree whose leaves are resolved: issue index
 * plus a bitset of accepted value indices (every comparison on an issue
 * becomes "value index in set", precomputed per value), or party index plus
 * a threshold for utility comparisons.  Evaluation is therefore a bitset
 * test per leaf.  Memory: one bitset of nvalues bits per issue leaf.
 */
#ifndef PARLEY_RULE_H
#define PARLEY_RULE_H

#include "model/model.h"

typedef enum rule_op {
    RULE_TRUE, RULE_FALSE,
    RULE_NOT, RULE_AND, RULE_OR, RULE_IMPLIES,
    RULE_ISSUE_IN,   /* issue value index in bitset */
    RULE_UTIL_CMP    /* utility(party) cmp threshold */
} rule_op;

typedef enum rule_cmp { RULE_EQ, RULE_NE, RULE_LT, RULE_LE, RULE_GT, RULE_GE } rule_cmp;

typedef struct rule {
    rule_op op;
    struct rule *a, *b;      /* children (NOT: a only) */
    size_t issue;            /* ISSUE_IN */
    uint64_t *bits;          /* ISSUE_IN: nvalues bits */
    size_t party;            /* UTIL_CMP */
    rule_cmp cmp;            /* UTIL_CMP */
    double threshold;        /* UTIL_CMP */
    size_t offset;           /* 0-based offset of the leaf in the text */
    size_t end;              /* leaves: offset just past its last token */
} rule;

/* Compile text against sc (issues and parties present now).  On success
 * *out is owned by the caller (free with rule_free(sc, r)).  On failure
 * err->column is the 1-based offset in text, err->line 0. */
parley_status rule_compile(const parley_scenario *sc, const char *text, rule **out,
                           parley_error *err);
void rule_free(const parley_scenario *sc, rule *r);

/* Evaluate on an outcome.  util holds every party's utility (indexed by
 * party) or is NULL when the rule uses no utility() (then never read). */
bool rule_eval(const rule *r, const uint32_t *outcome, const double *util);

/* True if the rule calls utility() anywhere. */
bool rule_uses_utility(const rule *r);

/* Three-valued evaluation on a partial outcome, for branch and bound:
 * assigned[i] tells whether issue i is fixed (value in outcome[i]); ulo/uhi
 * bound every party's utility (may be NULL if the rule uses none).
 * Returns 1 (holds for every completion), 0 (fails for every completion) or
 * -1 (unknown). */
int rule_eval_partial(const rule *r, const uint32_t *outcome, const bool *assigned,
                      const double *ulo, const double *uhi);

#endif
