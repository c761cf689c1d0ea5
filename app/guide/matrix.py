"""The responsibility matrix: Microsoft's diagram as data (content/matrix.yaml)."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.guide.textfile import read_text
from app.guide.vocabulary import SLUG, Party
from app.guide.yamlfile import parse_yaml, validate

ColumnId = Literal["on_prem", "iaas", "paas", "saas"]
BandId = Literal["always_customer", "varies_by_type", "transfers_to_provider"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    id: ColumnId
    label: str
    short: str


class Value(_Strict):
    id: Party
    label: str


class Band(_Strict):
    id: BandId
    label: str


class Row(_Strict):
    id: str = Field(pattern=SLUG)
    name: str
    band: BandId
    cells: dict[ColumnId, Party]
    disputed: tuple[ColumnId, ...] = ()

    @model_validator(mode="after")
    def _every_column(self):
        missing = {"on_prem", "iaas", "paas", "saas"} - set(self.cells)
        if missing:
            raise ValueError(f"cells: missing columns {sorted(missing)}")
        return self


class MatrixSource(_Strict):
    title: str
    url: str
    version: str


class Matrix(_Strict):
    source: MatrixSource
    columns: tuple[Column, ...]
    values: tuple[Value, ...]
    bands: tuple[Band, ...]
    rows: tuple[Row, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self):
        for name in ("columns", "values", "bands", "rows"):
            ids = [item.id for item in getattr(self, name)]
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"{name}: duplicate ids {duplicates}")
        if {c.id for c in self.columns} != {"on_prem", "iaas", "paas", "saas"}:
            raise ValueError("columns: must be exactly on_prem, iaas, paas, saas")
        return self

    def row(self, row_id: str) -> Row | None:
        return next((r for r in self.rows if r.id == row_id), None)

    def column(self, column_id: str) -> Column | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def label_of(self, party: str) -> str:
        return next(v.label for v in self.values if v.id == party)

    def rows_in_band(self, band_id: str) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.band == band_id)


def load_matrix(path: Path) -> Matrix:
    return validate(Matrix, parse_yaml(read_text(path), path), path)
