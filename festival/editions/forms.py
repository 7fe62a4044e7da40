"""Edition forms. Dates are typed dd/mm/yyyy, whatever the browser's locale (festival.core.forms.DayField;
docs/domain.md, "Text")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from festival.core.forms import BaseForm, day_field
from festival.editions.models import EditionStatus
from festival.editions.services import FIRST_YEAR, LAST_YEAR, THEME_MAX

DAY_HELP = _l("Day/month/year, e.g. 19/08/2027")


class EditionForm(BaseForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=THEME_MAX)])
    season_start = day_field(_l("Season starts"), description=DAY_HELP)
    season_end = day_field(_l("Season ends"), description=DAY_HELP)
    main_day = day_field(_l("Main day"), required=False, description=DAY_HELP)
    status = SelectField(_l("Status"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.label) for s in EditionStatus]
