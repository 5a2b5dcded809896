"""Board report fixtures: the demo district's report and its exports, built once per worker."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

BUDGET_USD, YEARS = 250_000, 3


@dataclass
class BoardBuild:
    db: Path
    report: object  # passmap.reports.board.BoardReport
    design: object  # the engine's results, computed here independently of the report
    effective: object
    plan: object
    pdf: Path
    pptx: Path
    csv: Path

    def pdf_page_text(self, page: int) -> str:
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(self.pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout


@pytest.fixture(scope="session")
def board_build(demo_db_shared, tmp_path_factory) -> BoardBuild:
    from passmap.compliance import assess, roadmap
    from passmap.reports.board import board_figures
    from passmap.reports.board_pdf import write_board_pdf
    from passmap.reports.board_pptx import write_board_pptx
    from passmap.reports.board_text import write_board_csv
    from passmap.store import Store

    folder = tmp_path_factory.mktemp("board")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_shared, db)
    with Store(db) as store:
        report = board_figures(store, BUDGET_USD, YEARS)
        design, effective = assess(store, live=False), assess(store, live=True)
        plan = roadmap(design, BUDGET_USD, YEARS)
    return BoardBuild(
        db,
        report,
        design,
        effective,
        plan,
        write_board_pdf(report, folder / "board.pdf"),
        write_board_pptx(report, folder / "board.pptx"),
        write_board_csv(report, folder / "board.csv"),
    )
