"""Forms speak the reader's language (WTForms' own messages too), read days as people type them, and focus the
first field in error."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import flask_wtf
import pytest
import wtforms
from babel.messages.pofile import read_po
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NoneOf,
    NumberRange,
    Regexp,
)

from festival.core.forms import BaseForm, DayField, day_field, parse_day
from tests.accounts.support import form_fields
from tests.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]


def catalog(lang: str) -> dict:
    with (ROOT / "festival" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {m.id: m for m in read_po(f, locale=lang) if m.id}


# --- every message WTForms and Flask-WTF can show is ours --------------------------------------------------------


def library_messages() -> set[str | tuple[str, str]]:
    """The literal messages the installed WTForms (validators, fields, CSRF) and Flask-WTF (CSRF, files) define:
    the arguments of their gettext()/ngettext() calls, and the sentences Flask-WTF raises without gettext."""
    wtforms_dir = Path(wtforms.__file__).parent
    flask_wtf_dir = Path(flask_wtf.__file__).parent
    files = [
        wtforms_dir / "validators.py",
        *sorted((wtforms_dir / "fields").glob("*.py")),
        *sorted((wtforms_dir / "csrf").glob("*.py")),
        flask_wtf_dir / "csrf.py",
        flask_wtf_dir / "file.py",
    ]
    found: set[str | tuple[str, str]] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "gettext" and literals:
                found.add(literals[0])
            elif name == "ngettext" and len(literals) >= 2:
                found.add((literals[0], literals[1]))
            elif name == "ValidationError" and literals and path.parent == flask_wtf_dir:
                found.add(literals[0])
    return found


def test_every_wtforms_and_flask_wtf_message_is_translated_into_vietnamese():
    messages = library_messages()
    assert len(messages) >= 40, sorted(map(str, messages))  # the scan found the library's messages
    assert "This field is required." in messages
    assert ("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.") in (
        messages
    )
    vi = catalog("vi")
    missing = sorted(str(m) for m in messages if m not in vi)
    assert missing == [], f"list them in festival/core/wtforms_messages.py, run `make messages`, translate: {missing}"
    for message in messages:
        entry = vi[message]
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(translations), f"untranslated: {message}"
        source = message[0] if isinstance(message, tuple) else message
        for translation in translations:
            assert set(re.findall(r"%\(\w+\)[sd]|%s|\{\w+\}", source)) == set(
                re.findall(r"%\(\w+\)[sd]|%s|\{\w+\}", translation)
            ), message


# --- Vietnamese messages on a rendered form -----------------------------------------------------------------------


class EveryValidatorForm(BaseForm):
    required = StringField("required", validators=[DataRequired()])
    input_required = StringField("input_required", validators=[InputRequired()])
    at_least = StringField("at_least", validators=[Length(min=3)])
    at_most = StringField("at_most", validators=[Length(max=5)])
    exactly = StringField("exactly", validators=[Length(min=4, max=4)])
    between = StringField("between", validators=[Length(min=2, max=4)])
    number_min = IntegerField("number_min", validators=[NumberRange(min=10)])
    number_max = IntegerField("number_max", validators=[NumberRange(max=10)])
    number_range = IntegerField("number_range", validators=[NumberRange(min=2005, max=2100)])
    email = EmailField("email", validators=[Email()])
    password = PasswordField("password")
    confirm = PasswordField("confirm", validators=[EqualTo("password")])
    url = StringField("url", validators=[URL()])
    pattern = StringField("pattern", validators=[Regexp(r"^[A-Z]+$")])
    any_of = StringField("any_of", validators=[AnyOf(["a", "b"])])
    none_of = StringField("none_of", validators=[NoneOf(["x"])])
    integer = IntegerField("integer")
    decimal = DecimalField("decimal")
    floating = FloatField("floating")
    day = DateField("day")
    moment = DateTimeLocalField("moment")
    choice = SelectField("choice", choices=[SelectChoice("a", "A")])


INVALID = {
    "required": "",
    "input_required": "",
    "at_least": "ab",
    "at_most": "abcdef",
    "exactly": "abc",
    "between": "abcde",
    "number_min": "9",
    "number_max": "11",
    "number_range": "1999",
    "email": "not-an-address",
    "password": "a",
    "confirm": "b",
    "url": "nowhere",
    "pattern": "abc",
    "any_of": "c",
    "none_of": "x",
    "integer": "mười",
    "decimal": "1,5,5",
    "floating": "abc",
    "day": "hôm nay",
    "moment": "sáng mai",
    "choice": "z",
}

EXPECTED = {
    "vi": {
        "required": "Ô này không được để trống.",
        "input_required": "Ô này không được để trống.",
        "at_least": "Phải có ít nhất 3 ký tự.",
        "at_most": "Không được dài quá 5 ký tự.",
        "exactly": "Phải có đúng 4 ký tự.",
        "between": "Phải có từ 2 đến 4 ký tự.",
        "number_min": "Số phải lớn hơn hoặc bằng 10.",
        "number_max": "Số phải nhỏ hơn hoặc bằng 10.",
        "number_range": "Số phải nằm trong khoảng từ 2005 đến 2100.",
        "email": "Địa chỉ e-mail không hợp lệ.",
        "confirm": "Giá trị phải trùng với ô password.",
        "url": "Địa chỉ web (URL) không hợp lệ.",
        "pattern": "Giá trị không hợp lệ.",
        "any_of": "Giá trị không hợp lệ: phải là một trong các giá trị a, b.",
        "none_of": "Giá trị không hợp lệ: không được là một trong các giá trị x.",
        "integer": "Không phải là số nguyên hợp lệ.",
        "decimal": "Không phải là số thập phân hợp lệ.",
        "floating": "Không phải là số hợp lệ.",
        "day": "Ngày không hợp lệ.",
        "moment": "Ngày giờ không hợp lệ.",
        "choice": "Lựa chọn không hợp lệ.",
    },
    "en": {
        "required": "This field is required.",
        "at_least": "Field must be at least 3 characters long.",
        "at_most": "Field cannot be longer than 5 characters.",
        "number_range": "Number must be between 2005 and 2100.",
        "email": "Invalid email address.",
        "integer": "Not a valid integer value.",
        "choice": "Not a valid choice.",
    },
}

RENDER = (
    """{% from "_macros.html" import field %}{% for f in form if f.name != 'csrf_token' %}{{ field(f) }}{% endfor %}"""
)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_wtforms_messages_are_shown_in_the_readers_language(app, lang):
    headers = {"Cookie": f"lang={lang}"}
    with app.test_request_context("/", method="POST", data=INVALID, headers=headers):
        form = EveryValidatorForm(meta={"csrf": False})
        assert not form.validate()
        fields = form_fields(render_template_string(RENDER, form=form))
    for name, message in EXPECTED[lang].items():
        assert fields[name].errors == [message], name
    # What was typed stays in the boxes.
    assert fields["integer"].value == "mười"
    assert fields["day"].value == "hôm nay"


def test_plural_messages_follow_the_number(app):
    class Short(BaseForm):
        one = StringField("one", validators=[Length(max=1)])

    with app.test_request_context("/", method="POST", data={"one": "ab"}, headers={"Cookie": "lang=en"}):
        form = Short(meta={"csrf": False})
        form.validate()
        assert form.one.errors == ["Field cannot be longer than 1 character."]


def test_a_bad_csrf_token_is_explained_in_vietnamese(app):
    class Tiny(BaseForm):
        name = StringField("name")

    with app.test_request_context("/", method="POST", data={"name": "x", "csrf_token": "forged"}):
        form = Tiny()
        assert not form.validate()
        assert form.csrf_token.errors == ["Mã bảo mật của biểu mẫu không hợp lệ."]


def test_the_edition_form_speaks_vietnamese(client, admin):
    assert post_form(client, "/login", {"username": "admin", "password": "mat-khau-thu-nghiem"}).status_code == 302
    data = {"year": "năm nay", "theme": "T" * 501, "season_start": "", "season_end": "31/02/2028", "status": "x"}
    response = post_form(client, "/admin/editions/new", data)
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields["year"].errors == ["Không phải là số nguyên hợp lệ."]
    assert fields["theme"].errors == ["Không được dài quá 500 ký tự."]
    assert fields["season_start"].errors == ["Ô này không được để trống."]
    assert fields["season_end"].errors == ["Ngày không hợp lệ. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 19/08/2027."]
    assert fields["season_end"].value == "31/02/2028"
    assert fields["status"].errors == ["Lựa chọn không hợp lệ."]

    response = post_form(client, "/admin/editions/new", {**data, "year": "1999", "theme": ""})
    assert form_fields(response.get_data(as_text=True))["year"].errors == ["Số phải nằm trong khoảng từ 2005 đến 2100."]


# --- days ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["19/08/2027", "19/8/2027", "19-08-2027", "19.08.2027", "19.8.2027", "2027-08-19", " 19 / 08 / 2027 "],
)
def test_days_are_read_as_people_type_them(typed):
    assert parse_day(typed) == date(2027, 8, 19)


def test_single_digit_day_and_month():
    assert parse_day("1/7/2028") == date(2028, 7, 1)
    assert parse_day("1.7.2028") == date(2028, 7, 1)


@pytest.mark.parametrize(
    "typed",
    ["31/02/2028", "29/02/2027", "00/01/2027", "19/13/2027", "19/08/27", "19/08-2027", "2027/08/19", "19082027", "x"],
)
def test_what_names_no_day_is_refused(typed):
    assert parse_day(typed) is None


class DayForm(BaseForm):
    needed = day_field("needed")
    maybe = day_field("maybe", required=False)


def validate_days(app, data: dict, lang: str = "vi") -> DayForm:
    with app.test_request_context("/", method="POST", data=MultiDict(data), headers={"Cookie": f"lang={lang}"}):
        form = DayForm(meta={"csrf": False})
        form.validate()
        form.rendered = {f.name: f() for f in form if f.name != "csrf_token"}
        return form


def test_a_filled_bad_day_says_not_a_valid_date_and_keeps_the_text(app):
    form = validate_days(app, {"needed": "31/02/2028", "maybe": "1.7.2028"})
    assert form.needed.errors == ["Ngày không hợp lệ. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 19/08/2027."]
    assert 'value="31/02/2028"' in form.rendered["needed"]
    assert form.maybe.errors == [] and form.maybe.data == date(2028, 7, 1)

    form = validate_days(app, {"needed": "2028-07-01", "maybe": "khong"}, lang="en")
    assert form.needed.data == date(2028, 7, 1)
    assert form.maybe.errors == ["Not a valid date. Type it as dd/mm/yyyy, e.g. 19/08/2027."]


def test_required_is_only_for_an_empty_day(app):
    form = validate_days(app, {"needed": "  ", "maybe": ""})
    assert form.needed.errors == ["Ô này không được để trống."]
    assert form.maybe.errors == [] and form.maybe.data is None


def test_a_day_box_has_a_keyboard_with_separators_and_shows_dd_mm_yyyy(app):
    with app.test_request_context("/"):
        form = DayForm(meta={"csrf": False}, data={"needed": date(2027, 8, 5)})
        html = form.needed()
    assert 'value="05/08/2027"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert "inputmode" not in html  # the default keyboard, which has "/", "-" and "."
    assert 'type="text"' in html
    assert isinstance(form.needed, DayField)


# --- focus --------------------------------------------------------------------------------------------------------

AUTOFOCUS = re.compile(r"<input[^>]*\bautofocus\b[^>]*>")


def test_the_first_field_in_error_gets_the_focus(client, admin):
    assert post_form(client, "/login", {"username": "admin", "password": "mat-khau-thu-nghiem"}).status_code == 302
    page = client.get("/admin/editions/new").get_data(as_text=True)
    assert not AUTOFOCUS.search(page)  # nothing asked for, nothing wrong: no focus

    data = {"year": "2028", "theme": "", "season_start": "01/07/2028", "season_end": "1.7.28", "status": "draft"}
    response = post_form(client, "/admin/editions/new", data)
    assert response.status_code == 400
    focused = AUTOFOCUS.findall(response.get_data(as_text=True))
    assert len(focused) == 1 and 'name="season_end"' in focused[0]

    response = post_form(client, "/admin/editions/new", {**data, "year": "", "main_day": "x"})
    focused = AUTOFOCUS.findall(response.get_data(as_text=True))
    assert len(focused) == 1 and 'name="year"' in focused[0]


def test_a_service_error_focuses_its_field(client, admin, make):
    make.edition(2028)
    assert post_form(client, "/login", {"username": "admin", "password": "mat-khau-thu-nghiem"}).status_code == 302
    data = {"year": "2028", "theme": "", "season_start": "01/07/2028", "season_end": "19/08/2028", "status": "draft"}
    response = post_form(client, "/admin/editions/new", data)
    assert response.status_code == 400
    focused = AUTOFOCUS.findall(response.get_data(as_text=True))
    assert len(focused) == 1 and 'name="year"' in focused[0]


def test_the_requested_focus_gives_way_to_an_error(app):
    class Login(BaseForm):
        username = StringField("username", validators=[DataRequired()])
        password = PasswordField("password", validators=[DataRequired()])

    template = (
        '{% from "_macros.html" import field %}{{ field(form.username, autofocus=true) }}{{ field(form.password) }}'
    )
    with app.test_request_context("/", method="POST", data={"username": "an", "password": ""}):
        form = Login(meta={"csrf": False})
        form.validate()
        focused = AUTOFOCUS.findall(render_template_string(template, form=form))
    assert len(focused) == 1 and 'name="password"' in focused[0]
    with app.test_request_context("/"):
        focused = AUTOFOCUS.findall(render_template_string(template, form=Login(meta={"csrf": False})))
    assert len(focused) == 1 and 'name="username"' in focused[0]
