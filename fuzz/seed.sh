#!/bin/sh
# Fills fuzz/corpus/TARGET/ with seeds: the fixtures (whole files, and for the zip
# formats their main XML part, which the targets package themselves), the hostile
# shapes kept under fuzz/seeds/TARGET/, and the answers
# the output contract lists for each normalizer. Run from anywhere; needs python3.
set -eu
cd "$(dirname "$0")"
fixtures=../fixtures
for target in xlsx xls ods docx pdf date money percent number flags choices; do
    mkdir -p "corpus/$target"
done
for target in xlsx xls ods docx pdf; do
    find "$fixtures" -name "*.$target" -exec cp {} "corpus/$target/" \;
    # The hostile suite's shapes (tests/hostile.rs, write_fuzz_seeds).
    if [ -d "seeds/$target" ]; then
        cp seeds/"$target"/* "corpus/$target/"
    fi
done
python3 - "$fixtures" <<'PY'
import glob, os, sys, zipfile
fixtures = sys.argv[1]
parts = {"xlsx": "xl/worksheets/sheet1.xml", "docx": "word/document.xml", "ods": "content.xml"}
for target, part in parts.items():
    for path in glob.glob(f"{fixtures}/**/*.{target}", recursive=True):
        with zipfile.ZipFile(path) as z:
            if part in z.namelist():
                data = z.read(part)
                if target == "xlsx" and "xl/sharedStrings.xml" in z.namelist():
                    data += b"\0\0" + z.read("xl/sharedStrings.xml")
                name = os.path.basename(path) + ".part"
                open(f"corpus/{target}/{name}", "wb").write(data)
PY
seed() {
    target=$1
    shift
    i=0
    for text in "$@"; do
        i=$((i + 1))
        printf '%s' "$text" > "corpus/$target/seed-$i"
    done
}
seed date "2024年4月1日" "2024/4/1" "令和6年4月1日" "R6.4.1" "平成20年1月30日" "２０２４年４月１日" "2015年4月" "昭和64年1月7日"
seed money "1,234,567円" "¥1,234,567" "12億3,456万円" "1.2億円" "500千円" "△3,000千円" "2024年3月期 1,000百万円" "12,345
売上高（千円）"
seed percent "99.95%" "９９．９５％" "99.95パーセント" "9割5分" "2023年度 99.9%"
seed number "120名" "3社" "1.5倍" "2台" "3ヶ月前" "1カ月前" "5分ごと" "72時間" "百二十名"
seed flags "有り" "有" "あり" "○" "無し" "無" "なし" "×" "可" "否" "不可" "☑有 □無"
seed choices "①" "1" "①③" "1,3" "「会計監査人による会計監査」" "②その他（自社基準）"
echo "seeded: $(ls corpus | tr '\n' ' ')"
