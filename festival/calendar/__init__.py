"""iCalendar output: one VEVENT builder shared by the feeds, single-item downloads, tickets and e-mails."""
