"""Reading rule sets side by side and ahead: diff, compare, explain, schedule."""
