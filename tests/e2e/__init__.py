"""End-to-end tests: migrated programs run against a loopback server that speaks each provider's wire protocol."""
