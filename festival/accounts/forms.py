"""Forms of the accounts feature (CSRF from Flask-WTF on each)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from festival.accounts import services
from festival.accounts.models import ROLE_LABELS
from festival.core.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class UserForm(BaseForm):
    """The administrators' account form.

    The scope and the organization are pickers: a visible text box where the administrator types a name
    (`scope_name`, `organization_name`), which the page's script turns into suggestions, and a hidden input
    that the chosen suggestion fills (`scope_code`, `organization_id`). Without the script the hidden input
    stays empty and the service resolves the typed text (accounts.pickers.resolve_locality/_organization).
    """

    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[], default="", validators=[DataRequired(message=_l("Choose a role."))])
    scope_name = StringField(
        _l("Locality"),
        validators=[Optional(), Length(max=255)],
        description=_l(
            "Type a name (accents are optional) and choose from the list, or type the unit's code. Organizers "
            "and check-in staff work in this unit and every unit below it."
        ),
    )
    scope_code = HiddenField(validators=[Optional(), Length(max=20)])
    organization_name = StringField(
        _l("Organization"),
        validators=[Optional(), Length(max=255)],
        description=_l("For organization representatives: type the organization's name and choose from the list."),
    )
    organization_id = HiddenField(validators=[Optional(), Length(max=20)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=128)])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("Choose a role…"))] + [(role.value, label) for role, label in ROLE_LABELS.items()]


class EndSessionForm(BaseForm):
    """Ends one session, or all the others: nothing to fill in but the CSRF token."""


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=128)],
        description=_l(
            "At least %(n)s characters. Your other sessions end when you change it.", n=services.PASSWORD_MIN
        ),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two new passwords differ."))],
    )


class ApiTokenForm(BaseForm):
    """Names a new personal API token (the token itself is made by the server and shown once)."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the token a name, such as the script that will use it.")),
            Length(max=100),
        ],
        description=_l("What the token is for, such as the script that will use it."),
    )
