"""The Dagster UI, checked in a real browser.

The small demo estate is materialised into a temp warehouse and a persistent temp DAGSTER_HOME
(so the run is in the instance the UI reads), then the real `dagster dev -w workspace.yaml` is
started from the repo root and headless Chromium (the system browser, driven by Playwright)
opens the catalog, the lineage, an asset group, the identity map's checks, a golden-profile page
and the runs. Screenshots land in a temp folder (printed) and, when writable, in data/reports/ui/.

Needs a Chromium binary: /usr/bin/chromium (Debian `chromium`), or the path in CU_CHROMIUM.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from customer_unification.defs.partitions import EVENT_DAYS
from customer_unification.pipeline import load_definitions, run_job
from customer_unification.settings import REPO_ROOT

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra: pip install -e '.[dev]'")

TIMEOUT_MS = 60_000  # every wait for the UI: generous, never a fixed sleep
SERVER_START_TIMEOUT_S = 180  # `dagster dev` is ready in ~8 s on an idle machine, ~30 s on a busy one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-dev-shm-usage"]
LAYER_ASSETS = {  # one asset per layer of the flow; all must be listed in the catalog
    "sources": "sources / crm_contacts",
    "staging": "staging / unified_records",
    "identity": "identity / customer_identity_map",
    "profiles": "profiles / golden_profiles",
    "segments": "segments / segment_membership",
    "activation": "activation / audience_members",
}
EVENT_SOURCE = "webshop_orders"  # the demo's orders are all history: all in the first day partition
IDENTITY_CHECKS = ["cluster_size", "great_expectations", "no_over_split", "one_customer_per_record",
                   "stable_vs_previous_run"]
# The lineage graph's own markup (Dagster 1.13): a collapsed group is a `foreignObject.group` whose label
# carries the group's name as its tooltip; an asset node's label (long names shortened in the middle,
# "customer_iden…_map", when zoomed out). Only what is near the view is drawn.
COLLAPSED_GROUP = '[class*="CollapsedGroupNode_collapsedGroupNodeContainer"]'
ASSET_LABEL = '[class*="AssetNode_assetName"]'
ALL_DRAWN = """([names, onScreen]) => {  // every name labels a drawn asset node (whole, or shortened "head…tail")
    const inView = e => {  // its middle is on screen and not under the toolbar or a panel
        const r = e.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
        const hit = r.width > 0 && x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight && document.elementFromPoint(x, y);
        return !!hit && e.closest('foreignObject').contains(hit); };
    const labels = Array.from(document.querySelectorAll('[class*="AssetNode_assetName"]'))
        .filter(e => !onScreen || inView(e)).map(e => e.textContent);
    const shows = (label, name) => { const [head, tail] = label.split('…');
        return label === name || (tail !== undefined && name.startsWith(head) && name.endsWith(tail)); };
    return names.every(name => labels.some(label => shows(label, name)));
}"""


def chromium_path() -> str | None:
    candidates = [os.environ.get("CU_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                  shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(base: str, query: str, variables: dict | None = None) -> dict:
    body = {"query": query, **({"variables": variables} if variables else {})}
    request = urllib.request.Request(f"{base}/graphql", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


LOCATION_QUERY = """{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def wait_until_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    """Until the webserver answers and the code location has loaded (or the server died)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster dev exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base}/server_info", timeout=5) as response:
                json.load(response)
            entries = graphql(base, LOCATION_QUERY)["data"]["workspaceOrError"]["locationEntries"]
            last = repr(entries)
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                assert not errors, f"code location failed to load: {errors}"
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, TypeError, ValueError) as exc:
            last = repr(exc)
        time.sleep(0.5)  # polling interval, not a wait for the UI
    pytest.fail(f"dagster dev not ready after {SERVER_START_TIMEOUT_S}s ({last}):\n{log.read_text()[-4000:]}")


def stop_process_group(process: subprocess.Popen) -> None:
    """Ctrl-C the whole group (webserver, daemon, code server), escalating if it lingers."""
    for sig, grace in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        # the leader is gone; its children get the same signal and a moment to follow
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Checked first, so a machine without a browser fails fast, before anything is materialised
    (.ci/run installs Debian's chromium)."""
    executable = chromium_path()
    if executable is None:
        pytest.fail("no Chromium binary: apt-get install chromium, or set CU_CHROMIUM to one")
    return executable


@pytest.fixture(scope="module")
def ui_env(small_estate, tmp_path_factory) -> Iterator[dict]:
    """A temp warehouse and a persistent temp Dagster instance, in this process's environment."""
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").symlink_to(REPO_ROOT / "dagster.yaml")  # telemetry off, nux off
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CU_WAREHOUSE_PATH", str(root / "warehouse.duckdb"))
        mp.setenv("CU_DEMO_DATA_DIR", str(small_estate))
        mp.setenv("CU_EXPORTS_DIR", str(root / "exports"))
        mp.setenv("DAGSTER_HOME", str(home))
        mp.delenv("CU_SOURCES_CONFIG", raising=False)
        # Create the instance's SQLite storages now: the CLI run and `dagster dev` start together,
        # and two processes creating a storage at once stamp its alembic version twice ("more
        # than one head present"), failing whichever opens it next.
        with dg.DagsterInstance.get() as instance:
            instance.get_runs(limit=1)
            instance.all_instigator_state()
            instance.get_latest_materialization_event(dg.AssetKey("_"))
        yield {"root": root, "home": home, "env": dict(os.environ)}


@pytest.fixture(scope="module")
def dagster_dev(ui_env) -> Iterator[tuple]:
    """`dagster dev -w workspace.yaml` from the repo root on a free port, as `make ui` runs it."""
    port = free_port()
    log = ui_env["root"] / "dagster_dev.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO_ROOT, env=ui_env["env"], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    try:
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        stop_process_group(process)


@pytest.fixture(scope="module")
def ui(ui_env, dagster_dev) -> dict:
    """The demo estate materialised into the instance while the server boots, as `make demo` runs it
    (the CLI's run, recorded as a run of the workspace's unify_all); then the server ready, and an
    explain_identity run launched through it (as the Launchpad does) for a pair the run merged."""
    with dg.DagsterInstance.get() as instance:
        assert instance.is_persistent and Path(instance.root_directory) == ui_env["home"]
    outcome = run_job(log_level="WARNING")
    assert outcome.success and not outcome.failed_checks, outcome
    with duckdb.connect(ui_env["env"]["CU_WAREHOUSE_PATH"], read_only=True) as con:
        facts = {
            "pair": con.execute("SELECT left_record, right_record FROM identity.record_links WHERE status = 'accepted' "
                                "AND linked_by = 'probabilistic' ORDER BY 1, 2 LIMIT 1").fetchall()[0],
            "days": (days := EVENT_DAYS.get_partition_keys()),
            "first_day_rows": con.execute(f"SELECT count(*) FROM staging.{EVENT_SOURCE} WHERE _partition = ?",
                                          [days[0]]).fetchall()[0][0],
            "audiences": [a for (a,) in con.execute("SELECT DISTINCT audience FROM activation.audience_members "
                                                    "ORDER BY 1").fetchall()],
            "quarantine_rules": [r for (r,) in con.execute("SELECT rule FROM quarantine.crm_contacts GROUP BY 1 "
                                                           "ORDER BY count(*) DESC, rule").fetchall()],
        }
    process, base, log = dagster_dev
    wait_until_ready(base, process, log)
    left, right = facts["pair"]
    explain_run = launch(base, "explain_identity", {"ops": {"explain": {"config": {
        "left_record": left, "right_record": right}}}})
    return {"base": base, "run_id": outcome.run_id, "explain_run_id": explain_run, **facts}


LAUNCH = """mutation($params: ExecutionParams!) { launchPipelineExecution(executionParams: $params) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } } } }"""
RUN_STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""


def launch(base: str, job: str, run_config: dict) -> str:
    """Launch a job through the webserver (what the Launchpad's button does) and wait until it ends."""
    answer = graphql(base, LAUNCH, {"params": {
        "selector": {"repositoryLocationName": "customer_unification", "repositoryName": "__repository__",
                     "pipelineName": job}, "runConfigData": run_config, "mode": "default"}})
    launched = answer["data"]["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        status = graphql(base, RUN_STATUS, {"id": run_id})["data"]["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            assert status == "SUCCESS", f"{job} run {run_id}: {status}"
            return run_id
        time.sleep(0.5)  # polling interval, not a wait for the UI
    pytest.fail(f"{job} run {run_id} did not end in {SERVER_START_TIMEOUT_S}s")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("ui_screenshots")
    print(f"\nUI screenshots: {folder}")
    yield folder
    published = REPO_ROOT / "data" / "reports" / "ui"
    try:
        published.mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy2(png, published / png.name)
        print(f"UI screenshots copied to {published}")
    except OSError as exc:  # a read-only checkout keeps them in the temp folder only
        print(f"UI screenshots not copied to {published}: {exc}")


@pytest.fixture(scope="module")
def browser(chromium) -> Iterator:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(chromium, ui, browser, screenshots, request) -> Iterator:
    # order matters: skip without a browser, then materialise and serve, then start Playwright
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=ui["base"])
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    opened = context.new_page()
    failures_before = request.session.testsfailed
    yield opened
    if request.session.testsfailed > failures_before:  # what the browser showed when the test failed
        try:
            opened.screenshot(path=str(screenshots / f"FAILED-{request.node.name}.png"))
            (screenshots / f"FAILED-{request.node.name}.txt").write_text(opened.inner_text("body"))
        except sync_api.Error:
            pass
    context.close()


def expect(locator):
    return sync_api.expect(locator)


def visible(page, text: str, exact: bool = True):
    locator = page.get_by_text(text, exact=exact).first
    expect(locator).to_be_visible(timeout=TIMEOUT_MS)
    return locator


def snap(page, screenshots: Path, name: str) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"))


def test_catalog_and_lineage_show_every_layer(page, screenshots):
    selection = " or ".join(f'key:"{label.replace(" / ", "/")}"' for label in LAYER_ASSETS.values())
    page.goto("/assets?" + urllib.parse.urlencode({"asset-selection": selection}))
    for label in LAYER_ASSETS.values():
        visible(page, label)
    visible(page, "One row per staged record", exact=False)  # descriptions are shown
    # every row's status has loaded and is a materialisation of this run's assets
    expect(page.get_by_text("Materialized", exact=True)).to_have_count(len(LAYER_ASSETS), timeout=TIMEOUT_MS)
    expect(page.get_by_text("Never materialized")).to_have_count(0)
    snap(page, screenshots, "01_catalog_one_asset_per_layer")

    page.goto("/assets")  # the whole catalog, unfiltered
    visible(page, "activation / audience_exports")
    snap(page, screenshots, "02_catalog")

    page.goto("/locations/customer_unification/asset-groups/identity")
    visible(page, "customer_identity_map")
    n = len(IDENTITY_CHECKS)
    visible(page, f"{n} / {n} Passed")  # the map's blocking checks, as the group graph summarises them
    snap(page, screenshots, "04_identity_group_graph")


def layer_groups() -> dict[str, list[str]]:
    """group -> the names of its assets (the tables of one layer), from the code location."""
    groups: dict[str, list[str]] = {}
    for spec in load_definitions().resolve_all_asset_specs():
        groups.setdefault(spec.group_name, []).append(spec.key.path[-1])
    return groups


def graph_option(page, name: str) -> None:
    """Choose `name` in the lineage graph's settings menu (the gear under the zoom controls, not the
    navigation's Settings); the menu stays open after a choice, so it is closed again."""
    page.get_by_role("button").filter(has=page.get_by_role("img", name="settings")).filter(
        has_not_text="Settings").click()
    page.get_by_role("menuitem", name=name).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menuitem")).to_have_count(0, timeout=TIMEOUT_MS)


def test_the_lineage_reads_layer_by_layer_and_each_group_shows_all_its_assets(page, screenshots):
    """69 assets in one expanded graph are too many to read (with the demo's 13 sources one column holds
    26 staging and quarantine tables), so the lineage opens collapsed: one node per layer, left to right in the order data flows;
    a group expands on a click, all of them from the graph's menu, and each group's own graph draws all
    of its assets on one screen."""
    groups = layer_groups()
    assert set(groups) == set(LAYER_ASSETS) | {"quarantine", "analytics"}
    page.goto("/asset-groups")
    expect(page.locator(COLLAPSED_GROUP)).to_have_count(len(groups), timeout=TIMEOUT_MS)
    expect(page.locator(ASSET_LABEL)).to_have_count(0)  # collapsed: no asset node yet
    x = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('foreignObject.group'))
        .map(f => [f.querySelector('[data-tooltip]').getAttribute('data-tooltip'), Number(f.getAttribute('x'))]))""")
    assert set(x) == set(groups)
    assert x["sources"] < x["staging"] == x["quarantine"] < x["identity"] < x["profiles"] \
        < x["segments"] == x["analytics"] < x["activation"], x  # the flow, left to right
    snap(page, screenshots, "03_lineage_groups")

    def expanded_groups() -> set[str]:
        expanded = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("expanded", [""])[0]
        return {part.rsplit(":", 1)[1] for part in expanded.split(",") if part}

    graph_option(page, "Expand all groups")
    expect(page.locator(COLLAPSED_GROUP)).to_have_count(0, timeout=TIMEOUT_MS)
    assert expanded_groups() == set(groups)
    expect(page.locator(ASSET_LABEL).first).to_be_visible(timeout=TIMEOUT_MS)
    snap(page, screenshots, "03b_lineage_all_expanded")
    graph_option(page, "Collapse all groups")
    expect(page.locator(COLLAPSED_GROUP)).to_have_count(len(groups), timeout=TIMEOUT_MS)
    assert expanded_groups() == set()

    page.locator("foreignObject.group", has=page.locator('[data-tooltip="identity"]')).click()  # one group opens
    expect(page).to_have_url(re.compile(r"expanded="), timeout=TIMEOUT_MS)
    assert expanded_groups() == {"identity"}  # the others stay collapsed
    page.wait_for_function(ALL_DRAWN, arg=[groups["identity"], False], timeout=TIMEOUT_MS)
    snap(page, screenshots, "03c_lineage_identity_expanded")

    zoom_out = page.get_by_role("button").filter(has=page.get_by_role("img", name="zoom_out"))
    for group, names in sorted(groups.items(), key=lambda g: x[g[0]]):
        page.goto(f"/locations/customer_unification/asset-groups/{group}")
        expect(page.locator(ASSET_LABEL).first).to_be_visible(timeout=TIMEOUT_MS)
        for _ in range(20):  # the group page opens zoomed in on one part: zoom out until all of it is drawn
            try:
                page.wait_for_function(ALL_DRAWN, arg=[names, True], timeout=1_000)
                break
            except sync_api.TimeoutError:
                zoom_out.click()
        else:
            pytest.fail(f"group {group}: its assets ({sorted(names)}) are never all on screen at once")
        snap(page, screenshots, f"04_group_{group}")


def test_identity_map_checks_passed(page, screenshots):
    page.goto("/assets/identity/customer_identity_map?view=checks")
    for check in IDENTITY_CHECKS:
        visible(page, check)
    page.get_by_text("one_customer_per_record", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"checkDetail=one_customer_per_record"), timeout=TIMEOUT_MS)
    visible(page, "Every staged record has exactly one customer_id", exact=False)  # the check's description
    visible(page, "Passed")  # latest evaluation result
    visible(page, "records_without_customer")  # its metadata
    expect(page.get_by_text("Succeeded", exact=True)).to_have_count(len(IDENTITY_CHECKS), timeout=TIMEOUT_MS)
    expect(page.get_by_text("Failed", exact=True)).to_have_count(0)
    snap(page, screenshots, "05_identity_map_checks")

    page.goto("/assets/identity/customer_identity_map")
    visible(page, "Row count")
    visible(page, "DuckDB")  # kinds
    visible(page, "records_by_matched_by")  # metadata
    snap(page, screenshots, "06_identity_map_overview")

    page.goto("/assets/profiles/golden_profiles")
    visible(page, "One row per customer_id", exact=False)
    visible(page, "completeness")
    visible(page, "crm-analytics")  # owner
    snap(page, screenshots, "07_golden_profiles_overview")


def test_latest_run_succeeded(page, screenshots, ui):
    run_id = ui["run_id"]
    page.goto("/runs")
    visible(page, run_id[:8])
    visible(page, "unify_all")
    visible(page, "Success")
    expect(page.get_by_text("Failure", exact=True)).to_have_count(0)
    snap(page, screenshots, "08_runs")

    page.goto(f"/runs/{run_id}")
    visible(page, "Success")
    # the step panel once the run's logs are loaded: every step succeeded, none errored or left out
    expect(page.get_by_text(re.compile(r"^Succeeded \([1-9][0-9]*\)$")).first).to_be_visible(timeout=TIMEOUT_MS)
    visible(page, "Errored (0)")
    expect(page.get_by_text(re.compile(r"^Not executed \([1-9]"))).to_have_count(0)
    expect(page.get_by_text("Loading run logs", exact=False)).to_have_count(0, timeout=TIMEOUT_MS)
    snap(page, screenshots, "09_run")


def test_automation_is_on_by_default(page, screenshots):
    page.goto("/automation")
    names = ("landing_zone", "landing_settled", "automation", "daily_refresh")
    for name in names:
        visible(page, name)
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(len(names), timeout=TIMEOUT_MS)  # one toggle each
    snap(page, screenshots, "10_automation")

    page.goto("/assets/sources/webshop_orders?view=partitions")
    visible(page, "2026-11-01")  # the first day: the initial load of all earlier history
    visible(page, "Missing (0)")  # the full run covered every day
    snap(page, screenshots, "11_day_partitions")


def test_each_day_partition_shows_its_own_row_count(page, screenshots, ui):
    first, last = ui["days"][0], ui["days"][-1]
    n = f"{ui['first_day_rows']:,}"

    def row(name: str):  # a row of the selected partition's metadata table
        return page.get_by_role("row", name=name, exact=True)

    page.goto(f"/assets/staging/{EVENT_SOURCE}?view=partitions&partition={first}")
    visible(page, first)
    expect(row(f"dagster/row_count {n}")).to_be_visible()
    expect(row(f"raw_rows {n}")).to_be_visible()
    snap(page, screenshots, "12_first_day_partition")
    page.goto(f"/assets/staging/{EVENT_SOURCE}?view=partitions&partition={last}")
    visible(page, last)
    expect(row("dagster/row_count 0")).to_be_visible()  # its own count, not the range's total
    expect(row("raw_rows 0")).to_be_visible()
    snap(page, screenshots, "13_last_day_partition")


def test_column_types_are_the_warehouse_types(page, screenshots):
    page.goto("/assets/profiles/golden_profiles")
    visible(page, "date_of_birth")
    visible(page, "DATE")
    visible(page, "TIMESTAMP WITH TIME ZONE")
    snap(page, screenshots, "14_golden_profiles_columns")


def test_quarantine_group_warns_about_todays_problems(page, screenshots, ui):
    page.goto("/locations/customer_unification/asset-groups/quarantine")  # a group of its own
    visible(page, "2 / 2 Passed")  # a source with nothing unusual today
    snap(page, screenshots, "15_quarantine_group")
    page.goto("/assets?" + urllib.parse.urlencode({"asset-selection": "group:quarantine"}))
    visible(page, "quarantine / crm_contacts")
    page.goto("/assets/quarantine/crm_contacts?view=checks")
    visible(page, "quarantined_vs_recent_norm")
    visible(page, "nulled_values_vs_recent_norm")
    visible(page, "Failed")  # a WARN check's failure: the UI's warning-coloured tag (no run failed)
    page.get_by_text("quarantined_vs_recent_norm", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"checkDetail=quarantined_vs_recent_norm"), timeout=TIMEOUT_MS)
    # a first delivery has no norm: every rule it quarantined rows for is news, most rows first
    visible(page, ", ".join(ui["quarantine_rules"]))
    snap(page, screenshots, "16_quarantine_warnings")


def test_the_cli_run_is_listed_under_its_job(page, screenshots, ui):
    page.goto("/locations/customer_unification/jobs/unify_all/runs")
    visible(page, ui["run_id"][:8])
    snap(page, screenshots, "17_unify_all_runs")


def test_audience_members_show_sizes_and_a_masked_preview(page, screenshots, ui):
    page.goto("/assets/activation/audience_members")
    visible(page, "audience_sizes")
    visible(page, "members_preview (PII masked)")
    snap(page, screenshots, "18_audience_members")


def test_explain_identity_job_logs_the_explanation(page, screenshots, ui):
    page.goto(f"/runs/{ui['explain_run_id']}")
    visible(page, "Success")
    visible(page, "verdict: same customer", exact=False)
    visible(page, "field-by-field", exact=False)
    left, right = ui["pair"]
    expect(page.get_by_text(left, exact=False)).to_have_count(0)  # record keys are masked
    snap(page, screenshots, "19_explain_identity")
