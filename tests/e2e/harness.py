"""Running programs for real: copy, migrate with the CLI, run in a subprocess with only the provider's variables.

Nothing is mocked inside the programs' processes: they import the real SDK and talk
HTTP to the loopback server (`server.py`), so what a test sees is what the migrated code
does on the wire.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from banjia.rules.loader import resolve_rules
from banjia.rules.model import RuleSet

from .providers import PROVIDERS
from .server import FakeProviders

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS_DIR = Path(__file__).resolve().parent / "apps"
APP_TIMEOUT_SECONDS = 60
PARALLEL_RUNS = 4  # subprocesses at once: mostly waiting on imports and the loopback server
# A v0 program cannot run on the v1 SDK unmigrated; legacy_chat.py is chat.py in openai<1.0 style.
BASELINE_OF = {"legacy_chat": "chat"}
STREAMING_APPS = {"stream", "async_stream"}  # the programs that ask for a stream


@dataclass(frozen=True)
class AppRun:
    app: str
    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        return f"{self.app} exited {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-3000:]}"


def app_names() -> list[str]:
    return sorted(path.stem for path in APPS_DIR.glob("*.py"))


def copy_apps(destination: Path, names: Iterable[str] | None = None) -> Path:
    """A fresh copy of the programs (all, or `names`) in `destination`, which must not exist yet."""
    destination.mkdir(parents=True)
    for name in names if names is not None else app_names():
        shutil.copy2(APPS_DIR / f"{name}.py", destination / f"{name}.py")
    return destination


@dataclass(frozen=True)
class ProviderRun:
    """One provider x strategy: the migrated copy of the programs, the report, and each program's run."""

    rules: RuleSet
    strategy: str
    report: dict[str, Any]
    folder: Path
    blocked: set[str]  # programs the migration flagged as blocked: not run
    kept_compatible: set[str]  # native only: programs left on the OpenAI-compatible endpoint
    runs: dict[str, AppRun]


def run_tag(provider: str, app: str, strategy: str = "compat") -> str:
    """The label of one program's requests on the server."""
    return f"{provider}-{app}" if strategy == "compat" else f"{provider}-{strategy}-{app}"


def migrate(folder: Path, provider: str, rule_files: Iterable[Path] = (), strategy: str = "compat") -> dict[str, Any]:
    """`banjia migrate FOLDER --to PROVIDER --strategy S --unsafe --write`, run as a user would; the JSON report.

    --unsafe: every fix the rule file knows is applied, so what is left is what the rules
    cannot fix (reported as notes), not what they chose not to apply by default.
    """
    command = [sys.executable, "-m", "banjia", "migrate", folder.name, "--to", provider, "--strategy", strategy,
               "--unsafe", "--write", "--format", "json", "--no-progress", "--jobs", "1"]
    for rule_file in rule_files:
        command += ["--rules", str(rule_file)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(command, cwd=folder.parent, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"banjia migrate exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def provider_env(rules: RuleSet, server: FakeProviders, tag: str) -> dict[str, str]:
    """PATH, the provider's key variable and its base-URL variable: the base URL keeps the rule's path.

    The path comes from the rule file under test, the routes from providers.md: a rule
    with a wrong base path sends the program to a path the server answers with 404.
    """
    return _variables(rules.id, rules.endpoint.api_key_env, rules.endpoint.base_url_env, rules.endpoint.base_url,
                      server, tag)


def native_env(rules: RuleSet, server: FakeProviders, tag: str) -> dict[str, str]:
    """The same for the provider's SDK: the `[native]` key and base-URL variables, with the SDK's base path.

    The SDKs read these themselves (zhipuai's ZHIPUAI_BASE_URL, dashscope's
    DASHSCOPE_HTTP_BASE_URL when it is imported, qianfan's QIANFAN_CONSOLE_API_BASE_URL,
    the host to which it adds /v2) or the migrated code does (Ark's ARK_BASE_URL).
    """
    assert rules.native is not None, f"{rules.id} has no native SDK"
    native = rules.native
    return _variables(rules.id, native.api_key_env, native.base_url_env, native.base_url, server, tag)


def strategy_env(rules: RuleSet, server: FakeProviders, tag: str, strategy: str) -> dict[str, str]:
    """The variables a program migrated with `strategy` reads."""
    return native_env(rules, server, tag) if strategy == "native" else provider_env(rules, server, tag)


def _variables(provider: str, key_env: str, base_url_env: str, base_url: str, server: FakeProviders,
               tag: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        key_env: PROVIDERS[provider].key,
        base_url_env: server.url_for(provider, urlsplit(base_url).path, tag),
    }


def openai_env(server: FakeProviders, tag: str) -> dict[str, str]:
    """What the unmigrated programs get: the openai SDK's own variables, pointed at the OpenAI-shaped route."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "OPENAI_API_KEY": PROVIDERS["openai"].key,
        "OPENAI_BASE_URL": server.url_for("openai", "/v1", tag),
    }


def run_app(script: Path, env: Mapping[str, str]) -> AppRun:
    done = subprocess.run([sys.executable, str(script)], cwd=script.parent, env=dict(env), capture_output=True,
                          text=True, timeout=APP_TIMEOUT_SECONDS)
    return AppRun(script.stem, done.returncode, done.stdout, done.stderr)


def run_apps(jobs: Mapping[str, tuple[Path, Mapping[str, str]]]) -> dict[str, AppRun]:
    """Each program (name -> script and environment) in its own subprocess, a few at a time."""
    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        futures = {name: pool.submit(run_app, script, env) for name, (script, env) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def migrate_and_run(server: FakeProviders, workdir: Path, provider: str, strategy: str) -> ProviderRun:
    """Copy the programs into `workdir`/apps, migrate them and run each one the migration did not block.

    A program the native migration kept on the OpenAI-compatible endpoint gets the
    compatible variables: it still uses the openai SDK.
    """
    folder = copy_apps(workdir / "apps")
    report = migrate(folder, provider, strategy=strategy)
    rules = resolve_rules(provider)
    blocked = blocked_files(report)
    kept = kept_compatible_files(report)

    def env_for(app: str) -> dict[str, str]:
        return strategy_env(rules, server, run_tag(provider, app, strategy), "compat" if app in kept else strategy)

    jobs = {app: (folder / f"{app}.py", env_for(app)) for app in app_names() if app not in blocked}
    return ProviderRun(rules, strategy, report, folder, blocked, kept, run_apps(jobs))


def notes_of(report: dict[str, Any], app: str) -> list[dict[str, Any]]:
    """The notes the report gives on the program `app`."""
    return [note for file in report["files"] if Path(file["path"]).stem == app for note in file["notes"]]


def blocked_files(report: dict[str, Any]) -> set[str]:
    """Stems of the files the migration left with a `blocked` note (an API the provider does not serve)."""
    return {Path(file["path"]).stem for file in report["files"]
            if any(note["severity"] == "blocked" for note in file["notes"])}


def kept_compatible_files(report: dict[str, Any]) -> set[str]:
    """Stems of the files the native migration left on the OpenAI-compatible endpoint (and says why)."""
    return {Path(file["path"]).stem for file in report["files"]
            if any(note["rule"].endswith(":native:compatible-endpoint") for note in file["notes"])}
