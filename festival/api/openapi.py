"""The read API on flask-smorest: the OpenAPI 3.1 description is generated from the views' own schemas.

Each view declares its query parameters as a marshmallow schema (`@bp.arguments`) that also parses them, and its
answer as a schema (`@bp.response`) that also serializes it, so the description at /api/v1/openapi.json cannot
drift from what the code does. Three things are adapted to the app:

- Bad parameters are the app's RFC 9457 problems (status 400, code `invalid_<parameter>`, a message in the
  reader's language), not webargs' 422: the parser raises a `DomainError` that the app's handler renders.
- An empty parameter (`?page=`) counts as absent, as it always has.
- flask-smorest's own JSON error handler is not installed: the app's handlers (festival/core/web.py) answer every
  error, HTML or problem details, and the description documents that shape.
"""

from __future__ import annotations

import json

import marshmallow as ma
from apispec import BasePlugin
from flask_babel import lazy_gettext as _l
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from festival.core.errors import DomainError
from festival.core.params import parse_int
from festival.core.web import render_error_safely
from festival.extensions import db


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as festival.core.web.problem writes them."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(metadata={"description": "For people, in the reader's language."})
    code = ma.fields.String(
        metadata={
            "description": "Stable, for machines: e.g. invalid_page, locality_not_found.",
            "example": "invalid_page",
        }
    )
    parameter = ma.fields.String(
        metadata={"description": "The query parameter at fault, when there is one.", "example": "page"}
    )


class Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def load_querystring(self, req, schema):
        return self._makeproxy(MultiDict([(k, v) for k, v in req.args.items(multi=True) if v != ""]), schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            messages = next(iter(messages.values()))  # {"query": {"page": [...]}} → {"page": [...]}
        name = next(iter(messages), "") if isinstance(messages, dict) else ""
        by_key = {f.data_key or key: f for key, f in schema.fields.items()}
        found = by_key.get(name)
        message = found.metadata.get("problem") if found is not None else None
        if message is None:
            message = _l("The parameter %(name)s is not valid.", name=name)
        raise DomainError(message, f"invalid_{name}" if name else "invalid_parameter", field=name or None)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()


def parameter_problem(error: DomainError):
    """The app's problem document (festival/core/web.py), naming the query parameter at fault (`parameter`)."""
    db.session.rollback()
    response = render_error_safely(error.status, str(error.message), error.code)
    if error.field:
        body = response.get_json()
        body["parameter"] = error.field
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response


PROBLEM_JSON = "application/problem+json"


class Api(SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """None: the app's own handlers already answer /api/ errors as problem details (festival/core/web.py)."""

    def _register_responses(self):
        """Only the default error response, as the problem details the app writes."""
        response = {"description": "An error, as RFC 9457 problem details.", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


ETAG = {"description": "Strong validator of the body: send it back in If-None-Match.", "schema": {"type": "string"}}


class ConditionalGetPlugin(BasePlugin):
    """Every GET under /api/v1 has an ETag and answers 304 to a matching If-None-Match (festival/api/__init__.py
    does it for all of them at once): described here for all of them at once too."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        get = (operations or {}).get("get")
        if get is None:
            return
        responses = get.setdefault("responses", {})
        for status in (200, "200"):  # flask-smorest's own codes are still integers here
            if isinstance(responses.get(status), dict):
                ok = responses[status]
                ok["headers"] = {**ok.get("headers", {}), "ETag": ETAG}  # a copy: views share header dicts
        if 304 not in responses and "304" not in responses:
            responses[304] = {"description": "Not modified: the ETag sent in If-None-Match still holds."}


class WholeNumber(ma.fields.Integer):
    """Plain ASCII digits only (no "+5", " 7 ", "1_000" or other scripts' digits), as core.params.parse_int."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = parse_int(value, -(2**63), 2**63)
        if number is None:
            raise self.make_error("invalid")
        return number


def whole_number(low: int, high: int, problem, load_default=ma.missing, **metadata) -> WholeNumber:
    """A whole number in [low, high]; `problem` is the message of the 400 answered otherwise."""
    return WholeNumber(
        validate=ma.validate.Range(low, high), load_default=load_default, metadata={"problem": problem, **metadata}
    )
