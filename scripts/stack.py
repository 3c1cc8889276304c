"""The reference deployment (deploy/) stood up on loopback: nginx in front of app servers, one
PostgreSQL database and Redis, for tests and benchmarks; and torn down again.

    .venv/bin/python scripts/stack.py up                  # nginx + 2 app servers, prints the URL
    .venv/bin/python scripts/stack.py up --servers 3 --workers 1 --env ATLAS_SUBMISSIONS_PER_HOUR=5
    .venv/bin/python scripts/stack.py status              # which processes answer
    .venv/bin/python scripts/stack.py down                # stops them, drops the database

It uses deploy/ as an operator would: the app servers are started with the command line of
deploy/systemd/atlas@.service through deploy/atlas-run, with an environment file made from
deploy/atlas.env.example; nginx runs deploy/nginx/atlas-http.conf, atlas-site.conf and
atlas-proxy.conf with only the addresses, ports and paths changed (no TLS: loopback), as its own
process with its own configuration, pid file, logs and cache in the stack's directory (never the
system's nginx). Everything listens on 127.0.0.1 ports the OS hands out. The database
(`atlas_stack` unless --database) is created empty, and the first app server to start migrates
it and loads the default dataset while the other waits (atlas/cli.py, _startup_lock). Redis keys
go under a prefix of the stack's own in Redis database 5 (--cache-url), deleted on `down`.

With --lifetime SECONDS a watchdog stops the stack by itself after that long (tests use it, so a
crashed test run leaves nothing running for long). Needs nginx (Debian package) and Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DEFAULT_DIR = ROOT / "var" / "stack"
POSTGRES_URL = os.environ.get("ATLAS_STACK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CACHE_URL = os.environ.get("ATLAS_STACK_CACHE_URL", "redis://127.0.0.1:6379/5")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def redis_answers(url: str = CACHE_URL) -> bool:
    import redis
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def http_status(url: str, timeout: float = 5) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile and deploy/atlas-run read them."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _sep, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def unit_command(port: int) -> list[str]:
    """The `atlas ...` arguments of atlas@.service's ExecStart, for the instance on this port."""
    text = (DEPLOY / "systemd" / "atlas@.service").read_text()
    line = re.search(r"^ExecStart=(\S+)/atlas (.+)$", text, re.M)
    if not line:
        raise SystemExit("deploy/systemd/atlas@.service has no `ExecStart=.../atlas ...` line")
    return line.group(2).replace("%i", str(port)).split()


def _drop_block(text: str, marker: str) -> str:
    """The text without the `server { ... }` block that contains this line."""
    at = text.index(marker)
    start = text.rindex("server {", 0, at)
    depth, i = 0, start
    while True:
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[:start] + text[i + 1:]
        i += 1


def _replace(text: str, pattern: str, new: str, what: str, count: int = 0) -> str:
    result, n = re.subn(pattern, new, text, count=count, flags=re.M)
    if not n:
        raise SystemExit(f"deploy/nginx: {what} not found (pattern {pattern!r}); update "
                         "scripts/stack.py together with the nginx files")
    return result


class Stack:
    """One stack: its directory holds stack.json (ports, process ids), atlas.env, nginx's files."""

    def __init__(self, directory: Path = DEFAULT_DIR, *, servers: int = 2, workers: int = 1,
                 threads: int = 2, database: str = "atlas_stack", cache_url: str = CACHE_URL,
                 postgres_url: str = POSTGRES_URL, env: dict | None = None):
        self.dir = Path(directory).resolve()
        self.servers, self.workers, self.threads = servers, workers, threads
        self.database, self.cache_url, self.postgres_url = database, cache_url, postgres_url
        self.extra_env = dict(env or {})
        self.state: dict = {}
        if (self.dir / "stack.json").exists():
            self.state = json.loads((self.dir / "stack.json").read_text())

    # --- addresses --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.state['nginx_port']}"

    def server_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.state["app_ports"]]

    @property
    def database_url(self) -> str:
        return f"{self.postgres_url.rstrip('/')}/{self.state.get('database', self.database)}"

    @property
    def nginx_access_log(self) -> Path:
        return self.dir / "nginx-atlas.access.log"

    @property
    def nginx_error_log(self) -> Path:
        return self.dir / "nginx-atlas.error.log"

    # --- up ---------------------------------------------------------------------------------
    def up(self, *, lifetime: float | None = None, timeout: float = 600) -> "Stack":
        if not nginx_binary():
            raise SystemExit("nginx is missing: apt-get install nginx (make system-deps)")
        if not redis_answers(self.cache_url):
            raise SystemExit(f"Redis does not answer at {self.cache_url}")
        if (self.dir / "stack.json").exists():
            raise SystemExit(f"a stack is already up in {self.dir}: stack.py down --dir {self.dir}")
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        nginx_port = free_port()
        app_ports = [free_port() for _ in range(self.servers)]
        while len(set(app_ports + [nginx_port])) < self.servers + 1:
            app_ports = [free_port() for _ in range(self.servers)]
        self.state = {"nginx_port": nginx_port, "app_ports": app_ports, "pids": {},
                      "database": self.database, "cache_url": self.cache_url,
                      "cache_prefix": f"stack-{self.database}-{secrets.token_hex(4)}",
                      "started": time.time()}
        self._save()
        try:
            self._create_database()
            self._write_env_file()
            for i, port in enumerate(app_ports, 1):
                self.state["pids"][f"app{i}"] = self._start_app(i, port)
            self._save()
            deadline = time.time() + timeout
            for i, url in enumerate(self.server_urls(), 1):
                self._wait(f"app{i}", url + "/healthz", deadline)
            self.state["pids"]["nginx"] = self._start_nginx()
            self._save()
            self._wait("nginx", self.url + "/healthz", time.time() + 30)
            if lifetime:
                self.state["pids"]["watchdog"] = self._start_watchdog(lifetime)
                self._save()
        except BaseException:
            self.down()
            raise
        return self

    def _save(self) -> None:
        (self.dir / "stack.json").write_text(json.dumps(self.state, indent=1))

    def _admin(self):
        import psycopg
        return psycopg.connect(self.postgres_url.rstrip("/") + "/postgres", autocommit=True)

    def _create_database(self) -> None:
        from psycopg import sql
        with self._admin() as conn:
            name = sql.Identifier(self.state["database"])
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def env_file(self) -> Path:
        return self.dir / "atlas.env"

    def _write_env_file(self) -> None:
        """deploy/atlas.env.example with the loopback stack's values."""
        env = read_env_file(DEPLOY / "atlas.env.example")
        origin = f"http://127.0.0.1:{self.state['nginx_port']}"
        env.update({
            "ATLAS_SECRET_KEY": secrets.token_urlsafe(64),
            "ATLAS_DATABASE_URL": self.database_url,
            "ATLAS_CACHE_URL": self.cache_url,
            "ATLAS_CACHE_PREFIX": self.state["cache_prefix"],
            "ATLAS_DATA_DIR": str(self.dir / "data"),
            "ATLAS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ATLAS_SITE_URL": origin,
            "ATLAS_CSRF_TRUSTED_ORIGINS": origin,
            "ATLAS_HTTPS": "false",  # loopback, no TLS: see docs/operations.md "TLS"
            "WEB_CONCURRENCY": str(self.workers),
            "ATLAS_THREADS": str(self.threads),
            "ATLAS_STORY_PUBLIC_KEY": "",
        })
        env.update(self.extra_env)
        fd = os.open(self.env_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.writelines(f"{k}={v}\n" for k, v in env.items())

    def atlas_run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """An `atlas` command with the app servers' settings, through deploy/atlas-run."""
        return subprocess.run([str(DEPLOY / "atlas-run"), *args], env=self._process_env(),
                              capture_output=True, text=True, **kwargs)

    def _process_env(self) -> dict:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(ATLAS_ENV_FILE=str(self.env_file()),
                   ATLAS_VENV=str(Path(sys.executable).parent.parent))
        return env

    def _start_app(self, index: int, port: int) -> int:
        env = self._process_env()
        env["ATLAS_ACCESS_LOG"] = str(self.dir / f"app{index}.access.log")
        log = open(self.dir / f"app{index}.log", "ab")
        process = subprocess.Popen([str(DEPLOY / "atlas-run"), *unit_command(port)], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
                                   start_new_session=True)
        return process.pid

    def _wait(self, name: str, url: str, deadline: float) -> None:
        pid = self.state["pids"][name]
        while time.time() < deadline:
            if not _alive(pid):
                log = self.dir / (f"{name}.log" if name.startswith("app") else "nginx.log")
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise SystemExit(f"{name} exited while starting:\n{tail}")
            if http_status(url) == 200:
                return
            time.sleep(0.5)
        raise SystemExit(f"{name} did not answer {url} in time")

    def nginx_config(self) -> str:
        """deploy/nginx's files with loopback addresses and the stack's own paths."""
        http = (DEPLOY / "nginx" / "atlas-http.conf").read_text()
        http = _replace(http, r"/var/cache/nginx/atlas", str(self.dir / "nginx-cache"),
                        "proxy_cache_path")
        site = (DEPLOY / "nginx" / "atlas-site.conf").read_text()
        site = _drop_block(site, "listen 80;")
        first = re.search(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", site, re.M)
        if not first:
            raise SystemExit("deploy/nginx/atlas-site.conf: no `server 127.0.0.1:PORT` upstream")
        servers = "".join(f"{first.group(1)}server 127.0.0.1:{p}{first.group(2) or ''};\n"
                          for p in self.state["app_ports"])
        site = _replace(site, r"^\s*server 127\.0\.0\.1:\d+( [^;]*)?;\n", "", "upstream servers")
        site = _replace(site, r"^(upstream atlas_app \{\n(?:\s*#.*\n)*)", r"\g<1>" + servers
                        .replace("\\", "\\\\"), "upstream atlas_app")
        site = _replace(site, r"^\s*listen \[::\]:443 .*\n", "", "listen [::]:443")
        site = _replace(site, r"^(\s*)listen 443 .*$",
                        rf"\g<1>listen 127.0.0.1:{self.state['nginx_port']};", "listen 443")
        site = _replace(site, r"^\s*ssl_.*\n", "", "ssl_ directives")
        site = _replace(site, r"/var/log/nginx/atlas\.", str(self.dir / "nginx-atlas."),
                        "log paths")
        site = _replace(site, r"include snippets/atlas-proxy\.conf;",
                        f"include {DEPLOY / 'nginx' / 'atlas-proxy.conf'};", "proxy snippet")
        temp = self.dir / "nginx-temp"
        user = "user root;\n" if os.geteuid() == 0 else ""
        return f"""# Written by scripts/stack.py; the http and server blocks are deploy/nginx's.
{user}worker_processes 1;
pid {self.dir / 'nginx.pid'};
error_log {self.nginx_error_log} crit;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{http}
{site}
}}
"""

    def _start_nginx(self) -> int:
        (self.dir / "nginx-temp").mkdir(exist_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(self.nginx_config())
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(self.dir)],
                               capture_output=True, text=True)
        if check.returncode:
            raise SystemExit(f"nginx refuses the configuration:\n{check.stderr}")
        log = open(self.dir / "nginx.log", "ab")
        process = subprocess.Popen([binary, "-c", str(conf), "-p", str(self.dir), "-g",
                                    "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        return process.pid

    def _start_watchdog(self, lifetime: float) -> int:
        code = ("import sys, time, subprocess; time.sleep(float(sys.argv[1])); "
                "subprocess.run([sys.executable, sys.argv[2], 'down', '--dir', sys.argv[3], "
                "'--from-watchdog'])")
        process = subprocess.Popen([sys.executable, "-c", code, str(lifetime), __file__,
                                    str(self.dir)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        return process.pid

    # --- during -----------------------------------------------------------------------------
    def kill_server(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Kill app server `index` (1-based) and its workers at once, as a crash would."""
        _signal_group(self.state["pids"][f"app{index}"], sig)

    def restart_server(self, index: int, timeout: float = 120) -> None:
        """Start app server `index` again (after kill_server), as systemd's Restart= would."""
        self.kill_server(index)
        port = self.state["app_ports"][index - 1]
        self.state["pids"][f"app{index}"] = self._start_app(index, port)
        self._save()
        self._wait(f"app{index}", self.server_urls()[index - 1] + "/healthz",
                   time.time() + timeout)

    def status(self) -> dict:
        out = {}
        for name, pid in self.state.get("pids", {}).items():
            out[name] = {"pid": pid, "alive": _alive(pid)}
        if self.state:
            for i, url in enumerate(self.server_urls(), 1):
                out[f"app{i}"]["url"], out[f"app{i}"]["healthz"] = url, http_status(url + "/healthz")
            if "nginx" in out:
                out["nginx"]["url"] = self.url
                out["nginx"]["healthz"] = http_status(self.url + "/healthz")
        return out

    # --- down -------------------------------------------------------------------------------
    def down(self, *, drop: bool = True, from_watchdog: bool = False) -> None:
        pids = self.state.get("pids", {})
        for name, pid in pids.items():
            if name == "watchdog" and from_watchdog:
                continue
            _signal_group(pid, signal.SIGTERM)
        deadline = time.time() + 30
        while time.time() < deadline and any(_alive(p) for n, p in pids.items()
                                             if not (n == "watchdog" and from_watchdog)):
            time.sleep(0.2)
        for name, pid in pids.items():
            if not (name == "watchdog" and from_watchdog):
                _signal_group(pid, signal.SIGKILL)
        if self.state.get("cache_prefix"):
            self._clear_redis()
        if drop and self.state.get("database"):
            try:
                from psycopg import sql
                with self._admin() as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.state["database"])))
            except Exception as exc:  # noqa: BLE001 - said, and the rest of the teardown goes on
                print(f"could not drop database {self.state['database']}: {exc}", file=sys.stderr)
        state_file = self.dir / "stack.json"
        if state_file.exists():
            state_file.unlink()
        self.state = {}

    def _clear_redis(self) -> None:
        import redis
        try:
            client = redis.Redis.from_url(self.state["cache_url"], socket_connect_timeout=2)
            keys = list(client.scan_iter(match=f"{self.state['cache_prefix']}*", count=1000))
            for i in range(0, len(keys), 1000):
                client.delete(*keys[i:i + 1000])
        except (redis.RedisError, OSError):
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process counts as gone
        done, _status = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _signal_group(pid: int, sig: int) -> None:
    """Signal the process group this stack started (its own session), by its id only."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the stack's own directory")
    parser.add_argument("--servers", type=int, default=2, help="app servers behind nginx")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument("--database", default="atlas_stack", help="PostgreSQL database to create")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="another setting for the app servers (repeatable)")
    parser.add_argument("--lifetime", type=float, help="stop by itself after this many seconds")
    parser.add_argument("--keep-database", action="store_true", help="down: do not drop it")
    parser.add_argument("--from-watchdog", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    stack = Stack(args.dir, servers=args.servers, workers=args.workers, threads=args.threads,
                  database=args.database, env=extra)
    if args.action == "up":
        stack.up(lifetime=args.lifetime)
        print(f"The Atlas at {stack.url} (nginx), app servers "
              f"{', '.join(stack.server_urls())}; database {stack.database_url}; "
              f"stop with: {sys.executable} {__file__} down --dir {stack.dir}")
    elif args.action == "status":
        print(json.dumps(stack.status(), indent=1))
    else:
        stack.down(drop=not args.keep_database, from_watchdog=args.from_watchdog)
        print("The stack is down.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
