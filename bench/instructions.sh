#!/usr/bin/env bash
# Instructions `kaiji check -j 1` executes, counted by callgrind: repeatable whatever else
# the machine is doing, where wall clock on a shared machine moves by a quarter. Compares
# two builds (say, the start of a round and its end) on samples of the bench corpus.
#
#   bench/instructions.sh BASE_KAIJI NEW_KAIJI [DIR ...]
#
# Without DIRs: every tenth file of each of target/bench-corpus/{sheets,word,pdf} (build
# the corpus first, see bench/README.md). Prints a Markdown table. Counts move by about
# 0.1 % from run to run (the hash maps' keys are random).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { sed -n '2,10p' "$0"; exit 2; }
BASE=$(realpath "$1")
NEW=$(realpath "$2")
shift 2

if ! command -v valgrind >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind
fi

SAMPLES=$(mktemp -d)
trap 'rm -rf "$SAMPLES"' EXIT
if [ $# -eq 0 ]; then
    for part in sheets word pdf; do
        mkdir "$SAMPLES/$part"
        find "target/bench-corpus/$part" -maxdepth 1 -type f | sort | awk 'NR % 10 == 0' |
            while read -r file; do ln -s "$(realpath "$file")" "$SAMPLES/$part/"; done
        set -- "$@" "$SAMPLES/$part"
    done
fi

count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" check -j 1 "$2" 2>&1 \
        >/dev/null | sed -n 's/.*refs: *//p' | tr -d ,
}

echo "| set | files | $(basename "$BASE") | $(basename "$NEW") | change |"
echo "|---|---:|---:|---:|---:|"
for dir in "$@"; do
    files=$(find -L "$dir" -maxdepth 1 -type f | wc -l)
    before=$(count "$BASE" "$dir")
    after=$(count "$NEW" "$dir")
    awk -v d="$(basename "$dir")" -v n="$files" -v b="$before" -v a="$after" 'BEGIN {
        printf "| %s | %d | %.3f G | %.3f G | %+.1f %% |\n", d, n, b / 1e9, a / 1e9, (a - b) * 100 / b
    }'
done
