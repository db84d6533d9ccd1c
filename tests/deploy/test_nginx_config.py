"""The nginx configuration as rendered: the TLS switch, the CSP, refused values, and nginx's own check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from deploy.nginx_config import Site, content_security_policy, inline_script_hashes, render_main, render_site
from deploy.serve import main as serve_main
from deploy.serve import nginx_path

PORTS = {"server_names": ("dashboard.example.org",), "replica_ports": (8501, 8502)}


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_inline_script_hashes_are_the_sha256_of_each_inline_script():
    # Expected values from `printf 'alert(1)' | openssl dgst -sha256 -binary | base64` (and 'b = 2').
    html = '<script src="a.js"></script><script>alert(1)</script><p><script>b = 2</script>'
    assert inline_script_hashes(html) == (
        "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='",
        "'sha256-909RygKjcJ0SqB8Y8narqrIPX1Cg6BRMv50ABOSvPto='",
    )


def test_the_policy_allows_streamlit_and_nothing_looser():
    policy = directives(content_security_policy(Site(**PORTS)))
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    script = policy["script-src"]
    assert script[:2] == ["'self'", "'wasm-unsafe-eval'"]
    # The installed index.html's one inline script (its hash, as `openssl dgst` gives it for Streamlit 1.67).
    assert len(script) == 3 and script[2].startswith("'sha256-")
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script
    assert "upgrade-insecure-requests" not in policy


def test_hsts_secure_cookie_and_upgrade_only_with_tls(tmp_path):
    plain = render_site(Site(**PORTS))
    assert "add_header Strict-Transport-Security" not in plain
    assert "; Secure" not in plain
    assert " ssl" not in plain
    tls = render_site(
        Site(**PORTS, port=443, http_port=80, tls_certificate=tmp_path / "c.pem", tls_key=tmp_path / "k.pem")
    )
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in tls
    assert "SameSite=Lax; Secure" in tls
    assert "upgrade-insecure-requests" in tls
    assert "return 301 https://$host$request_uri;" in tls
    assert "ssl_reject_handshake on;" in tls


def test_the_upload_limit_follows_streamlit_and_other_bodies_stay_small():
    text = render_site(Site(**PORTS, upload_limit_mb=7))
    upload = text.split("location /_stcore/upload_file/ {", 1)[1].split("}", 1)[0]
    assert "client_max_body_size 8m;" in upload
    app_server = text.split("location /_stcore/ {", 1)[0].rsplit("server {", 1)[1]
    assert "client_max_body_size 64k;" in app_server


@pytest.mark.parametrize(
    "change",
    [
        {"server_names": ("dash.example.org; return 200",)},
        {"server_names": ("dash example.org",)},
        {"server_names": ("$host",)},
        {"server_names": ("dash.example.org\ninclude /etc/passwd",)},
        {"server_names": ("dash.example.org\n",)},
        {"addresses": ("127.0.0.1\n",)},
        {"static_dir": Path("/srv/app/static\n")},
        {"extra_origins": ("https://tiles.example.org\n",)},
        {"server_names": ()},
        {"addresses": ("0.0.0.0; listen 80",)},
        {"replica_ports": ()},
        {"replica_ports": (8501, 8501)},
        {"replica_ports": (8501, 70000)},
        {"port": 8501},
        {"static_dir": Path("/srv/app/static; autoindex on")},
        {"static_dir": Path("relative/static")},
        {"static_dir": Path("/srv/{app}/static")},
        {"tls_certificate": Path("/etc/ssl/c.pem")},  # no key
        {"extra_origins": ("http://tiles.example.org",)},
        {"extra_origins": ("https://tiles.example.org 'unsafe-eval'",)},
        {"sessions_per_client": 0},
        {"upload_limit_mb": -1},
    ],
)
def test_values_that_could_break_or_widen_the_configuration_are_refused(change):
    with pytest.raises(ValueError):
        Site(**(PORTS | change))


def test_run_folders_and_users_are_checked_before_they_reach_nginx_conf():
    with pytest.raises(ValueError):
        render_main(Path("/tmp/run dir"), user=None)
    with pytest.raises(ValueError):
        render_main(Path("/tmp/run"), user="root; daemon on")
    with pytest.raises(ValueError):
        render_main(Path("/tmp/run"), user="alice\n")
    assert "user alice;" in render_main(Path("/tmp/run"), user="alice")
    assert "\nuser " not in render_main(Path("/tmp/run"), user=None)


@pytest.mark.slow  # runs openssl and nginx
def test_nginx_accepts_both_renderings(tmp_path):
    """``nginx -t`` on the loopback configuration and on a real server's TLS one (throwaway certificate)."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    sites = {
        "plain": Site(**PORTS),
        "tls": Site(
            **PORTS, port=8443, http_port=8081, tls_certificate=certificate, tls_key=key, acme_webroot=tmp_path
        ),
        "public": Site(**PORTS, port=8443, addresses=("0.0.0.0", "[::]"), tls_certificate=certificate, tls_key=key),
    }
    for name, site in sites.items():
        run_dir = tmp_path / name
        (run_dir / "temp").mkdir(parents=True)
        (run_dir / "site.conf").write_text(render_site(site))
        (run_dir / "nginx.conf").write_text(render_main(run_dir, user=None))
        check = subprocess.run(
            [nginx_path(), "-t", "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", str(run_dir / "e.log")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, f"{name}: {check.stderr}"


def test_the_site_command_prints_a_real_server_s_site(capsys, tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    serve_main(["site", "--server-name", "dash.example.org", "--tls-certificate", str(cert), "--tls-key", str(key)])
    text = capsys.readouterr().out
    assert "listen 0.0.0.0:443 ssl http2;\n    listen [::]:443 ssl http2;\n    server_name dash.example.org;" in text
    assert "server 127.0.0.1:8501 max_fails=1 fail_timeout=10s;\n    server 127.0.0.1:8502" in text
    serve_main(["site", "--server-name", "dash.example.org"])
    assert "listen 0.0.0.0:80;" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["dash.example.org;", "dash example.org", "-", "dash.example.org\n"])
def test_the_site_command_refuses_bad_names_with_a_message(capsys, name):
    with pytest.raises(SystemExit) as refused:
        serve_main(["site", "--server-name", name])
    assert refused.value.code == 2
    assert "not a host name" in capsys.readouterr().err
