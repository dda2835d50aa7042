"""Time as the regulations count it: the working-day calendar, deadlines, periods."""
