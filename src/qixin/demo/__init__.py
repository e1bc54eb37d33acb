"""Deterministic demo data (`qixin seed-demo`). Each app adds its own step to STEPS."""
