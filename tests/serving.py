"""mrplan served for real by gunicorn, as `scripts/serve.sh` starts it (DEBUG off), in a subprocess.

The settings are mrplan.settings but for hashed static names (tests/served_settings.py).

The server's output goes to a file, never a pipe: a pipe nobody reads fills up and stalls the
server, and reading one from a running process blocks. The file is read once the server is
stopped. Every wait has a deadline, and the server's whole process group is stopped in a
`finally`: SIGTERM, then SIGKILL if it has not ended within the time given.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the test run itself sets, which a production process would not have.
NOT_IN_PRODUCTION = ("DEBUG", "HTTPS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**env):
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return {
        **clean,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "tests.served_settings",
        **env,
    }


def stop(process, timeout=20):
    """SIGTERM to the process group; SIGKILL when it has not ended after `timeout` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        process.wait(timeout=10)


class Server:
    def __init__(self, base, log_path):
        self.base = base
        self.log_path = log_path

    def log(self):
        """The server's output; complete only once the server has been stopped."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def served(tmp_path, start_within=120, **env):
    """Start gunicorn with `env` on a free port; yield a Server once it answers HTTP."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / f"server-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "mrplan.wsgi",
                "--preload",
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
                "--timeout=60",
                "--graceful-timeout=5",
                # Not the one control socket in the home directory every gunicorn shares.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=production_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(base, log_path)
    try:
        deadline = time.monotonic() + start_within
        while True:
            try:
                with urllib.request.urlopen(f"{base}/helse/", timeout=10):
                    break
            except urllib.error.HTTPError:
                break  # it answers, if only with 503
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stop(process)
                    raise AssertionError("mrplan did not start:\n" + server.log()) from None
                time.sleep(0.5)
        yield server
    finally:
        stop(process)


def manage(*args, **env):
    """manage.py in the production environment `env`, with a deadline."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
