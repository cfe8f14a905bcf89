# parse.awk -- reads the text of `parley --help` or `parley COMMAND --help`
# and writes its parts, one a line, fields separated by tabs:
#   usage TAB LINE          a usage line, without "Usage: " ("parley info [--json] INPUT...")
#   para  TAB TEXT          a paragraph, its lines joined by spaces
#   head  TAB HEADING       a heading ("Options" for "Options:"; "Exit status"
#                           for a line that starts "Exit status:", the rest of
#                           which is the next paragraph)
#   item  TAB TERM TAB TEXT an entry of a list ("--csv FILE", "write the ...")
# The help texts follow one layout (cli/*.c): the usage lines, then blocks
# separated by blank lines; a list's entries are indented by two spaces, their
# text starts in one column, and lines indented deeper continue the text.
# man.awk, bash.awk and zsh.awk write the man pages and completions from these
# records, so all of them say what --help says.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function indent(s) { match(s, /^ */); return RLENGTH }

function flush_para() {
    if (para != "") print "para\t" para
    para = ""
}
function flush_item() {
    if (term != "") print "item\t" term "\t" desc
    term = ""; desc = ""
}
function add(s1, s2) { return s1 == "" ? s2 : s1 " " s2 }

# The column (from 1) where the entries' text starts: the smallest column of
# a text after a gap of two spaces or more, or of a continuation line.
function text_column(   i, c, best) {
    best = 0
    for (i = 1; i <= n; i++) {
        if (indent(line[i]) > 2) c = indent(line[i]) + 1
        else if (indent(line[i]) == 2 && match(substr(line[i], 3), /[^ ]  +[^ ]/))
            c = 2 + RSTART + RLENGTH - 1
        else continue
        if (best == 0 || c < best) best = c
    }
    return best
}

# One entry line (indented by two spaces): its term, and its text if any.
function entry(s, col,   t) {
    flush_item()
    t = substr(s, 3)
    if (match(t, /  +/)) {
        term = substr(t, 1, RSTART - 1); desc = trim(substr(t, RSTART + RLENGTH))
    } else if (col > 4 && length(s) >= col && substr(s, col - 1, 1) == " " && substr(s, col, 1) != " ") {
        # one space only between the term and the text, in the text's column
        term = trim(substr(s, 3, col - 3)); desc = trim(substr(s, col))
    } else {
        term = trim(t); desc = ""
    }
}

function block(   i, s, col) {
    col = text_column()
    for (i = 1; i <= n; i++) {
        s = line[i]
        if (indent(s) > 2) {
            if (term != "") desc = add(desc, trim(s))
            else para = add(para, trim(s))
        } else if (indent(s) == 2) {
            flush_para()
            entry(s, col)
        } else if (s ~ /:$/ && i < n && indent(line[i + 1]) >= 2) {
            flush_para(); flush_item()
            print "head\t" substr(s, 1, length(s) - 1)
        } else if (s ~ /^Exit status:/) {
            flush_para(); flush_item()
            print "head\tExit status"
            para = trim(substr(s, 13))
        } else {
            flush_item()
            para = add(para, trim(s))
        }
    }
    flush_para(); flush_item()
    n = 0
}

BEGIN { state = "start"; n = 0 }
{ sub(/\r$/, "") }
state == "start" {
    if ($0 !~ /^Usage: /) { print "parse.awk: help text does not start with 'Usage: '" > "/dev/stderr"; exit 1 }
    usage = substr($0, 8); state = "usage"; next
}
state == "usage" {
    if ($0 ~ /^[ \t]*$/) { print "usage\t" usage; state = "body"; next }
    if (trim($0) ~ /^parley /) { print "usage\t" usage; usage = trim($0) }
    else usage = usage " " trim($0)
    next
}
/^[ \t]*$/ { if (n) block(); next }
{ line[++n] = $0 }
END {
    if (state == "usage") print "usage\t" usage
    if (n) block()
}
