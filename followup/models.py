"""The yearly follow-up: cycles, reports, actions (built in the follow-up issue)."""
