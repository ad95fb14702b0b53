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

from banjia.rules.model import RuleSet

from .providers import PROVIDERS
from .server import FakeProviders

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS_DIR = Path(__file__).resolve().parent / "apps"
APP_TIMEOUT_SECONDS = 60
PARALLEL_RUNS = 4  # subprocesses at once: mostly waiting on imports and the loopback server


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


def migrate(folder: Path, provider: str, rule_files: Iterable[Path] = ()) -> dict[str, Any]:
    """`banjia migrate FOLDER --to PROVIDER --unsafe --write`, run as a user would; returns the JSON report.

    --unsafe: every fix the rule file knows is applied, so what is left is what the rules
    cannot fix (reported as notes), not what they chose not to apply by default.
    """
    command = [sys.executable, "-m", "banjia", "migrate", folder.name, "--to", provider, "--unsafe", "--write",
               "--format", "json", "--no-progress", "--jobs", "1"]
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
    base_path = urlsplit(rules.endpoint.base_url).path
    return {
        "PATH": os.environ.get("PATH", ""),
        rules.endpoint.api_key_env: PROVIDERS[rules.id].key,
        rules.endpoint.base_url_env: server.url_for(rules.id, base_path, tag),
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


def blocked_files(report: dict[str, Any]) -> set[str]:
    """Stems of the files the migration left with a `blocked` note (an API the provider does not serve)."""
    return {Path(file["path"]).stem for file in report["files"]
            if any(note["severity"] == "blocked" for note in file["notes"])}
