# list.awk -- with options.awk: lists every command and what it takes, one
# a line: "COMMAND TAB OPTION" for each option, "COMMAND TAB SUBCOMMAND"
# for each of its own commands (tests/docs/cli_options.sh checks
# docs/cli.md against it).
END {
    for (i = 1; i <= ncmd; i++) {
        c = cmds[i]
        n = split(opts[c] " " subs[c], w, / +/)
        for (k = 1; k <= n; k++) if (w[k] != "") print c "\t" w[k]
    }
}
