# slow_scenario FILE: write a scenario on which a session takes seconds:
# 8 issues of 5 values (390,625 outcomes), two parties with random value
# tables; nice-tit-for-tat against hardliner takes about 0.05 s a round
# (it re-estimates the Nash point after each of their offers).  Sourced by
# tests/cli/interrupt_tournament.case and timed_tournament_limit.case.
slow_scenario() {
  awk 'BEGIN { srand(5); n = 8; m = 5
    print "parley: 1"; print "issues:"
    for (i = 0; i < n; i++) {
      s = "  i" i ": {values: ["
      for (k = 0; k < m; k++) s = s (k ? ", " : "") "v" k
      print s "]}"
    }
    print "parties:"
    for (p = 0; p < 2; p++) {
      print "  P" p ":"; print "    utility:"
      for (i = 0; i < n; i++) {
        s = "      i" i ": {weight: " 1 / n ", values: {"
        for (k = 0; k < m; k++) s = s (k ? ", " : "") "v" k ": " int(rand() * 100) / 100
        print s "}}"
      }
    }
  }' >"$1"
}
