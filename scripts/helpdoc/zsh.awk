# zsh.awk -- with options.awk: writes the zsh completion of parley (_parley,
# for a folder of $fpath): the commands with their summaries, each command's
# options with what they do and what value they take, file names for inputs.

function q(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
# A description for a menu: its first 60 characters or so, whole words,
# without the brackets _arguments reads.
function short(s,   t) {
    gsub(/[][]/, "", s); gsub(/\\/, "", s)
    if (length(s) <= 60) return s
    t = substr(s, 1, 60); sub(/ [^ ]*$/, "", t)
    return t "..."
}
function spec(c, o,   v, k, s, msg) {
    v = optval[c, o]
    s = "*" o "[" short(optdesc[c, o]) "]"
    if (v == "") return q(s)
    k = value_kind(v)
    msg = v; gsub(/:/, "\\:", msg)
    if (k == "file") return q(s ":" msg ":_files")
    if (k == "dir") return q(s ":" msg ":_files -/")
    if (k ~ /^word /) return q(s ":" msg ":(" substr(k, 6) ")")
    return q(s ":" msg ": ")
}

END {
    print "#compdef parley"
    print "# zsh completion for parley(1), generated from the text of each command's"
    print "# --help by scripts/helpdoc/gen.sh; do not edit."
    print ""
    print "_parley() {"
    print "  local -a commands"
    print "  commands=("
    for (i = 1; i <= ncmd; i++) print "    " q(cmds[i] ":" short(summary[cmds[i]]))
    print "    " q("help:show a command's help")
    print "  )"
    print "  if (( CURRENT == 2 )); then"
    print "    if [[ $PREFIX == -* ]]; then compadd -- " globals "; else _describe -t commands 'parley command' commands; fi"
    print "    return"
    print "  fi"
    print "  local cmd=$words[2]"
    print "  shift words; (( CURRENT-- ))"
    print "  case $cmd in"
    print "  help) (( CURRENT == 2 )) && _describe -t commands 'parley command' commands ;;"
    for (i = 1; i <= ncmd; i++) {
        c = cmds[i]
        print "  " c ")"
        if (subs[c] != "")
            print "    if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then _alternative 'commands:command:(" subs[c] ")' 'files:file:_files'; return; fi"
        print "    _arguments -s \\"
        n = split(opts[c], o, / /)
        for (k = 1; k <= n; k++) print "      " spec(c, o[k]) " \\"
        print "      '*:input:_files'"
        print "    ;;"
    }
    print "  esac"
    print "}"
    print ""
    print "_parley \"$@\""
}
