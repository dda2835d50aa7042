"""Reading rule sets side by side and ahead: diff, compare, explain, schedule.

Each analysis is a module with its result models (`quyche.output.Output`) and its
entry point: `diff` (its section specs in `diff_sections`, its stricter/looser rules
in `strictness`), `compare`, `explain` (its results in `explanation`), `schedule`,
`sensitivity`, `coverage`, `daily`. What they share has one home: `wording` (a rule
set's parts in words), `citations` (sources cited through `Citation.of`).
"""
