#!/bin/sh
# Where output goes: what -o and standard output do with files that are
# not plain new files (a FIFO, a device node, links, a folder), and that
# nothing is ever written over an input or left half-written.  Runs in a
# private scratch folder; the device node is a private twin of /dev/null
# made there (mknod, as root), never the real one.
#   tests/outputs/run.sh RUBRIC WORKDIR
set -u
LC_ALL=C
NO_COLOR=1
export LC_ALL NO_COLOR
rubric=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$2"
mkdir -p "$2"
work=$(cd "$2" && pwd)
cd "$work" || exit 1
cp "$here/tests/golden/fixtures/versions/new.rules" p.rules
cp "$here/tests/golden/fixtures/versions/accounts.csv" d.csv
cp "$here/tests/golden/fixtures/versions/bad.csv" bad.csv
"$rubric" run p.rules d.csv -f csv -o expected.csv || { echo "not ok - a plain run"; exit 1; }
. "$here/tests/tap.sh"
same() { cmp -s "$1" "$2"; }

# A FIFO is written, not replaced by a file, and gets the whole output.
mkfifo fifo
cat fifo >fifo.out &
reader=$!
"$rubric" run p.rules d.csv -f csv -o fifo 2>err
rc=$?
wait $reader
check "-o FIFO: exit 0" [ $rc = 0 ]
check "-o FIFO: still a FIFO" [ -p fifo ]
check "-o FIFO: the reader got the whole output" same fifo.out expected.csv

# A FIFO gets nothing when the run fails.
cat fifo >fifo-bad.out &
reader=$!
"$rubric" run p.rules bad.csv -f csv -o fifo 2>err
rc=$?
wait $reader
check "-o FIFO, bad record: exit 1" [ $rc = 1 ]
check "-o FIFO, bad record: nothing written" [ ! -s fifo-bad.out ]

# A character device (a private /dev/null) stays a device.
if mknod nulldev c 1 3 2>/dev/null; then
    "$rubric" run p.rules d.csv -f csv -o nulldev 2>err
    rc=$?
    check "-o device: exit 0" [ $rc = 0 ]
    check "-o device: still a character device" [ -c nulldev ]
else
    nok "-o device: mknod needs root (make test runs as root in CI)"
fi

# A symbolic link is followed: its target is replaced, the link stays.
echo old >target.csv
ln -s target.csv link.csv
"$rubric" run p.rules d.csv -f csv -o link.csv 2>err
check "-o symlink: still a link" [ -L link.csv ]
check "-o symlink: the target holds the output" same target.csv expected.csv

# A dangling link: the file it names is created.
ln -s made.csv dangling.csv
"$rubric" run p.rules d.csv -f csv -o dangling.csv 2>err
check "-o dangling symlink: still a link" [ -L dangling.csv ]
check "-o dangling symlink: the named file is created" same made.csv expected.csv

# A folder is refused before any work, exit 2.
mkdir folder
"$rubric" run p.rules d.csv -f csv -o folder 2>err
check "-o folder: exit 2" [ $? = 2 ]
check "-o folder: still an empty folder" [ -d folder ] && [ -z "$(ls folder)" ]

# A file replaced keeps its permissions.
cp expected.csv mode.csv
chmod 640 mode.csv
"$rubric" run p.rules d.csv -f csv -o mode.csv 2>err
check "-o existing file: its mode is kept" [ "$(stat -c %a mode.csv)" = 640 ]

# Never over an input: the data, the policy, an import, through a hard
# link or a symbolic link, or standard output redirected onto the data.
cp d.csv keep.csv
printf 'import "p.rules"\n' >imports.rules
ln d.csv hard.csv
ln -s d.csv soft.csv
for target in d.csv p.rules hard.csv soft.csv; do
    "$rubric" run p.rules d.csv -f csv -o $target 2>err
    rc=$?
    check "-o $target (an input): exit 2" [ $rc = 2 ]
done
"$rubric" run imports.rules d.csv -f csv -o p.rules 2>err
check "-o an imported policy: exit 2" [ $? = 2 ]
"$rubric" run p.rules d.csv -f csv >>d.csv 2>err
check ">> the data: exit 2" [ $? = 2 ]
"$rubric" run p.rules - -f csv -o d.csv <d.csv 2>err
check "-o the file on standard input: exit 2" [ $? = 2 ]
"$rubric" run p.rules - -f csv <d.csv >>d.csv 2>err
check ">> the file on standard input: exit 2" [ $? = 2 ]
"$rubric" calibrate p.rules - --measure usage -o hard.csv <d.csv 2>err
check "calibrate -o a link to the file on standard input: exit 2" [ $? = 2 ]
check "the data is untouched" same d.csv keep.csv
check "the policy is untouched" same p.rules "$here/tests/golden/fixtures/versions/new.rules"

# Standard output to a file or a pipe is held: a failed run prints no score.
"$rubric" run p.rules bad.csv -f csv >held.out 2>err
check "stdout to a file, bad record: exit 1" [ $? = 1 ]
check "stdout to a file, bad record: nothing written" [ ! -s held.out ]
n=$("$rubric" run p.rules bad.csv -f csv 2>err | wc -c)
check "stdout to a pipe, bad record: nothing written" [ "$n" = 0 ]

# Past a few MiB, held output goes to a temporary file and still comes
# out whole; when $TMPDIR cannot take it, /tmp does.
awk 'BEGIN { print "account_id,used,seats,region"; for (i = 0; i < 300000; i++) print "account-" i ",5,10,emea" }' >big.csv
"$rubric" run p.rules big.csv -f csv -o big-file.csv 2>err
"$rubric" run p.rules big.csv -f csv 2>err | cat >big-pipe.csv
check "held output past memory: equal to -o" same big-pipe.csv big-file.csv
check "held output past memory: over 4 MiB" [ "$(wc -c <big-file.csv)" -gt 4194304 ]
TMPDIR="$work/nowhere" "$rubric" run p.rules big.csv -f csv 2>err | cat >big-tmp.csv
check "held output, TMPDIR missing: held in /tmp instead, and whole" same big-tmp.csv big-file.csv

echo "outputs: $passed passed, $failed failed"
[ $failed = 0 ]
