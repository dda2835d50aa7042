"""How events become a report: intake, ledger, findings, and the backends."""
