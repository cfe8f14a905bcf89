
# (The part above is generated from the help texts; the part below is
# scripts/helpdoc/complete.bash.)

_parley_words()
{
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# File names (-f) or folder names (-d) that start with $2.
_parley_files()
{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
}

_parley()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd=${COMP_WORDS[1]} kind w
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        _parley_words "$_parley_commands help $_parley_globals" "$cur"
        return 0
    fi
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq 2 ] && _parley_words "$_parley_commands" "$cur"
        return 0
    fi
    kind=$(_parley_value "$cmd" "$prev")
    case $kind in
    file) _parley_files -f "$cur"; return 0 ;;
    dir) _parley_files -d "$cur"; return 0 ;;
    word\ *) _parley_words "${kind#word }" "$cur"; return 0 ;;
    value) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        _parley_words "$(_parley_options "$cmd")" "$cur"
        return 0
    fi
    _parley_files -f "$cur"
    if [ "$COMP_CWORD" -eq 2 ]; then
        for w in $(_parley_subcommands "$cmd"); do
            [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
        done
    fi
    return 0
}
complete -F _parley parley
