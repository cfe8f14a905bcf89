# options.awk -- what the completions need, gathered from the records of
# parse.awk for `parley --help` and every command's --help, as gen.sh
# writes them: a line "command TAB NAME" (NAME empty for `parley --help`)
# before each command's records.  Read by bash.awk and zsh.awk (awk -f
# options.awk -f bash.awk), whose END prints the completion from:
#   ncmd, cmds[1..ncmd]     the commands, in the order of `parley --help`
#   summary[C]              a command's line in `parley --help`
#   globals                 the options of `parley` alone ("--help --version")
#   opts[C]                 a command's options, space-separated, in order
#   optval[C, O]            the value an option takes ("FILE", "smp|bdm"), or ""
#   optdesc[C, O]           what the option does, as --help says
#   subs[C]                 a command's own commands ("merge rank"), space-separated
# Options come from the entries of the lists and from the usage lines (some
# commands show --drop, --set and --add only there).

# What an option's value is: "file", "dir", "word W..." (one of these words),
# or "value" (something to type: a number, a name).
function value_kind(v,   w) {
    if (v ~ /^[a-z0-9-]+(\|[a-z0-9-]+)+$/) { w = v; gsub(/\|/, " ", w); return "word " w }
    if (v == "DIR") return "dir"
    if (v ~ /FILE/ || v ~ /^[A-Za-z]+\.[a-z]+$/) return "file"
    return "value"
}
function add_opt(c, o, v, d) {
    if (o !~ /^-[-A-Za-z0-9]+$/) return
    if ((c, o) in optval) {
        if (optval[c, o] == "") optval[c, o] = v
        if (optdesc[c, o] == "") optdesc[c, o] = d
        return
    }
    opts[c] = opts[c] (opts[c] == "" ? "" : " ") o
    optval[c, o] = v; optdesc[c, o] = d
}
# An entry whose term is "-h, --help" or "--csv FILE": each name, its value.
function add_item(c, t, d,   n, a, i, o, v, sp) {
    v = ""
    sp = index(t, " ")
    if (t !~ /, /) { if (sp) { v = substr(t, sp + 1); t = substr(t, 1, sp - 1) } }
    n = split(t, a, /, /)
    for (i = 1; i <= n; i++) {
        o = a[i]; sp = index(o, " ")
        if (sp) { v = substr(o, sp + 1); o = substr(o, 1, sp - 1) }
        add_opt(c, o, v, d)
    }
}
# A usage line: its "[--opt VALUE]" options, and "parley CMD sub ..." subcommands.
function add_usage(c, s,   w, n, i, rest, o, v) {
    n = split(s, w, / /)
    if (c != "" && n >= 3 && w[2] == c && w[3] ~ /^[a-z]+$/) subs[c] = subs[c] (subs[c] == "" ? "" : " ") w[3]
    if (c == "") { for (i = 2; i <= n; i++) if (w[i] ~ /^-/) globals = globals (globals == "" ? "" : " ") w[i]; return }
    rest = s
    while (match(rest, /\[-[-A-Za-z0-9]+( [^]]+)?\]/)) {
        o = substr(rest, RSTART + 1, RLENGTH - 2); rest = substr(rest, RSTART + RLENGTH)
        v = ""
        if (index(o, " ")) { v = substr(o, index(o, " ") + 1); o = substr(o, 1, index(o, " ") - 1) }
        add_opt(c, o, v, "")
    }
}

BEGIN { FS = "\t"; ncmd = 0; globals = "" }
$1 == "command" { cur = $2; head = ""; next }
$1 == "head" { head = $2; next }
$1 == "usage" { add_usage(cur, $2); next }
$1 == "item" && cur == "" && head == "Commands" { cmds[++ncmd] = $2; summary[$2] = $3; next }
$1 == "item" && cur != "" && $2 ~ /^-/ { add_item(cur, $2, $3); next }
