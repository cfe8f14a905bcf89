# man.awk -- writes a man page (roff, the man macros) from the records of
# parse.awk.  Variables: name ("parley-analyze"), summary (the NAME line's
# text), version ("parley 0.1.0"), docdir (where the documentation is
# installed), see (the SEE ALSO references, "parley(1)" or a list).
# The page holds the help text word for word: the usage lines become the
# SYNOPSIS, the paragraphs before the first heading the DESCRIPTION, the
# headings "Options", "Commands" and "Exit status" sections of their own,
# any other heading a subsection, and each list entry a tagged paragraph.
# The page sets no hyphenation and ragged right: option names stay whole.

# Text with roff's special characters escaped: backslashes, a leading dot
# or quote (a request), and minus signs (so that options copy as typed).
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    if (s ~ /^[.']/) s = "\\&" s
    return s
}
# A macro's argument: quoted, its double quotes escaped.
function arg(s) { s = esc(s); gsub(/"/, "\\(dq", s); return "\"" s "\"" }
# A list entry's term: the option names (and commands) bold, the values italic.
function term(s,   n, w, i, out) {
    n = split(s, w, / /)
    out = ""
    for (i = 1; i <= n; i++) {
        if (w[i] ~ /^-/ || (i == 1 && w[i] ~ /^[a-z]+$/)) out = out (i > 1 ? " " : "") "\\fB" esc(w[i]) "\\fR"
        else out = out (i > 1 ? " " : "") "\\fI" esc(w[i]) "\\fR"
    }
    return out
}
# A usage line: the program and command names bold.
function usage(s,   n, w, i, out, bold) {
    n = split(s, w, / /)
    out = ""; bold = 1
    for (i = 1; i <= n; i++) {
        if (bold && w[i] !~ /^[a-z][a-z-]*$/) bold = 0
        out = out (i > 1 ? " " : "") (bold ? "\\fB" esc(w[i]) "\\fR" : esc(w[i]))
    }
    return out
}
function section(h) {
    if (h == "Options") print ".SH OPTIONS"
    else if (h == "Commands") print ".SH COMMANDS"
    else if (h == "Exit status") print ".SH \"EXIT STATUS\""
    else print ".SS " arg(h)
    fresh = 1
    tp = h == "Commands" ? ".TP 12" : ".TP"
}

BEGIN {
    FS = "\t"
    up = toupper(name); gsub(/-/, "\\-", up)
    print ".\\\" " name "(1), generated from the text of --help by scripts/helpdoc/gen.sh; do not edit."
    print ".TH " up " 1 \"\" " arg(version) " \"User Commands\""
    print ".nh"
    print ".ad l"
    print ".SH NAME"
    print esc(name) " \\- " esc(summary)
    print ".SH SYNOPSIS"
    nusage = 0; body = 0
}
$1 == "usage" {
    if (nusage++) print ".br"
    print usage($2)
    next
}
!body { print ".SH DESCRIPTION"; body = 1; fresh = 1; tp = ".TP" }
# (no .PP right after a heading: the heading starts a paragraph)
$1 == "para" { if (!fresh) print ".PP"; print esc($2); fresh = 0 }
$1 == "head" { section($2) }
$1 == "item" { print tp; print term($2); print esc($3); fresh = 0 }
END {
    if (!body) print ".SH DESCRIPTION"
    print ".SH \"SEE ALSO\""
    print esc(see)
    print ".PP"
    print "The documentation, with the scenario format and the algorithms: " esc(docdir) "."
}
