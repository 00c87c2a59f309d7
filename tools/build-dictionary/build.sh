#!/usr/bin/env bash
# Rebuilds dictionaries/ipadic/ipadic-utf8.zip, the Japanese system dictionary kaiji
# embeds, from the package registries only:
#
#   1. Debian's mecab-ipadic package (apt-get install mecab-ipadic) installs the IPADIC
#      source, EUC-JP, in /usr/share/mecab/dic/ipadic (IPADIC 2.7.0-20070801 with
#      Debian's patches, among them the 令和 era name);
#   2. iconv converts every *.csv and *.def to UTF-8 (lindera's own EUC-JP decoding
#      differs from iconv on a few symbols);
#   3. lindera's DictionaryBuilder (crate lindera-dictionary, the version kaiji uses,
#      from crates.io) builds it with the metadata.json of the lindera-ipadic crate;
#   4. the built files are packed into one deterministic zip.
#
# Nothing is downloaded from the web. A fresh machine does not need this script: the
# zip is in the repository and `cargo build` embeds it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source_dir="${IPADIC_SOURCE:-/usr/share/mecab/dic/ipadic}"
out="$repo/dictionaries/ipadic/ipadic-utf8.zip"

if [ ! -f "$source_dir/matrix.def" ]; then
    echo "no IPADIC source in $source_dir: apt-get install mecab-ipadic" >&2
    exit 1
fi
command -v iconv >/dev/null || { echo "iconv is needed (libc-bin)" >&2; exit 1; }

utf8="$(mktemp -d)"
trap 'rm -rf "$utf8"' EXIT
for file in "$source_dir"/*.csv "$source_dir"/*.def; do
    iconv -f EUC-JP -t UTF-8 "$file" >"$utf8/$(basename "$file")"
done
echo "IPADIC source: $source_dir ($(dpkg-query -W -f='${Package} ${Version}' mecab-ipadic 2>/dev/null || echo 'version unknown'))"

cargo run --release --quiet \
    --manifest-path "$here/Cargo.toml" \
    --target-dir "$repo/target/build-dictionary" \
    -- "$utf8" "$here/metadata.json" "$out"
sha256sum "$out"
