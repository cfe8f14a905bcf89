# bash.awk -- with options.awk: writes the generated half of the bash
# completion of parley: the commands, each command's options, the values an
# option takes (files, folders, one of a list of words) and each command's
# own commands.  gen.sh appends complete.bash, which completes from them
# (with bash 4 alone, not bash-completion's helpers).

function q(s) { gsub(/'/, "'\\''", s); return "'" s "'" }

END {
    all = ""
    for (i = 1; i <= ncmd; i++) all = all (i > 1 ? " " : "") cmds[i]
    print "# bash completion for parley(1), generated from the text of each command's"
    print "# --help by scripts/helpdoc/gen.sh; do not edit."
    print ""
    print "_parley_commands=" q(all)
    print "_parley_globals=" q(globals)
    print ""
    print "# The options of a command."
    print "_parley_options()"
    print "{"
    print "    case $1 in"
    for (i = 1; i <= ncmd; i++) print "    " cmds[i] ") echo " q(opts[cmds[i]]) " ;;"
    print "    esac"
    print "}"
    print ""
    print "# What follows an option of a command: file, dir, 'word W...' (one of"
    print "# the words), value (anything: nothing to offer), or nothing (a flag)."
    print "_parley_value()"
    print "{"
    print "    case \"$1 $2\" in"
    for (i = 1; i <= ncmd; i++) {
        n = split(opts[cmds[i]], o, / /)
        for (k = 1; k <= n; k++)
            if (optval[cmds[i], o[k]] != "")
                print "    " q(cmds[i] " " o[k]) ") echo " q(value_kind(optval[cmds[i], o[k]])) " ;;"
    }
    print "    esac"
    print "}"
    print ""
    print "# The commands of a command (parley tournament merge)."
    print "_parley_subcommands()"
    print "{"
    print "    case $1 in"
    for (i = 1; i <= ncmd; i++) if (subs[cmds[i]] != "") print "    " cmds[i] ") echo " q(subs[cmds[i]]) " ;;"
    print "    esac"
    print "}"
}
