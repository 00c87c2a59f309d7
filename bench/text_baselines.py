#!/usr/bin/env python3
"""What other tools take merely to pull the text out of the benchmark's files.

    python3 bench/text_baselines.py pymupdf  --jobs N DIR...   # every *.pdf
    python3 bench/text_baselines.py calamine --jobs N DIR...   # every *.xlsx *.xls *.ods

pymupdf: PyMuPDF (fitz), `page.get_text()` for every page of every PDF.
calamine: python-calamine, every cell value of every sheet of every workbook.

One process over all the files with --jobs 1; with --jobs N, N worker processes
(multiprocessing; PyMuPDF is not thread-safe) share the files, so that the comparison
with `kaiji --jobs N` uses as many cores.  Prints the number of files and characters read
(so that the work cannot be skipped) to stderr.
"""

from __future__ import annotations

import argparse
import sys
from multiprocessing import Pool
from pathlib import Path

SUFFIXES = {"pymupdf": {".pdf"}, "calamine": {".xlsx", ".xlsm", ".xls", ".ods"}}


def pymupdf_chars(path: str) -> int:
    import pymupdf

    n = 0
    with pymupdf.open(path) as doc:
        for page in doc:
            n += len(page.get_text())
    return n


def calamine_chars(path: str) -> int:
    from python_calamine import CalamineWorkbook

    n = 0
    wb = CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            for cell in row:
                if cell != "":
                    n += len(str(cell))
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tool", choices=sorted(SUFFIXES))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("paths", nargs="+", type=Path)
    args = ap.parse_args()
    files = sorted(str(p) for d in args.paths for p in (d.rglob("*") if d.is_dir() else [d])
                   if p.suffix.lower() in SUFFIXES[args.tool])
    work = pymupdf_chars if args.tool == "pymupdf" else calamine_chars
    if args.jobs <= 1:
        chars = sum(map(work, files))
    else:
        with Pool(args.jobs) as pool:
            chars = sum(pool.imap(work, files, chunksize=8))
    print(f"{args.tool}: {len(files)} files, {chars} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
