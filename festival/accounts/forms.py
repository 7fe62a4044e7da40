"""Forms of the accounts feature (CSRF from Flask-WTF on each)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from festival.accounts.models import ROLE_LABELS
from festival.core.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class UserForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    scope_code = StringField(
        _l("Locality (code)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Organizers and check-in staff work in this unit and every unit below it."),
    )
    organization_id = IntegerField(
        _l("Organization (number)"),
        validators=[Optional()],
        description=_l("For organization representatives."),
    )
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=128)])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, label) for role, label in ROLE_LABELS.items()]
