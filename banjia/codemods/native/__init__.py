"""Strategy `native`: rewrites onto the providers' own SDKs, one module per provider."""
