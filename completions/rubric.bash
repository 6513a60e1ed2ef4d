# bash completion for rubric.  The verbs, each verb's options and a
# policy's outputs come from the rubric being completed (`rubric help
# --verbs`, `--options VERB`, `--outputs POLICY`; docs/cli.md, "The manual
# page and the completions"), so they cannot drift from its --help; what
# each operand and option value is (a policy, data, a format) is said here.

# The values of FORMAT, by verb (as each verb's --help lists them).
_rubric_formats() {
    case $1 in
    run) echo "table csv json ndjson" ;;
    diff | history | backtest) echo "table csv json" ;;
    calibrate) echo "table json" ;;
    explain) echo "text json" ;;
    check) echo "text json sarif" ;;
    test) echo "text junit json" ;;
    esac
}

# Files ending in one of the patterns given, and folders to walk into.
_rubric_files() {
    local cur=$1 pat f
    shift
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur"))
    for pat in "$@"; do
        while IFS= read -r f; do
            [ -n "$f" ] && COMPREPLY+=("$f")
        done <<<"$(compgen -f -X "!$pat" -- "$cur")"
    done
}

_rubric() {
    local cmd=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$("$cmd" help --verbs 2>/dev/null) --help --version" -- "$cur"))
        return
    fi
    local verb=${COMP_WORDS[1]} opts
    opts=$("$cmd" help --options "$verb" 2>/dev/null) || return
    # bash splits --format=json at the = (COMP_WORDBREAKS): the = is a word
    # of its own, after the option, before the value.
    if [ "$cur" = "=" ]; then
        cur=
    elif [ "$prev" = "=" ] && ((COMP_CWORD > 2)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # The option before the cursor, when it takes a value: that value's name.
    local o v value= i
    while read -r o v; do
        [ "$o" = "$prev" ] && value=$v
    done <<<"$opts"

    # The operands so far (options and their values skipped).
    local operands=()
    for ((i = 2; i < COMP_CWORD; i++)); do
        local w=${COMP_WORDS[i]}
        if [[ $w == -?* ]]; then
            while read -r o v; do
                [ "$o" = "$w" ] && [ -n "$v" ] && ((i++))
            done <<<"$opts"
            [ "${COMP_WORDS[i]}" = "=" ] && ((i++))
        else
            operands+=("$w")
        fi
    done

    case $value in
    '') ;;
    FORMAT)
        COMPREPLY=($(compgen -W "$(_rubric_formats "$verb")" -- "$cur"))
        return ;;
    FMT)
        COMPREPLY=($(compgen -W "csv json ndjson" -- "$cur"))
        return ;;
    MODE)
        COMPREPLY=($(compgen -W "fail skip" -- "$cur"))
        return ;;
    A,B)
        # --select takes a comma list: complete the name after the last comma.
        local head= last=$cur
        if [[ $cur == *,* ]]; then
            head=${cur%,*},
            last=${cur##*,}
        fi
        [ ${#operands[@]} -gt 0 ] || return
        local names
        names=$("$cmd" help --outputs "${operands[0]}" 2>/dev/null) || return
        COMPREPLY=($(compgen -P "$head" -W "$names" -- "$last"))
        compopt -o nospace 2>/dev/null
        return ;;
    FILE | NAME=FILE)
        _rubric_files "$cur" '*'
        return ;;
    DIR)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    EVENT)
        COMPREPLY=($(compgen -W "churn contraction renewal expansion" -- "$cur"))
        return ;;
    *)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(cut -d' ' -f1 <<<"$opts")" -- "$cur"))
        return
    fi
    # How many of the operands are policies; the one after them is the data.
    local npolicies
    case $verb in
    check | test | fmt) npolicies=-1 ;;
    diff) npolicies=2 ;;
    history) npolicies=0 ;;
    backtest) ((${#operands[@]} < 1)) && _rubric_files "$cur" '*.rules'
        return ;; # the policy only: the periods and outcomes are options
    lsp) return ;; # no operands: an editor talks to it
    *) npolicies=1 ;;
    esac
    if ((npolicies < 0 || ${#operands[@]} < npolicies)); then
        _rubric_files "$cur" '*.rules'
    elif [ "$verb" = history ] || ((${#operands[@]} == npolicies)); then
        if [ "$verb" = history ]; then
            _rubric_files "$cur" '*'
        else
            _rubric_files "$cur" '*.csv' '*.json' '*.ndjson'
        fi
    fi
}

complete -F _rubric rubric
