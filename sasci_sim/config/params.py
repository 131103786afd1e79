"""Parameter metadata kept with the schema: unit, source and evidence grade.

Each numeric field of a scenario is declared with :func:`param`, so that its
meaning, unit, allowed range, source and evidence grade live in one place and
the parameter table (``sasci-sim params``) cannot drift from the code.

A parameter whose default comes from the shipped calibration (its posterior median,
``sasci_sim/data/posterior/identification.csv``, written by ``sasci-sim calibrate``)
is shown with the grade ``calibrated`` and its posterior 90% interval; its declared
grade (weak or assumption) is the grade of the prior, which is what a new calibration
may re-estimate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field

Grade = Literal["strong", "moderate", "weak", "assumption"]
#: The grade shown for a parameter whose default is the shipped posterior's median.
CALIBRATED = "calibrated"
#: The shipped calibration's summary: one row per calibrated parameter.
CALIBRATED_FILE = Path(__file__).resolve().parents[1] / "data" / "posterior" / "identification.csv"


@dataclass(frozen=True)
class Calibrated:
    """A calibrated parameter: its prior and posterior (from the shipped calibration).

    Attributes:
        key: The dotted scenario key.
        prior: The prior, e.g. ``loguniform(0.002, 0.1)``.
        median: The posterior median (the default).
        low: The posterior 5th percentile.
        high: The posterior 95th percentile.
        identified: Whether the anchors narrowed it ("narrowed", "barely", "not by these anchors").
    """

    key: str
    prior: str
    median: float
    low: float
    high: float
    identified: str

    def text(self) -> str:
        """The posterior in words for the parameter table.

        Returns:
            For example ``median 0.0195, 90% [0.0146, 0.068], prior loguniform(0.002, 0.1), narrowed``.
        """
        return f"median {self.median:.3g}, 90% [{self.low:.3g}, {self.high:.3g}], prior {self.prior}, {self.identified}"


@cache
def calibrated_parameters(path: Path = CALIBRATED_FILE) -> dict[str, Calibrated]:
    """The parameters of the shipped calibration, by dotted key (none when no posterior ships).

    Args:
        path: The calibration's ``identification.csv``.

    Returns:
        Key -> its prior and posterior.
    """
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["parameter"]: Calibrated(
                r["parameter"],
                r["prior"],
                float(r["posterior_median"]),
                float(r["posterior_5"]),
                float(r["posterior_95"]),
                r["identified"],
            )
            for r in csv.DictReader(f)
        }


#: Short names for the sources cited by parameters (full references in docs/ODD.md).
SOURCES: dict[str, str] = {
    "malley_holder_2024": "Malley & Holder 2024, 'Evidencing and empowering innovation in adult social care' (SASCI)",
    "sasci_aims_2019": "SASCI project aims (LSE CPEC, 2019)",
    "sasci_survey_2024": "SASCI organisational survey 2023-24 (UK Data Service)",
    "mann_2022": "Mann et al. 2022, rapid review of scale and spread in social care (Wales)",
    "evans_2024": "Evans 2024, integrated health and social care innovation (Social Care Wales)",
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
    "icb_establishment_2022": "NHS England, Integrated Care Boards (Establishment) Order 2022: 42 ICBs from 1 July 2022",
    "better_care_fund_2025": (
        "NHS England, Better Care Fund 2025-26 minimum contributions: NHS GBP 5,614m, local authority"
        " BCF grant GBP 2,640m, Disabled Facilities Grant GBP 711m, pooled under section 75"
    ),
    "popp_evaluation_2009": (
        "Windle et al. 2009, National Evaluation of Partnerships for Older People Projects (PSSRU):"
        " about GBP 1.20 saved on emergency bed days per extra GBP 1 spent (range 0.80-1.60)"
    ),
    "falls_costs_2003": (
        "Scuffham, Chaplin and Legood 2003, Incidence and costs of unintentional falls in older people in the UK:"
        " GBP 981m a year, 59.2% borne by the NHS, most of the rest long-term care"
    ),
    "falls_costs_scotland_2013": (
        "Craig et al. 2013, The high cost to health and social care of managing falls in older adults"
        " (Scotland): over GBP 470m, 60% incurred by social services"
    ),
    "reablement_evaluation_2010": (
        "Glendinning et al. 2010, Home care re-ablement services (SPRU, York): social care use fell by about"
        " 60% over a year, with no significant saving in healthcare costs"
    ),
    "nao_integration_2017": (
        "National Audit Office 2017, Health and social care integration: the Better Care Fund's planned"
        " GBP 511m savings in 2015-16 were not realised"
    ),
    "transformation_fund_2015": (
        "King's Fund and Health Foundation 2015, Making change possible: a Transformation Fund for the NHS"
        " (dedicated money for double running during transition)"
    ),
    "arrow_lind_1970": "Arrow and Lind 1970, Uncertainty and the evaluation of public investment decisions",
    "cqc_asc_2014_2017": (
        "CQC 2017, The state of adult social care services 2014 to 2017: over 33,000 inspections of about "
        "24,000 adult social care locations between October 2014 and February 2017"
    ),
    "care_certificate_2015": (
        "Skills for Care, Skills for Health and Health Education England 2015, the Care Certificate: 15 standards "
        "for new care workers from 1 April 2015, expected by CQC at inspection (Community Care, 26 March 2015)"
    ),
    "pac2018_workforce": (
        "House of Commons Public Accounts Committee 2018, The adult social care workforce in England (HC 690), "
        "para 17: around two-thirds of care workers new since 2015 had attained or were undertaking the Care Certificate"
    ),
    "dscr_programme": (
        "DHSC Digitising Social Care programme (accounting officer assessment, 2023; minister's answers 2023-24): "
        "40% of CQC-registered providers had a digital social care record in December 2021, target 80% by March 2024, "
        "63% reached by February 2024 (target moved to March 2025); at least GBP 150m from the 2021 white paper, "
        "implementation support funded within each integrated care system"
    ),
    "icb_areas_2022": "Health and Care Act 2022: 42 integrated care boards in England from 1 July 2022",
    "sharedlivesplus_schemes": (
        "Shared Lives Plus, About Shared Lives schemes: around 150 schemes across the UK, almost all on the "
        "boundaries of one council; around 99% of schemes are members of Shared Lives Plus"
    ),
    "sharedlivesplus_2024": (
        "Shared Lives Plus 2024, The state of the sector: Shared Lives care in the UK 2023-24: 9,802 people "
        "supported by 10,081 Shared Lives carers (83% of people supported are in England)"
    ),
    "nhse_ltc_2023": (
        "NHS England 2023, Adult Social Care Activity and Finance Report, England, 2022-23: 835,335 people "
        "received long-term care during the year (629,050 at its end), in 153 councils"
    ),
    "design": "a modelling choice of sasci-sim (see docs/ODD.md)",
    "calibrate_anchors": (
        "the shipped ABC-SMC calibration against real-world anchors (experiments/calibrate_anchors.yaml, "
        "posterior in sasci_sim/data/posterior/; docs/ODD.md, TRACE)"
    ),
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
    """A pydantic field carrying its unit, source and evidence grade.

    Declaring every number this way keeps its meaning, unit, range, source and grade in one
    place, so the parameter table and the ODD cannot drift from the code.

    Args:
        default: The default value.
        unit: The unit, in words.
        doc: What the parameter means, one sentence.
        source: Source keys from ``SOURCES``, joined with ``+``.
        grade: The evidence grade.
        ge: Smallest allowed value.
        le: Largest allowed value.
        gt: Value the parameter must exceed.

    Returns:
        A pydantic ``Field``.

    Raises:
        KeyError: When a source key is not in ``SOURCES``.
    """
    for key in source.split("+"):
        if key not in SOURCES:
            raise KeyError(f"unknown source {key!r} for parameter: {doc}")
    extra = {"unit": unit, "source": source, "grade": grade}
    return Field(default, ge=ge, le=le, gt=gt, description=doc, json_schema_extra=extra)


def allowed_range(model: type[BaseModel], name: str) -> str:
    """The allowed range of a field, in words, from its constraints.

    Args:
        model: The schema class.
        name: The field's name.

    Returns:
        For example "from 0 to 1", "at least 1" or "one of a, b"; "" when unconstrained.
    """
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
    """Flatten a schema into rows: key, meaning, unit, default, range, source, grade, posterior.

    A parameter of the shipped calibration has the grade ``calibrated``, the source
    ``calibrate_anchors`` beside its own, and its posterior in words; others an empty posterior.
    ``declared_grade`` is always the grade of the declaration (for a calibrated parameter, its
    prior's grade), which the grades probe uses.

    Args:
        model: The schema class to walk (nested sections are walked into).
        prefix: The dotted prefix of its keys.

    Returns:
        One row per traced field, as text ready for the table.
    """
    fitted = calibrated_parameters()
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
        posterior = fitted.get(key)
        rows.append(
            {
                "key": key,
                "meaning": field.description or "",
                "unit": str(extra["unit"]),
                "default": repr(default) if isinstance(default, str) and not field.is_required() else str(default),
                "range": allowed_range(model, name),
                "source": str(extra["source"]) + ("+calibrate_anchors" if posterior else ""),
                "grade": CALIBRATED if posterior else str(extra["grade"]),
                "posterior": posterior.text() if posterior else "",
                "declared_grade": str(extra["grade"]),
            }
        )
    return rows
