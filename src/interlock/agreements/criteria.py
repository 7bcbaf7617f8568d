"""Quality criteria: ``{"attribute", "op", "value"}`` checked against one instance.

A quality term says e.g. "at least 80 % of handed-off leads have a fit grade
of B or better": ``{"attribute": "fit_grade", "op": "gte", "value": "B"}``.
Which operators a criterion may use depends on the attribute's type, as the
kind declares it (:class:`interlock.core.deliverables.Attribute`):

========  ==========================  ===========================
type      operators                   value
========  ==========================  ===========================
bool      ``is``, ``is_not``          true / false
number    ``gte``, ``lte``, ``eq``    a number
grade     ``gte``, ``lte``            a letter A–D (A is best)
choice    ``eq``, ``in``              one choice / a list of them
text      ``filled``, ``empty``       none
========  ==========================  ===========================

For grades "gte B" means "B or better" (A or B), "lte C" means "C or worse".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from interlock.core.deliverables import UNDECIDED, Attribute, DeliverableKind

GRADES = ("A", "B", "C", "D")

OPERATORS: dict[str, tuple[str, ...]] = {
    "bool": ("is", "is_not"),
    "number": ("gte", "lte", "eq"),
    "grade": ("gte", "lte"),
    "choice": ("eq", "in"),
    "text": ("filled", "empty"),
}


def validate_criterion(kind: DeliverableKind, criterion: Any) -> dict[str, Any]:
    """Check ``criterion`` against the kind's attributes; return it normalised.

    Raises ``ValidationError`` saying what is wrong (unknown attribute, an
    operator the attribute's type does not allow, a missing or wrong value).
    """
    if not isinstance(criterion, dict):
        raise ValidationError(
            _("The criterion must be an object with attribute, op and value."), code="criterion"
        )
    name = criterion.get("attribute")
    if not name:
        raise ValidationError(_("The criterion needs an attribute."), code="criterion")
    attribute = kind.attributes.get(str(name))
    if attribute is None:
        raise ValidationError(
            _("%(kind)s has no attribute %(name)s; choose one of %(choices)s.")
            % {
                "kind": kind.label,
                "name": name,
                "choices": ", ".join(sorted(kind.attributes)) or "—",
            },
            code="criterion_attribute",
        )
    op = criterion.get("op")
    allowed = OPERATORS[attribute.type]
    if op not in allowed:
        raise ValidationError(
            _("The operator %(op)s does not fit %(name)s; choose one of %(choices)s.")
            % {"op": op, "name": attribute.label, "choices": ", ".join(allowed)},
            code="criterion_op",
        )
    value = _clean_value(attribute, str(op), criterion.get("value"))
    cleaned: dict[str, Any] = {"attribute": attribute.name, "op": op}
    if value is not None:
        cleaned["value"] = value
    return cleaned


def _clean_value(attribute: Attribute, op: str, value: Any) -> Any:
    kind = attribute.type
    if kind == "text":
        return None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise ValidationError(
            _("%(name)s needs a value of true or false.") % {"name": attribute.label},
            code="criterion_value",
        )
    if kind == "number":
        if isinstance(value, bool) or value is None or value == "":
            raise _needs_number(attribute)
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise _needs_number(attribute) from None
        if not number.is_finite():
            raise _needs_number(attribute)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "grade":
        letter = str(value or "").strip().upper()
        if letter not in GRADES:
            raise ValidationError(
                _("%(name)s needs a grade, one of %(choices)s.")
                % {"name": attribute.label, "choices": ", ".join(GRADES)},
                code="criterion_value",
            )
        return letter
    # choice
    known = [str(key) for key, _label in attribute.choices]
    values = value if op == "in" else [value]
    if not isinstance(values, list) or not values:
        raise ValidationError(
            _("%(name)s needs a list of choices.") % {"name": attribute.label},
            code="criterion_value",
        )
    for item in values:
        if known and str(item) not in known:
            raise ValidationError(
                _("%(value)s is not a choice of %(name)s; choose one of %(choices)s.")
                % {"value": item, "name": attribute.label, "choices": ", ".join(known)},
                code="criterion_value",
            )
    return [str(v) for v in values] if op == "in" else str(value)


def _needs_number(attribute: Attribute) -> ValidationError:
    return ValidationError(
        _("%(name)s needs a number.") % {"name": attribute.label}, code="criterion_value"
    )


def matches(criterion: dict[str, Any], value: Any) -> Any:
    """True/False whether ``value`` meets ``criterion``; UNDECIDED passes through.

    ``None`` (the instance has no value) does not meet a criterion that needs
    one, except ``empty`` / ``is_not``-style checks that are about absence.
    """
    if value is UNDECIDED:
        return UNDECIDED
    op = criterion.get("op")
    wanted = criterion.get("value")
    if op == "filled":
        return value is not None and str(value).strip() != ""
    if op == "empty":
        return value is None or str(value).strip() == ""
    if op == "is":
        return bool(value) is bool(wanted)
    if op == "is_not":
        return bool(value) is not bool(wanted)
    if value is None:
        return False
    if op == "in":
        return str(value) in {str(v) for v in (wanted or [])}
    if isinstance(wanted, str) and wanted.upper() in GRADES:
        return _grade_matches(op, str(value), wanted.upper())
    if op == "eq" and isinstance(wanted, str):
        return str(value) == wanted
    try:
        have, want = Decimal(str(value)), Decimal(str(wanted))
    except (InvalidOperation, ValueError):
        return False
    if op == "gte":
        return have >= want
    if op == "lte":
        return have <= want
    if op == "eq":
        return have == want
    return False


def _grade_matches(op: str | None, value: str, wanted: str) -> bool:
    letter = value.strip().upper()
    if letter not in GRADES:
        return False
    have, want = GRADES.index(letter), GRADES.index(wanted)
    if op == "gte":  # A best: "B or better" is index <= B's
        return have <= want
    if op == "lte":
        return have >= want
    return have == want
