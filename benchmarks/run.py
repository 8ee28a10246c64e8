"""The benchmark harness: the pages as users meet them, each against the floor of the same run.

    .venv/bin/python -m benchmarks.run                        # 200 coalitions x 500 action points
    .venv/bin/python -m benchmarks.run --coalitions 10 --per 100 --repeats 5 --skip-browser

1. Two PostgreSQL databases named after DATABASE_URL's (`<name>_bench` and `<name>_bench_1000`):
   the data set (benchmarks/data.py) and the same generator at 2 coalitions x 500, where the
   operator's `/action-points/` shows the same action points among 1,000. `--reuse` keeps data
   whose shape matches.
2. gunicorn on each, with the production settings plus the floor view (config.settings.benchmark),
   production's CONN_MAX_AGE, static files collected as production serves them.
3. Server time: each round visits every page and, right before or after it (the order drawn at
   random), the floor with the same reader's session; pages in shuffled order. The table gives each
   page's median, its floor's median, the ratio of the two, and the spread of the per-round ratios
   (25th-75th percentile). Queries: each page's second request counted in-process on the same
   database. On a shared machine absolute times move with the neighbours' load; the ratio to the
   floor of the same moment is the figure to read.
4. Page weight: the HTML as served (to a browser's Accept-Encoding) and all a cold visit loads.
   LCP: Playwright drives /usr/bin/chromium at 400 kbit/s and 400 ms round trip (CDP
   Network.emulateNetworkConditions), a cold visit (empty cache) then a warm one, medians.
5. On throw-away copies of the data: the reminder sweep over every action point and again with
   nothing new (benchmarks/reminder_sweep.py's `measure`, at both sizes), and the summary PDF of a
   meeting with 40 agenda items and 100 action points, first render and warm
   (benchmarks/summary_pdf.py's `measure` when it has one, else the data's own meeting).

The tables are printed as Markdown and written with every figure to build/benchmark/.
"""

import argparse
import gzip
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "benchmark"
PYTHON = sys.executable
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

RATIO_GOAL = 3.0
GROWTH_GOAL = 1.3  # `/action-points/` at full size against its own time at 1,000 action points
MAX_QUERIES = {"meeting": 15}
WEIGHT_GOAL_KB = 60
LCP_GOAL_S = 2.5
SWEEP_GOAL_S = 10.0
NOOP_SWEEP_GOAL_S = 0.2
PDF_GOAL_S = 1.5
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
THROTTLE = {  # 400 kbit/s each way, 400 ms round trip
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
LABELS = {
    "action-points": "`/action-points/` (across my coalitions)",
    "meeting": "meeting detail",
    "mine": '"mine" list',
    "coalition-action-points": "coalition action-point list",
    "home": "coalition home",
    "obligations": "obligations dashboard",
    "meetings": "meeting list",
}
# The latest largest-contentful-paint entry is the page's LCP until the reader interacts.
LCP_SCRIPT = """
window.__lcp = undefined;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
"""


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def database_urls(base_url: str, name: str | None) -> tuple[str, str]:
    url = urlparse(base_url)
    name = name or url.path.lstrip("/") + "_bench"
    return (
        url._replace(path=f"/{name}").geturl(),
        url._replace(path=f"/{name}_1000").geturl(),
    )


def child_env(database_url: str, secret_key: str, template_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Production's own values, not a developer's overrides.
        if key not in {"CONN_MAX_AGE", "DEBUG", "SECURE_SSL_REDIRECT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.benchmark",
        DATABASE_URL=database_url,
        BENCH_TEMPLATE_URL=template_url,  # one migrated template for both data sets
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(OUT / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


class ProbeFailed(Exception):
    pass


def probe(env: dict[str, str], *args: str) -> dict:
    """Runs benchmarks/probe.py in a process of its own and returns its JSON (its traceback, if
    any, goes to stderr)."""
    result = subprocess.run(
        [PYTHON, "-m", "benchmarks.probe", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode:
        raise ProbeFailed(f"benchmarks.probe {' '.join(args)} failed ({result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int):
    log_file = (OUT / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"gunicorn on {port} did not start: see {log_file.name}"
                    ) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


class Server:
    """One gunicorn over one database, and the readers' sessions there."""

    def __init__(self, base: str, prepared: dict):
        url = urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.base = base
        self.prepared = prepared
        self.cookie_name = prepared["cookie"]

    def get(self, path: str, reader: str, encoding: str = BROWSER_ENCODINGS):
        """(status, seconds, body as sent, headers): a new connection per request, as gunicorn's
        sync workers close each one; the time runs from the request to the last byte. Browsers'
        Accept-Encoding by default, so a page compressed for them is timed compressed."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=180)
        headers = {
            "X-Forwarded-Proto": "https",  # as the TLS proxy in front of production says
            "Accept-Encoding": encoding,
            "Cookie": f"{self.cookie_name}={self.prepared['sessions'][reader]}",
        }
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        return response.status, elapsed, body, dict(response.getheaders())


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_pages(targets: list[dict], repeats: int, warmup: int) -> dict[str, dict]:
    """Each target is {key, server, reader, path}; returns per key its times and floor times."""
    for target in targets:
        for path in (target["path"], target["server"].prepared["floor"]):
            for _ in range(warmup):
                status, *_rest = target["server"].get(path, target["reader"])
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
    samples = {t["key"]: {"page": [], "floor": []} for t in targets}
    for round_number in range(repeats):
        order = targets[:]
        random.shuffle(order)
        for target in order:
            server, reader = target["server"], target["reader"]
            pair = [("page", target["path"]), ("floor", server.prepared["floor"])]
            random.shuffle(pair)
            for kind, path in pair:
                status, seconds, _body, _headers = server.get(path, reader)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                samples[target["key"]][kind].append(seconds)
        log(f"round {round_number + 1}/{repeats}")
    figures = {}
    for key, got in samples.items():
        ratios = [p / f for p, f in zip(got["page"], got["floor"], strict=True)]
        page, floor = statistics.median(got["page"]), statistics.median(got["floor"])
        figures[key] = {
            "p50_ms": page * 1000,
            "floor_p50_ms": floor * 1000,
            "ratio": page / floor,
            "ratio_p25": quantile(ratios, 0.25),
            "ratio_p75": quantile(ratios, 0.75),
            "page_ms": [s * 1000 for s in got["page"]],
            "floor_ms": [s * 1000 for s in got["floor"]],
        }
    return figures


def html_weight(server: Server, reader: str, path: str) -> dict:
    status, _seconds, body, headers = server.get(path, reader)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "none")
    raw = body
    if encoding == "gzip":
        raw = gzip.decompress(body)
    return {
        "served_kb": len(body) / 1000,
        "encoding": encoding,
        "html_kb": len(raw) / 1000 if encoding in {"none", "gzip"} else None,
        "gzip_would_be_kb": len(gzip.compress(raw)) / 1000 if encoding == "none" else None,
    }


def largest_contentful_paint(page, timeout: float = 60) -> float:
    """The page's LCP in ms. Polled from here: the pages' CSP forbids the string evaluation that
    Playwright's wait_for_function would run in the page."""
    deadline = time.monotonic() + timeout
    while page.evaluate("window.__lcp") is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no largest-contentful-paint entry on {page.url}")
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # a later, larger paint replaces the entry
    return page.evaluate("window.__lcp")


def browser_figures(server: Server, pages: list[dict], repeats: int) -> dict[str, dict]:
    """Cold and warm LCP at 400 kbit/s and 400 ms, and the bytes a cold visit transfers."""
    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for page_info in pages:
                cold, warm, transferred = [], [], []
                for _ in range(repeats):
                    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
                    context.add_cookies(
                        [
                            {
                                "name": server.cookie_name,
                                "value": server.prepared["sessions"][page_info["reader"]],
                                "url": server.base,
                            }
                        ]
                    )
                    page = context.new_page()
                    page.add_init_script(LCP_SCRIPT)
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", THROTTLE)
                    received = []
                    cdp.on("Network.loadingFinished", lambda e, r=received: r.append(e))
                    for visits in (cold, warm):
                        received.clear()
                        response = page.goto(server.base + page_info["path"], wait_until="load")
                        if response is None or response.status != 200:
                            raise SystemExit(f"{page_info['path']} did not load in Chromium")
                        visits.append(largest_contentful_paint(page) / 1000)
                        if visits is cold:
                            transferred.append(sum(e["encodedDataLength"] for e in received))
                    context.close()
                figures[page_info["key"]] = {
                    "lcp_cold_s": statistics.median(cold),
                    "lcp_warm_s": statistics.median(warm),
                    "lcp_cold_all_s": cold,
                    "lcp_warm_all_s": warm,
                    "cold_transfer_kb": statistics.median(transferred) / 1000,
                }
                log(f"browser: {page_info['key']}")
        finally:
            browser.close()
    return figures


def on_a_copy(env: dict[str, str], database_url: str, *args: str) -> dict:
    """A probe on a throw-away copy of the database (the sweep records reminders, the PDF's
    benchmark makes its meeting), so the data stays as made for the next run."""
    from benchmarks.probe import drop_database, recreate_database

    source = urlparse(database_url).path.lstrip("/")
    scratch = urlparse(database_url)._replace(path=f"/{source}_scratch").geturl()
    recreate_database(scratch, template=source)
    try:
        return probe({**env, "DATABASE_URL": scratch}, *args)
    finally:
        drop_database(scratch)


# The tables ----------------------------------------------------------------------------------------


def met(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def server_table(results: dict) -> str:
    rows = []
    timing, queries = results["timing"], results["queries"]
    for key, label in LABELS.items():
        t = timing[key]
        limit = MAX_QUERIES.get(key)
        goal = f"≤ {RATIO_GOAL:g}×" + (f", ≤ {limit} queries" if limit else "")
        ok = t["ratio"] <= RATIO_GOAL and (limit is None or queries[key] <= limit)
        rows.append(
            [
                label,
                f"{t['p50_ms']:.0f}",
                f"{t['floor_p50_ms']:.1f}",
                f"{t['ratio']:.1f}×",
                f"{t['ratio_p25']:.1f}–{t['ratio_p75']:.1f}×",
                str(queries[key]),
                goal,
                met(ok),
            ]
        )
    small = timing.get("action-points@1000")
    if small:
        growth = timing["action-points"]["ratio"] / small["ratio"]
        rows.append(
            [
                "`/action-points/` at 1,000 action points",
                f"{small['p50_ms']:.0f}",
                f"{small['floor_p50_ms']:.1f}",
                f"{small['ratio']:.1f}×",
                f"{small['ratio_p25']:.1f}–{small['ratio_p75']:.1f}×",
                str(results["queries_1000"]["action-points"]),
                "(reference)",
                "—",
            ]
        )
        rows.append(
            [
                "`/action-points/`: full size ÷ 1,000 action points",
                "",
                "",
                f"{growth:.2f}×",
                "",
                "",
                f"≤ {GROWTH_GOAL:g}×",
                met(growth <= GROWTH_GOAL),
            ]
        )
    header = ["page", "p50 ms", "floor p50 ms", "ratio", "spread (p25–p75)", "queries"]
    return markdown([*header, "goal", "met?"], rows)


def weight_table(results: dict) -> str:
    rows = []
    for key, label in LABELS.items():
        weight = results["weight"][key]
        browser = results.get("browser", {}).get(key)
        served = f"{weight['served_kb']:.1f} ({weight['encoding']})"
        if weight["gzip_would_be_kb"] is not None:
            served += f"; {weight['gzip_would_be_kb']:.1f} gzipped"
        total = f"{browser['cold_transfer_kb']:.1f}" if browser else "—"
        lcp_cold = f"{browser['lcp_cold_s']:.2f}" if browser else "—"
        lcp_warm = f"{browser['lcp_warm_s']:.2f}" if browser else "—"
        ok_weight = (browser["cold_transfer_kb"] if browser else weight["served_kb"]) <= (
            WEIGHT_GOAL_KB
        )
        ok = ok_weight and (
            browser is None or max(browser["lcp_cold_s"], browser["lcp_warm_s"]) < LCP_GOAL_S
        )
        goal = f"≤ {WEIGHT_GOAL_KB} KB" + (f", LCP < {LCP_GOAL_S:g} s" if browser else "")
        rows.append([label, served, total, lcp_cold, lcp_warm, goal, met(ok)])
    header = ["page", "HTML KB as served", "cold visit KB", "LCP cold s", "LCP warm s"]
    table = markdown([*header, "goal", "met?"], rows)
    if "browser_error" in results:
        table += f"\n\nThe browser failed: {results['browser_error']}"
    return table


def jobs_table(results: dict) -> str:
    rows = []
    sweep = results.get("sweep")
    if sweep and "error" in sweep:
        rows.append(["reminder sweep", f"failed: {sweep['error']}", "", met(False)])
    elif sweep:
        first, no_op = sweep["full"]["first_run"], sweep["full"]["no_op"]
        small = sweep.get("1000", {}).get("first_run")
        flat = None
        memory = f"peak Python {first['peak_python_mib']:.1f} MiB"
        if small:
            # Flat: the full run holds about what the run over 1,000 action points holds.
            flat = first["peak_python_mib"] <= max(2 * small["peak_python_mib"], 8)
            memory += f" ({small['peak_python_mib']:.1f} at 1,000)"
        memory += f", RSS growth {first['rss_growth_mib']:.0f} MiB"
        points = results["shape"]["counts"]["action points"]
        rows.append(
            [
                f"reminder sweep, {points:,} action points",
                f"{first['seconds']:.1f} s, {first['rounds']} rounds, {first['queries']} "
                f"queries, {memory}",
                f"< {SWEEP_GOAL_S:g} s, memory flat",
                met(first["seconds"] < SWEEP_GOAL_S and flat is not False),
            ]
        )
        rows.append(
            [
                "a sweep that finds nothing new",
                f"{no_op['median_seconds'] * 1000:.0f} ms median of 5 (best "
                f"{no_op['best_seconds'] * 1000:.0f} ms), {no_op['queries']} queries",
                f"< {NOOP_SWEEP_GOAL_S:g} s",
                met(no_op["median_seconds"] < NOOP_SWEEP_GOAL_S),
            ]
        )
    pdf = results.get("pdf")
    if pdf and "error" in pdf:
        rows.append(["summary PDF", f"failed: {pdf['error']}", "", met(False)])
    elif pdf:
        one, first, both = pdf["one_copy"], pdf["first_render"], pdf.get("both")
        measured = (
            f"{one['wall_s']:.2f} s warm (CPU {one['cpu_s']:.2f} s), {first['wall_s']:.2f} s "
            f"first render"
        )
        if both:
            measured += f", both copies {both['wall_s']:.2f} s"
        measured += f" ({pdf['pages']} pages, {pdf['kib']} KiB; by {pdf['by']})"
        rows.append(
            [
                f"summary PDF, {pdf['agenda_items']} items / {pdf['action_points']} action points",
                measured,
                f"< {PDF_GOAL_S:g} s",
                met(one["wall_s"] < PDF_GOAL_S),
            ]
        )
    return markdown(["job", "measured", "goal", "met?"], rows) if rows else ""


def report(results: dict) -> str:
    shape = results["shape"]
    counts = ", ".join(f"{value:,} {name}" for name, value in shape["counts"].items())
    parts = [
        f"Benchmark {results['started']} — {shape['coalitions']} coalitions × {shape['per']} "
        f"action points ({counts}); gunicorn {results['workers']} workers, production settings "
        f"(CONN_MAX_AGE {results['conn_max_age']}); {results['repeats']} rounds; load average "
        f"{results['load']} at the start, {results['load_end']} at the end (2 cores).",
        "",
        server_table(results),
        "",
        weight_table(results),
    ]
    jobs = jobs_table(results)
    if jobs:
        parts += ["", jobs]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coalitions", type=int, default=200)
    parser.add_argument("--per", type=int, default=500, help="action points per coalition")
    parser.add_argument("--repeats", type=int, default=15, help="rounds of page + floor")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--lcp-repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="database name (default: DATABASE_URL's + _bench)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("STACK_PORT_BASE", "16600")) + 50,
        help="the full data set's server; the 1,000-point one listens on the next port",
    )
    parser.add_argument("--reuse", action="store_true", help="keep data of the same shape")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-1000", action="store_true", help="no 1,000-point comparison")
    args = parser.parse_args(argv)

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the database name is a prefix).")
    OUT.mkdir(parents=True, exist_ok=True)
    full_url, small_url = database_urls(base_url, args.database)
    secret_key = secrets.token_urlsafe(40)
    full_env = child_env(full_url, secret_key, full_url + "_migrated")
    small_env = child_env(small_url, secret_key, full_url + "_migrated")
    results = {
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "workers": args.workers,
        "repeats": args.repeats,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }

    log("collecting static files (production's manifest storage)")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=full_env,
        check=True,
    )
    reuse = ["--reuse"] if args.reuse else []
    log(f"data: {args.coalitions} coalitions x {args.per} action points")
    full = probe(
        full_env, "prepare", "--coalitions", str(args.coalitions), "--per", str(args.per), *reuse
    )
    results["shape"] = full["shape"]
    results["conn_max_age"] = full["conn_max_age"]
    results["queries"] = {p["key"]: p["queries"] for p in full["pages"]}
    small = None
    if not args.skip_1000:
        log("data: 2 coalitions x 500 action points")
        small = probe(small_env, "prepare", "--coalitions", "2", "--per", "500", *reuse)
        results["queries_1000"] = {p["key"]: p["queries"] for p in small["pages"]}

    with ExitStack() as stack:
        full_server = Server(stack.enter_context(gunicorn(full_env, args.port, args.workers)), full)
        targets = [{**page, "server": full_server} for page in full["pages"]]
        if small:
            small_server = Server(
                stack.enter_context(gunicorn(small_env, args.port + 1, args.workers)), small
            )
            page = next(p for p in small["pages"] if p["key"] == "action-points")
            targets.append({**page, "key": "action-points@1000", "server": small_server})
        log(f"server time: {len(targets)} pages, {args.repeats} rounds")
        results["timing"] = time_pages(targets, args.repeats, args.warmup)
        results["weight"] = {
            page["key"]: html_weight(full_server, page["reader"], page["path"])
            for page in full["pages"]
        }
        if not args.skip_browser:
            log("browser: LCP and transfer at 400 kbit/s, 400 ms")
            try:
                results["browser"] = browser_figures(full_server, full["pages"], args.lcp_repeats)
            except Exception as failure:  # Playwright's errors: the weight table says so
                log(f"browser failed: {failure}")
                results["browser_error"] = str(failure).splitlines()[0]

    # A job that fails is a row of the table that says so; the pages' figures are kept.
    if not args.skip_sweep:
        log("reminder sweep")
        try:
            results["sweep"] = {
                "full": on_a_copy(full_env, full_url, "sweep", "--now", full["shape"]["made_at"])
            }
            if small:
                results["sweep"]["1000"] = on_a_copy(
                    small_env, small_url, "sweep", "--now", small["shape"]["made_at"]
                )
        except ProbeFailed as failure:
            results["sweep"] = {"error": str(failure)}
    if not args.skip_pdf:
        log("summary PDF")
        try:
            # Without REDIS_URL the services it calls run their tasks in-process, on the copy.
            pdf_env = {key: value for key, value in full_env.items() if key != "REDIS_URL"}
            pdf_env["LOG_LEVEL"] = "WARNING"  # each of those tasks logs a line
            meeting = str(full["shape"]["large_meeting"])
            results["pdf"] = on_a_copy(pdf_env, full_url, "pdf", "--meeting", meeting)
        except ProbeFailed as failure:
            results["pdf"] = {"error": str(failure)}

    results["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    text = report(results)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (OUT / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    (OUT / f"results-{stamp}.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    try:
        main()
    except ProbeFailed as failure:  # the data could not be made: nothing to measure
        raise SystemExit(str(failure)) from None
