"""The deployment files (deploy/): compose structure, secrets from the environment only, the
assistant's environment covering endpoints.production.yml, nginx.conf accepted by nginx -t.

`docker compose config` needs the compose plugin, which this machine's docker client lacks
(there is no engine either); when it is there, the test runs it too.
"""

from __future__ import annotations

import re
import shutil
import subprocess

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
    for name in APP_SERVICES:
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
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


def test_databases_have_healthchecks(compose):
    for name in ("postgres", "redis", "assistant", "actions"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_dockerfile():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    python = (ROOT / ".python-version").read_text().strip()
    assert f"FROM python:{python}-" in dockerfile
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "COPY models/current.tar.gz" in dockerfile
    assert re.search(r"^USER (?!root|0\b)", dockerfile, re.M), "runs as a non-root user"


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="no docker compose plugin",
)
def test_docker_compose_config(tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "PUBLIC_HOST=chat.example\nCLINIC_NAME=x\nCLINIC_PHONE=0\nCLINIC_EMERGENCY_PHONE=0\n"
        "CLINIC_BOOKING_URL=x\nCLINIC_HOURS=x\nDB_PASSWORD=x\nCONSOLE_SECRET_KEY=" + "x" * 40 + "\n"
    )
    result = subprocess.run(
        ["docker", "compose", "--env-file", str(env), "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None, reason="needs nginx, openssl")
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
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-g", f"pid {tmp_path}/nginx.pid;"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_kubernetes_notes_cover_the_essentials():
    text = (DEPLOY / "kubernetes.md").read_text(encoding="utf-8")
    for needed in ("replicaCount", "lockStore", "trackerStore", "secretKeyRef", "RATE_LIMIT_REDIS_URL"):
        assert needed in text, needed
