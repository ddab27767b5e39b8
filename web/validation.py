"""The errors a service raises for bad input, and the text rules every input field shares."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load

# C0 and C1 control characters except tab, line feed and carriage return; DEL; lone
# surrogates (which no database can store as UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What ends a line, for fields that must stay on one (titles, names, subjects).
_LINE_BREAK = re.compile("[\t\n\r\x85\u2028\u2029]")

CONTROL_MESSAGE = _l("Remove the invisible control characters (such as NUL).")
ONE_LINE_MESSAGE = _l("Keep this on one line, without line breaks or tabs.")


class InvalidInput(ValueError):
    """Input that breaks a rule; nothing was written."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidFields(ValueError):
    """Several fields broke rules: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Conflict(RuntimeError):
    """Someone changed the object since the editor read it; nothing was written."""


def text_problem(value: str, multiline: bool = True) -> Any:
    """Why `value` cannot be stored as text (a lazy message), or None.

    Control characters are never stored; a one-line field also refuses line breaks and tabs.
    """
    if _CONTROL.search(value):
        return CONTROL_MESSAGE
    if not multiline and _LINE_BREAK.search(value):
        return ONE_LINE_MESSAGE
    return None


def init_app(app: Flask) -> None:
    """Check every submitted form before any view reads it."""
    app.before_request(refuse_control_characters_in_forms)


def refuse_control_characters_in_forms() -> None:
    """No form field of any page may carry control characters: 422 naming the field.

    Forms are read by WTForms, by the post schemas and, for a reason or a quantity, by the
    views themselves; this one check covers them all. (JSON bodies are checked by `Text`.)
    """
    if request.method != "POST" or not request.form:
        return
    for name, value in request.form.items(multi=True):
        problem = text_problem(value)
        if problem is not None:
            raise InvalidInput(name[:64], f"{name[:64]}: {problem}")


def one_line(value: str) -> str:
    """`value` folded onto one line with no control characters (for mail headers)."""
    return " ".join(_LINE_BREAK.sub(" ", _CONTROL.sub(" ", value)).split())


class Text(fields.String):
    """A string that refuses control characters and, unless `multiline`, line breaks."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, self.multiline)
        if problem is not None:
            raise ValidationError(str(problem))
        return text


# What JSON type each kind of field takes, as the OpenAPI document says; first match wins.
_JSON_TYPES: tuple[tuple[type[fields.Field[Any]], tuple[type, ...], str], ...] = (
    (fields.Boolean, (bool,), "boolean"),
    (fields.Integer, (int,), "integer"),
    (fields.Number, (int, float), "number"),
)


class StrictJson(Schema):
    """Refuses JSON values of the wrong type instead of coercing them: `"10"` is not a
    number and `"yes"` is not a boolean (forms, which send only text, use the plain schema)."""

    @pre_load
    def refuse_loose_types(self, data: Any, **_kwargs: Any) -> Any:
        """Name every field whose value has the wrong JSON type."""
        if not isinstance(data, dict):
            return data
        errors = {}
        for key, value in data.items():
            field = self.load_fields.get(key)
            if field is None or value is None:
                continue
            for kind, accepted, name in _JSON_TYPES:
                if isinstance(field, kind):
                    wrong = isinstance(value, bool) != (name == "boolean")
                    if wrong or not isinstance(value, accepted):
                        errors[key] = [str(_l("Send a JSON %(type)s.", type=name))]
                    break
        if errors:
            raise ValidationError(errors)
        return data


def json_strict(schema: type[Schema]) -> type[Schema]:
    """`schema` as the API loads it: the same fields and rules, with strict JSON types."""
    return type(schema.__name__, (StrictJson, schema), {"__doc__": schema.__doc__})


def plain_messages(errors: Any) -> Any:
    """Turn lazy translated messages into strings of the request's language.

    Keys become strings too: marshmallow keys a list item's errors by its index, and JSON
    cannot sort a mapping whose keys mix numbers and names. Each field maps to a list of
    messages: marshmallow keeps a lone lazy message (such as "required") bare, and a template
    joining it would space out its letters.
    """
    if isinstance(errors, dict):
        return {str(key): _as_list(plain_messages(value)) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [plain_messages(value) for value in errors]
    return str(errors)


def _as_list(messages: Any) -> Any:
    return [messages] if isinstance(messages, str) else messages
