"""Use cases and queries over the database: merchants, the public directory,
imports and exports, staff accounts and sessions, the audit trail, and the
address service. No `request` here: callers pass what they parsed."""
