"""One module per rule kind: its intake hook, its check, its bilingual messages.

- `broadcast`: broadcast hours, day parts, required windows, silent days, emergencies;
- `content`: language limits, categories, prohibited content, attribution;
- `recurring`: duties per period, discharged by submissions and backups;
- `triggered`: duties raised by events, discharged by the events that answer them;
- `retention`: backups deleted before the end of their retention;
- `updates`: sites owed new content each day of some kinds;
- `outline`: reports that leave out required sections of the outline.

A new rule kind is one model class (quyche.model) plus one module here, wired into
`intake.Reader` (its event hook) and `finalize` (its check).
"""
