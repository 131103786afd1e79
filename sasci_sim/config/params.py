"""Parameter metadata kept with the schema: unit, source and evidence grade.

Each numeric field of a scenario is declared with :func:`param`, so that its
meaning, unit, allowed range, source and evidence grade live in one place and
the parameter table (``sasci-sim params``) cannot drift from the code.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field

Grade = Literal["strong", "moderate", "weak", "assumption"]

#: Short names for the sources cited by parameters (full references in docs/ODD.md).
SOURCES: dict[str, str] = {
    "seed000": "Malley & Holder 2024, 'Evidencing and empowering innovation in adult social care' (SASCI)",
    "seed001": "SASCI project aims (LSE CPEC, 2019)",
    "seed002": "SASCI organisational survey 2023-24 (UK Data Service)",
    "seed003": "Mann et al. 2022, rapid review of scale and spread in social care (Wales)",
    "seed004": "Evans 2024, integrated health and social care innovation (Social Care Wales)",
    "bass1969": "Bass 1969, A new product growth model for consumer durables",
    "rogers2003": "Rogers 2003, Diffusion of Innovations, 5th ed.",
    "nasss2017": "Greenhalgh et al. 2017, the NASSS framework",
    "shediac1998": "Shediac-Rizkallah & Bone 1998, sustainability of community health programmes",
    "scheirer2005": "Scheirer 2005, Is sustainability possible? A review",
    "socialfinance2024": "Social Finance 2024, on 'pilotitis' in social care",
    "boaz2023": "Boaz, Malley & Wittenberg 2023, research use in adult social care",
    "adass2023": "ADASS Spring Survey 2023 (63% of councils overspent in 2022/23)",
    "lga2024": "LGA 2024 briefings on local government finance: one-year settlements, calls for multi-year ones",
    "pac2018": "House of Commons Public Accounts Committee 2018, Financial sustainability of local authorities",
    "ncvo_evaluation": "NCVO, Creating an evaluation budget: evaluation 10-15% of a project budget, GBP 300-900/day",
    "hlf2017": "Heritage Lottery Fund evaluation guidance 2017: evaluation 3-10% of project costs by project size",
    "cpec_wp10": "Zigante, Malley et al. 2022, CPEC Working Paper 10, innovation capabilities",
    "nhse2024": "NHS England, Adult Social Care Activity and Finance 2023-24",
    "nuffield2023": "Nuffield Trust 2023 / Homecare Association 2025, CQC-registered locations",
    "arf2023": "DHSC Accelerating Reform Fund, GBP 42.6m over two years to 42 consortia",
    "ordinarylife": "SASCI witness seminar: the Ordinary Life initiative (1980-2001)",
    "sharedlives": "Shared Lives Plus: reached most councils, ~1% of clients in ~40 years",
    "fixsen2005": "Fixsen et al. 2005, Implementation Research: full implementation takes two to four years",
    "design": "a modelling choice of sasci-sim (see docs/ODD.md)",
}


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str,
    grade: Grade,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
) -> Any:
    """A pydantic field carrying its unit, source and evidence grade."""
    for key in source.split("+"):
        if key not in SOURCES:
            raise KeyError(f"unknown source {key!r} for parameter: {doc}")
    extra = {"unit": unit, "source": source, "grade": grade}
    return Field(default, ge=ge, le=le, gt=gt, description=doc, json_schema_extra=extra)


def allowed_range(model: type[BaseModel], name: str) -> str:
    """The allowed range of a field, in words, from its constraints."""
    field = model.model_fields[name]
    low = high = None
    low_open = False
    for c in field.metadata:
        if getattr(c, "ge", None) is not None:
            low = c.ge
        if getattr(c, "gt", None) is not None:
            low, low_open = c.gt, True
        if getattr(c, "le", None) is not None:
            high = c.le
    if low is not None and high is not None:
        return f"above {low}, up to {high}" if low_open else f"from {low} to {high}"
    if low is not None:
        return f"{'above' if low_open else 'at least'} {low}"
    if high is not None:
        return f"at most {high}"
    choices = _choices(field.annotation)
    return f"one of {', '.join(choices)}" if choices else ""


def _choices(annotation: Any) -> list[str]:
    """Allowed values of a Literal, bool or list-of-Literal annotation."""
    if annotation is bool:
        return ["true", "false"]
    origin = get_origin(annotation)
    if origin is Literal:
        return [str(a) for a in get_args(annotation)]
    out: list[str] = []
    for arg in get_args(annotation):
        out += _choices(arg)
    return out


def parameter_rows(model: type[BaseModel], prefix: str = "") -> list[dict[str, str]]:
    """Flatten a schema into rows: key, meaning, unit, default, range, source, grade."""
    rows: list[dict[str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(parameter_rows(annotation, key + "."))
            continue
        extra = field.json_schema_extra
        if not isinstance(extra, dict):
            continue
        default = "required" if field.is_required() else field.get_default(call_default_factory=True)
        rows.append(
            {
                "key": key,
                "meaning": field.description or "",
                "unit": str(extra["unit"]),
                "default": repr(default) if isinstance(default, str) and not field.is_required() else str(default),
                "range": allowed_range(model, name),
                "source": str(extra["source"]),
                "grade": str(extra["grade"]),
            }
        )
    return rows
