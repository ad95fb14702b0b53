"""Provider rule files: one `<id>.toml` per provider, read by `loader` into `model.RuleSet`.

The stem of each file is the provider id and the `--to` value; the rewrite never
reads TOML itself, only the validated `RuleSet`.
"""
