"""The deployment files (deploy/): compose structure, secrets from the environment only, the
assistant's environment covering endpoints.production.yml, both images' contents, the containers'
Rasa command run for real, `docker-compose config` and `nginx -t` (Debian's docker-compose and
nginx, installed by `make deploy-tools`; no Docker engine is needed for either).
"""

from __future__ import annotations

import fnmatch
import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from harness.stack import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
NGINX = DEPLOY / "nginx.conf"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN")
APP_SERVICES = {"assistant", "actions", "web", "console"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_services(compose):
    services = compose["services"]
    assert set(services) == APP_SERVICES | {"postgres", "redis", "nginx"}
    for name, service in services.items():
        assert service.get("image"), f"{name} has no image"
        assert service.get("restart") == "unless-stopped", name
        assert set(service.get("networks") or []) <= set(compose["networks"]), name
        for dependency in service.get("depends_on") or {}:
            assert dependency in services, (name, dependency)
    for name in APP_SERVICES - {"actions"}:
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert services["actions"]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile.actions"}
    assert compose["networks"]["backend"]["internal"] is True


def test_only_nginx_publishes_ports(compose):
    published = {name for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"nginx"}
    assert {p.split(":")[-1] for p in compose["services"]["nginx"]["ports"]} == {"80", "443", "8443"}


def test_nginx_mounts_its_config_and_certificates(compose):
    volumes = compose["services"]["nginx"]["volumes"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in volumes
    assert any(v.endswith(":/etc/nginx/certs:ro") for v in volumes)
    assert NGINX.exists()


def test_named_volumes_are_declared(compose):
    declared = set(compose.get("volumes") or {})
    for service in compose["services"].values():
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if not source.startswith((".", "/", "$")):
                assert source in declared, volume


def test_secrets_come_from_the_environment(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in SECRET_WORDS) or ("@" in str(value) and "://" in str(value)):
                assert "${" in str(value), f"{name}.{key} must come from the environment"


def test_assistant_environment_covers_the_production_endpoints(compose):
    needed = set(PLACEHOLDER.findall((ROOT / "endpoints.production.yml").read_text()))
    environment = compose["services"]["assistant"]["environment"]
    assert needed <= set(environment), needed - set(environment)
    for key in ("RATE_LIMIT_REDIS_URL", "SANIC_REQUEST_MAX_SIZE", "REST_MAX_BODY_BYTES"):
        assert key in environment
    assert compose["services"]["assistant"]["deploy"]["replicas"] >= 2


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name


def test_action_server_can_post_alerts(compose):
    """Emergency alerts leave from the action server: it needs Slack's variables and a way out."""
    actions = compose["services"]["actions"]
    assert {"SLACK_BOT_TOKEN", "SLACK_ALERT_CHANNEL", "CONSOLE_PUBLIC_URL"} <= set(actions["environment"])
    assert not compose["networks"][next(n for n in actions["networks"] if n != "backend")].get("internal")


def _copies(dockerfile: str):
    """The sources of every COPY from the build context (not from another stage)."""
    for line in dockerfile.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            yield from line.split()[1:-1]


def _ignored(source: str, patterns) -> bool:
    """Whether the .dockerignore (whitelist style: ** then !exceptions) leaves `source` out."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        source = source.rstrip("/")
        if pattern == "**" or fnmatch.fnmatch(source, pattern) or source.startswith(pattern + "/"):
            ignored = not negate
    return ignored


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.actions"])
def test_dockerfiles(name):
    dockerfile = (DEPLOY / name).read_text()
    python = (ROOT / ".python-version").read_text().strip()
    assert f"FROM python:{python}-" in dockerfile
    assert re.search(r"^USER (?!root|0\b)", dockerfile, re.M), "runs as a non-root user"
    ignore = [
        line.strip()
        for line in (DEPLOY / f"{name}.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for source in _copies(dockerfile):
        assert (ROOT / source).exists() or source.startswith("models/"), source
        assert not _ignored(source, ignore), f"{name} copies {source}, which its .dockerignore leaves out"


def test_assistant_image():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "COPY models/current.tar.gz" in dockerfile
    for package in ("channels", "console", "japanese_nlu", "knowledge", "settings", "stores"):
        assert f"COPY {package}/ {package}/" in dockerfile, package
    assert 'CMD ["sh", "deploy/rasa-server.sh"]' in dockerfile


def _locked(path):
    return dict(
        line.split("==", 1) for line in path.read_text().splitlines() if "==" in line and not line.startswith("#")
    )


def _closure(names):
    """Distribution names (normalised) of `names` and everything they require."""
    from packaging.requirements import Requirement

    seen, stack = set(), list(names)
    while stack:
        distribution = metadata.distribution(stack.pop())
        key = re.sub(r"[-_.]+", "-", distribution.metadata["Name"]).lower()
        if key not in seen:
            seen.add(key)
            for text in distribution.requires or []:
                requirement = Requirement(text)
                if not requirement.marker or requirement.marker.evaluate({"extra": ""}):
                    stack.append(requirement.name)
    return seen


def test_action_image_packages_are_the_locked_ones():
    actions = _locked(ROOT / "requirements-actions.txt")
    main = _locked(ROOT / "requirements.txt")
    assert {name: version for name, version in actions.items()} == {name: main[name] for name in actions}
    normalised = {re.sub(r"[-_.]+", "-", name).lower() for name in actions}
    assert _closure(["rasa-sdk", "PyYAML", "pydantic", "slack_sdk"]) <= normalised


BLOCKER = r"""
import importlib.abc, importlib.metadata as md, pkgutil, re, sys
allowed = set()
for line in open("requirements-actions.txt"):
    if "==" in line and not line.startswith("#"):
        for file in md.distribution(line.split("==")[0]).files or []:
            allowed.add(file.parts[0].removesuffix(".py"))
allowed |= {"actions", "settings", "knowledge", "japanese_nlu", "console"} | set(sys.stdlib_module_names)
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top not in allowed and not top.startswith("_"):
            raise ImportError(f"{name} is not in the action server's image")
sys.meta_path.insert(0, Block())
import actions, slack_sdk, rasa_sdk.endpoint
for module in pkgutil.iter_modules(actions.__path__):
    __import__("actions." + module.name)
copied = {"japanese_nlu": {"__init__", "language"}, "console": {"__init__", "keys"}}
for name, module in list(sys.modules.items()):
    top, _, rest = name.partition(".")
    if top in copied:
        assert (rest.split(".")[0] or "__init__") in copied[top], name
print("ok")
"""


def test_the_actions_import_only_what_their_image_has():
    """The actions, imported with every package outside requirements-actions.txt (and every
    project module Dockerfile.actions does not copy) refused."""
    result = subprocess.run([sys.executable, "-c", BLOCKER], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_the_containers_rasa_command(tmp_path):
    """deploy/rasa-server.sh as the image runs it (its files in deploy/, a stand-in `rasa` that
    prints what it was asked to run): settings checked first, only configured channels."""
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "credentials.yml", tmp_path / "deploy" / "credentials.yml")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rasa").write_text('#!/bin/sh\necho "rasa $*"\n')
    (bin_dir / "rasa").chmod(0o755)
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PUBLIC_HOST": "chat.example"}

    def run(**extra):
        return subprocess.run(
            ["sh", str(ROOT / "deploy" / "rasa-server.sh")],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    started = run(LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t")
    assert started.returncode == 0, started.stderr
    assert "channels on: rest, socketio, line; off: slack" in started.stdout
    assert "--credentials /tmp/credentials.yml" in started.stdout and "--cors https://chat.example" in started.stdout
    assert "--endpoints endpoints.production.yml" in started.stdout
    refused = run(RATE_LIMIT_MESSAGES="lots")
    assert refused.returncode == 2 and "RATE_LIMIT_MESSAGES='lots'" in refused.stderr
    assert "rasa run" not in refused.stdout


def _compose_command():
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    pytest.fail("neither docker-compose nor the docker compose plugin: run `make deploy-tools`")


def test_docker_compose_config(tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "PUBLIC_HOST=chat.example\nCLINIC_NAME=x\nCLINIC_PHONE=0\nCLINIC_EMERGENCY_PHONE=0\n"
        "CLINIC_BOOKING_URL=x\nCLINIC_HOURS=x\nDB_PASSWORD=x\nCONSOLE_SECRET_KEY=" + "x" * 40 + "\n"
    )
    result = subprocess.run(
        [*_compose_command(), "--env-file", str(env), "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_accepts_the_config(tmp_path):
    """nginx -t on deploy/nginx.conf, with the compose service names pointed at loopback and a
    throwaway self-signed certificate in place of the real one."""
    conf = NGINX.read_text()
    for host in ("assistant", "web", "console"):
        conf = re.sub(rf"server {host}:", "server 127.0.0.1:", conf)
    conf = conf.replace("/etc/nginx/certs/", f"{tmp_path}/")
    (tmp_path / "nginx.conf").write_text(conf)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    result = subprocess.run(
        [
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-t",
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            f"pid {tmp_path}/nginx.pid;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_kubernetes_notes_cover_the_essentials():
    text = (DEPLOY / "kubernetes.md").read_text(encoding="utf-8")
    for needed in ("replicaCount", "lockStore", "trackerStore", "secretKeyRef", "RATE_LIMIT_REDIS_URL"):
        assert needed in text, needed
    values = yaml.safe_load(text.split("## values.yaml for the `rasa` chart")[1].split("```yaml")[1].split("```")[0])
    assert values["applicationSettings"]["initialModel"] == "", "the chart's example model would hide ours"
    assert values["command"] == ["sh", "deploy/rasa-server.sh"]
