"""Edition forms. Dates are typed dd/mm/yyyy (docs/domain.md, "Text"), whatever the browser's locale."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from festival.core.forms import BaseForm
from festival.editions.models import EditionStatus

DATE_FORMAT = "%d/%m/%Y"


def day_field(label, required: bool = True) -> DateField:
    return DateField(
        label,
        format=DATE_FORMAT,
        widget=TextInput(),
        validators=[DataRequired() if required else Optional()],
        render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "pattern": r"\d{1,2}/\d{1,2}/\d{4}"},
    )


class EditionForm(BaseForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2005, max=2100)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=500)])
    season_start = day_field(_l("Season starts"))
    season_end = day_field(_l("Season ends"))
    main_day = day_field(_l("Main day"), required=False)
    status = SelectField(_l("Status"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.label) for s in EditionStatus]
        for name in ("season_start", "season_end", "main_day"):
            getattr(self, name).description = _l("Day/month/year, e.g. 19/08/2027")
