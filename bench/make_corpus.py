#!/usr/bin/env python3
"""Build the benchmark corpus of kaiji: applications in mixed formats, the same every run.

    python3 bench/make_corpus.py --out target/bench-corpus [--sheets 400 --word 300 --pdf 300]

Writes, under OUT:

- sheets/s0000.xlsx … : the unseen layouts of fixtures/make/make_spreadsheets.py
  (`random_layout`, seeded by index): about half .xlsx (openpyxl), the rest .ods and
  .xls converted by LibreOffice;
- word/w0000.docx … : the Word layouts of fixtures/make/make_word.py (guide layout and
  table layout in turn, every third table re-saved by LibreOffice), each with its own
  seeded choice of answer spellings;
- pdf/p0000.pdf … : PDFs exported by LibreOffice: even numbers from a workbook
  (random_layout seeded past the sheets, page set up for printing as make_pdf.py does),
  odd numbers from a Word document of the kinds above.

LibreOffice runs once per target format over all the files (one soffice call
converting many files), with its own throw-away profile.  Zip timestamps, document
dates and PDF dates/IDs are pinned, so a rerun writes the same files.  When OUT/STAMP
already names the same counts and generator sources, nothing is done (the corpus is
cached).

Needs Python 3.11+, openpyxl, python-docx and LibreOffice (`soffice`) on the PATH.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE = HERE.parent / "fixtures" / "make"
sys.path.insert(0, str(MAKE))
sys.dont_write_bytecode = True  # no __pycache__ left in fixtures/make
import make_spreadsheets as ms  # noqa: E402
import make_word as mw  # noqa: E402
from make_pdf import pin_pdf, prepare_for_print  # noqa: E402

STAMP = "corpus.stamp.json"


def sources_digest():
    h = hashlib.sha256()
    for p in [Path(__file__), MAKE / "make_spreadsheets.py", MAKE / "make_word.py",
              HERE.parent / "dictionaries" / "catalog.toml"]:
        h.update(p.read_bytes())
    return h.hexdigest()


# --- the three parts ------------------------------------------------------------------


def sheet_layout(i, seed_index, fmt):
    layout = ms.random_layout(seed_index, fmt)
    layout.name = f"s{i:04}.{fmt}"
    return layout


def make_sheets(n, catalog, office, out: Path):
    layouts = []
    for i in range(n):
        r = random.Random(f"{ms.SEED}-fmt-{i}").random()
        fmt = "xlsx" if r < 0.5 else ("ods" if r < 0.75 else "xls")
        layouts.append(sheet_layout(i, i, fmt))
    ms.generate(layouts, catalog, out, f"{out.as_posix()}/", office, False)
    for p in out.glob("*.expected.json"):
        p.unlink()


def word_forms(i):
    """A seeded choice of other spellings (text ones only: a Word file has no typed cell)."""
    rng = random.Random(f"{ms.SEED}-bench-word-{i}")
    forms = {}
    for k, v in ms.APP.items():
        names = sorted(f for f, w in v.forms.items() if not isinstance(w, ms.Typed))
        if names and rng.random() < 0.6:
            forms[k] = rng.choice(names)
    return forms


def build_word(i, catalog, path: Path):
    """Guide layout for even i, table layout for odd i; returns the layout's name."""
    forms = word_forms(i)
    if i % 2 == 0:
        mw.GUIDE_FORMS = forms
        mw.build_guide(catalog, path)
    else:
        mw.TABLE_FORMS = forms
        mw.build_table(catalog, path)


def make_word(n, catalog, office, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    resave = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            # every third table layout is re-saved by LibreOffice
            if i % 6 == 5:
                src = Path(tmp) / f"w{i:04}.docx"
                build_word(i, catalog, src)
                resave.append(src)
            else:
                build_word(i, catalog, out / f"w{i:04}.docx")
        if resave:
            conv = Path(tmp) / "lo"
            conv.mkdir()
            office.convert(resave, "docx:MS Word 2007 XML", conv)
            for src in resave:
                dst = out / src.name
                shutil.move(conv / src.name, dst)
                ms.pin_zip(dst)


def make_pdf(n, first_seed, catalog, office, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        calc, writer = tmp / "calc", tmp / "writer"
        calc.mkdir()
        writer.mkdir()
        sheets, docs = [], []
        for i in range(n):
            name = f"p{i:04}"
            if i % 2 == 0:
                layout = sheet_layout(i, first_seed + i, "xlsx")
                raw = tmp / f"{name}.raw.xlsx"
                ms.build(layout, catalog, raw)
                printable = calc / f"{name}.xlsx"
                prepare_for_print(raw, printable)
                raw.unlink()
                sheets.append(printable)
            else:
                doc = writer / f"{name}.docx"
                build_word(first_seed + i, catalog, doc)
                docs.append(doc)
        produced = tmp / "pdf"
        produced.mkdir()
        office.convert(sheets, "pdf:calc_pdf_Export", produced)
        office.convert(docs, "pdf:writer_pdf_Export", produced)
        for src in sheets + docs:
            pdf = produced / (src.stem + ".pdf")
            if not pdf.exists():
                sys.exit(f"soffice produced no {pdf.name}")
            dst = out / pdf.name
            shutil.move(pdf, dst)
            pin_pdf(dst)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=HERE.parent / "target" / "bench-corpus")
    ap.add_argument("--sheets", type=int, default=400)
    ap.add_argument("--word", type=int, default=300)
    ap.add_argument("--pdf", type=int, default=300)
    args = ap.parse_args()
    want = {"sheets": args.sheets, "word": args.word, "pdf": args.pdf,
            "sources": sources_digest()}
    stamp = args.out / STAMP
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        print(f"corpus up to date in {args.out}")
        return
    office = ms.Office()
    if not office:
        sys.exit("soffice (LibreOffice) is needed to build the corpus")
    for part in ("sheets", "word", "pdf"):
        shutil.rmtree(args.out / part, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    catalog = ms.load_catalog(ms.CATALOG)
    try:
        print(f"{args.sheets} spreadsheets …", flush=True)
        make_sheets(args.sheets, catalog, office, args.out / "sheets")
        print(f"{args.word} Word documents …", flush=True)
        make_word(args.word, catalog, office, args.out / "word")
        print(f"{args.pdf} PDFs …", flush=True)
        make_pdf(args.pdf, 100_000, catalog, office, args.out / "pdf")
    finally:
        office.close()
    stamp.write_text(json.dumps(want, indent=1) + "\n")
    files = [p for p in args.out.rglob("*") if p.is_file() and p.name != STAMP]
    print(f"corpus: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB "
          f"in {args.out}")


if __name__ == "__main__":
    main()
