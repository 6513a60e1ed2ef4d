# The ok / not ok lines of the test scripts that count their own checks
# (sourced): ok NAME, nok NAME, check NAME COMMAND... (ok when COMMAND
# succeeds), adding to $passed and $failed for the closing
# "NAME: N passed, N failed" line each script prints.
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
nok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { # NAME COMMAND...
    name=$1
    shift
    if "$@"; then ok "$name"; else nok "$name"; fi
}
