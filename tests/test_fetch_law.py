"""`assistant fetch-law`: statutes from e-Gov's law API into the corpus, against a real HTTP
server on loopback that serves the official XML files from `../shared/laws/` on the API's paths
(no mocked HTTP client)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from assistant import Assistant, InputError, Settings
from assistant.faces import cli
from assistant.lawapi import PUBLISHER, REUSE, fetch_law

LAWS = Path(__file__).resolve().parents[2] / "shared" / "laws"
pytestmark = pytest.mark.skipif(
    not LAWS.is_dir(), reason=f"{LAWS} is missing: the e-Gov statute files these tests serve"
)

AI_ACT, APPI = "507AC0000000053", "415AC0000000057"
FILES = {AI_ACT: "ai-promotion-act.ja.egov.xml", APPI: "appi.ja.egov.xml"}
BROKEN, WEB_PAGE, SLOW = "500AC0000000500", "501AC0000000501", "502AC0000000502"
AI_TITLE = "人工知能関連技術の研究開発及び活用の推進に関する法律"


def law_row(law_id, num, era, year, title, abbrev, promulgated, revision_id, enforced):
    """A `laws[]` row in the shape of the API's documented example (lawapi-v2.yaml)."""
    revision = {
        "law_revision_id": revision_id,
        "law_type": "Act",
        "law_title": title,
        "abbrev": abbrev,
        "amendment_enforcement_date": enforced,
        "repeal_status": "None",
        "mission": "New",
        "current_revision_status": "CurrentEnforced",
    }
    info = {
        "law_type": "Act",
        "law_id": law_id,
        "law_num": num,
        "law_num_era": era,
        "law_num_year": year,
        "law_num_type": "Act",
        "law_num_num": law_id[-3:],
        "promulgation_date": promulgated,
    }
    return {"law_info": info, "revision_info": revision, "current_revision_info": revision}


# The AI Act's revision as recorded in ../shared/laws/README.md; APPI's is left unset, so a
# fetch of it falls back to the retrieval date.
ROWS = [
    law_row(
        AI_ACT,
        "令和七年法律第五十三号",
        "Reiwa",
        7,
        AI_TITLE,
        "ＡＩ法",
        "2025-06-04",
        "507AC0000000053_20250901_000000000000000",
        "2025-09-01",
    ),
    law_row(
        APPI,
        "平成十五年法律第五十七号",
        "Heisei",
        15,
        "個人情報の保護に関する法律",
        "個人情報保護法",
        "2003-05-30",
        None,
        None,
    ),
]


def matches(row, query):
    info, revision = row["law_info"], row["revision_info"]
    names = [revision["law_title"], *(revision["abbrev"] or "").split(",")]
    return all(
        (key != "law_num" or value in info["law_num"])
        and (key != "law_title" or any(value in name for name in names if name))
        and (key != "law_id" or value in info["law_id"])
        for key, [value] in query.items()
    )


class FakeEGov(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        law_id = url.path.removeprefix("/api/2/law_file/xml/")
        if url.path == "/api/2/laws":
            found = [r for r in ROWS if matches(r, parse_qs(url.query))]
            found.sort(key=lambda r: r["law_info"]["law_id"])  # the API's default order
            body = {"total_count": len(found), "count": len(found), "laws": found}
            self.reply(200, "application/json", json.dumps(body, ensure_ascii=False).encode())
        elif law_id in FILES:
            self.reply(200, "application/octet-stream", (LAWS / FILES[law_id]).read_bytes())
        elif law_id == BROKEN:
            error = {"code": "500001", "message": "サーバ内処理で異常が発生しました。"}
            self.reply(500, "application/json", json.dumps(error, ensure_ascii=False).encode())
        elif law_id == WEB_PAGE:
            page = b"<!DOCTYPE html>\n<html><body><h1>Maintenance</h1></body></html>"
            self.reply(200, "text/html", page)
        elif law_id == SLOW:
            time.sleep(1.5)
            self.reply(200, "application/octet-stream", (LAWS / FILES[AI_ACT]).read_bytes())
        else:
            self.reply(404, "application/json", b'{"code": "404001", "message": "not found"}')

    def reply(self, status: int, kind: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the timeout test)

    def log_message(self, *args: object) -> None:
        pass


def start() -> tuple[ThreadingHTTPServer, SimpleNamespace]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEGov)
    server.requests = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api/2"
    return server, SimpleNamespace(url=url, requests=server.requests)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def api():
    server, api = start()
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path, api) -> Settings:
    """A corpus with a document and a manifest of its own, and the fake API."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text("# A note\n\nThe council meets monthly about AI.\n")
    manifest = {"documents": [{"file": "note.md", "doc_id": "note", "title": "A note"}]}
    (corpus / "manifest.json").write_text(json.dumps(manifest, indent=4))
    return Settings(
        data_dir=tmp_path / "data", corpus_dir=corpus, law_api_url=api.url, law_api_timeout=5
    )


def on_disk(settings: Settings) -> tuple[list[str], bytes]:
    corpus = settings.corpus_dir
    return sorted(p.name for p in corpus.iterdir()), (corpus / "manifest.json").read_bytes()


def entries(settings: Settings) -> dict[str, dict]:
    data = json.loads((settings.corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return {e["file"]: e for e in data["documents"]}


def test_fetch_by_id_writes_the_file_and_its_manifest_entry(settings, api):
    saved = fetch_law(settings, AI_ACT)
    today = dt.date.today().isoformat()
    assert saved.path == settings.corpus_dir / f"{AI_ACT}.xml"
    assert saved.path.read_bytes() == (LAWS / FILES[AI_ACT]).read_bytes()
    assert (saved.law_id, saved.title, saved.law_num) == (
        AI_ACT,
        AI_TITLE,
        "令和七年法律第五十三号",
    )
    assert entries(settings)[f"{AI_ACT}.xml"] == {
        "file": f"{AI_ACT}.xml",
        "doc_id": "law-507ac0000000053",
        "title": AI_TITLE,
        "law_num": "令和七年法律第五十三号",
        "publisher": PUBLISHER,
        "language": "ja",
        "source_url": f"{api.url}/law_file/xml/{AI_ACT}",
        "retrieved": today,
        "as_of": today,  # an id is not looked up: no revision date
        "reuse": REUSE,
    }
    assert entries(settings)["note.md"] == {"file": "note.md", "doc_id": "note", "title": "A note"}
    assert on_disk(settings)[0] == [f"{AI_ACT}.xml", "manifest.json", "note.md"]  # no leftovers
    assert saved.summary() == (
        f"saved {AI_TITLE} (令和七年法律第五十三号, e-Gov law id {AI_ACT}, as of {today}) "
        f"to {saved.path}"
    )


@pytest.mark.parametrize(
    "law",
    [
        "令和七年法律第五十三号",
        "令和7年法律第53号",
        "Act No. 53 of 2025",
        "Act No. 53 of June 4, 2025",
        AI_TITLE,
        "ＡＩ法",  # the abbreviation, as e-Gov writes it
        "507ac0000000053",
    ],
)
def test_fetch_by_number_title_or_id(settings, api, law):
    saved = fetch_law(settings, law)
    assert saved.law_id == AI_ACT and saved.path.name == f"{AI_ACT}.xml"
    searched = law != "507ac0000000053"
    assert saved.as_of == ("2025-09-01" if searched else dt.date.today().isoformat())
    assert api.requests[-1] == f"/api/2/law_file/xml/{AI_ACT}"
    if "Act No." in law or "7年" in law:
        assert "law_num=%E4%BB%A4%E5%92%8C%E4%B8%83%E5%B9%B4" in api.requests[-2]  # 令和七年


def test_as_of_is_asked_for_and_recorded(settings, api):
    saved = fetch_law(settings, "個人情報の保護に関する法律", as_of="2026-07-20")
    assert saved.law_id == APPI and saved.law_num == "平成十五年法律第五十七号"
    assert "asof=2026-07-20" in api.requests[-2] and "law_title=" in api.requests[-2]
    assert api.requests[-1] == f"/api/2/law_file/xml/{APPI}?asof=2026-07-20"
    entry = entries(settings)[f"{APPI}.xml"]
    assert entry["as_of"] == "2026-07-20" and entry["source_url"].endswith("?asof=2026-07-20")


def test_revision_date_falls_back_to_the_retrieval_date(settings):
    saved = fetch_law(settings, "個人情報保護法")  # the abbreviation; no revision date given
    assert saved.law_id == APPI and saved.as_of == dt.date.today().isoformat()


def test_fetching_again_replaces_the_entry(settings):
    fetch_law(settings, AI_ACT)
    first = entries(settings)
    fetch_law(settings, AI_TITLE)
    assert list(entries(settings)) == list(first)  # one entry per file, in its place
    assert entries(settings)[f"{AI_ACT}.xml"]["as_of"] == "2025-09-01"


def test_the_fetched_law_is_ingested_and_answerable(settings, embedder):
    saved = fetch_law(settings, AI_ACT)
    bot = Assistant(settings, embedder=embedder)
    report = bot.ingest([saved.path])
    assert report.added == ["law-507ac0000000053"]
    record = bot.documents()["law-507ac0000000053"]
    assert record["title"] == AI_TITLE and record["publisher"] == PUBLISHER
    answer = bot.ask("人工知能戦略本部の長は誰ですか？")
    assert not answer.abstained, answer.answer
    assert any("Act No. 53 of 2025" in c.locator for c in answer.citations)
    assert "内閣総理大臣" in answer.answer


@pytest.mark.parametrize(
    ("law", "message"),
    [
        ("599AC0000000599", "e-Gov's law API has no law with the id 599AC0000000599"),
        (BROKEN, "answered HTTP 500 for http://127.0.0.1:"),
        (WEB_PAGE, "sent a web page, not statute XML, for 501AC0000000501"),
        ("存在しない法律", "knows no law titled '存在しない法律'"),
        ("Act No. 999 of 2025", "knows no law numbered 'Act No. 999 of 2025'"),
        (
            "に関する法律",
            f"2 laws match 'に関する法律': {APPI} 個人情報の保護に関する法律; {AI_ACT}",
        ),
        ("", "give an e-Gov law id"),
    ],
)
def test_failures_are_one_line_and_change_nothing(settings, law, message):
    before = on_disk(settings)
    with pytest.raises(InputError) as caught:
        fetch_law(settings, law)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert on_disk(settings) == before


def test_the_api_message_is_shown_for_an_http_error(settings):
    with pytest.raises(InputError, match="サーバ内処理で異常が発生しました"):
        fetch_law(settings, BROKEN)


def test_a_bad_as_of_date_is_refused_before_asking(settings, api):
    asked = len(api.requests)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        fetch_law(settings, AI_ACT, as_of="2025-02-30")
    assert len(api.requests) == asked


def test_server_down_is_a_clear_error_and_changes_nothing(settings):
    server, down = start()
    server.shutdown()
    server.server_close()  # nothing listens on its port now
    before = on_disk(settings)
    with pytest.raises(InputError) as caught:
        fetch_law(settings.with_overrides(law_api_url=down.url), AI_ACT)
    assert str(caught.value) == (
        f"cannot reach e-Gov's law API at {down.url}/law_file/xml/{AI_ACT}: connection refused"
    )
    assert on_disk(settings) == before


def test_a_slow_server_times_out_and_changes_nothing(settings):
    before = on_disk(settings)
    with pytest.raises(InputError, match=r"cannot reach .*: no answer within 0.3 s"):
        fetch_law(settings.with_overrides(law_api_timeout=0.3), SLOW)
    assert on_disk(settings) == before


def test_an_unreadable_manifest_is_not_overwritten(settings):
    (settings.corpus_dir / "manifest.json").write_text("{not json")
    before = on_disk(settings)
    with pytest.raises(InputError, match="not a valid manifest"):
        fetch_law(settings, AI_ACT)
    assert on_disk(settings) == before


def test_an_id_used_by_another_file_is_refused(settings):
    manifest = {"documents": [{"file": "mine.xml", "doc_id": "law-507ac0000000053"}]}
    (settings.corpus_dir / "manifest.json").write_text(json.dumps(manifest))
    before = on_disk(settings)
    with pytest.raises(InputError, match="already used by mine.xml"):
        fetch_law(settings, AI_ACT)
    assert on_disk(settings) == before


@pytest.fixture
def cli_env(settings, api, embedder, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LAW_API_URL", api.url)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    # The embedding model loaded once for the session, not again for the command.
    monkeypatch.setattr(cli, "_assistant", lambda s: Assistant(s, embedder=embedder))
    return settings


def test_cli_fetches_saves_and_ingests(cli_env):
    result = CliRunner().invoke(cli.app, ["fetch-law", "Act No. 53 of 2025"])
    assert result.exit_code == 0, result.output
    saved, ingested = result.stdout.strip().splitlines()
    assert saved.startswith(f"saved {AI_TITLE} (令和七年法律第五十三号, e-Gov law id {AI_ACT}")
    assert ingested.startswith("1 added, 0 updated")
    assert (cli_env.corpus_dir / f"{AI_ACT}.xml").is_file()


def test_cli_no_ingest_and_as_of(cli_env):
    result = CliRunner().invoke(
        cli.app, ["fetch-law", APPI, "--as-of", "2026-07-20", "--no-ingest"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1 and "as of 2026-07-20" in result.stdout
    assert not cli_env.data_dir.exists()  # nothing ingested


def test_cli_failure_exits_2_with_one_line(cli_env):
    before = on_disk(cli_env)
    result = CliRunner().invoke(cli.app, ["fetch-law", "599AC0000000599"])
    assert result.exit_code == 2
    assert result.stderr == "error: e-Gov's law API has no law with the id 599AC0000000599\n"
    assert on_disk(cli_env) == before


def test_a_fetch_in_another_process_waits_for_the_manifest_lock(settings):
    """The manifest is rewritten under a lock on the corpus directory, so a page and a CLI
    fetching at once cannot lose each other's entries: while one holds it, the other waits."""
    import os
    import subprocess
    import sys

    from assistant.lawapi import _manifest_lock

    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_LAW_API_URL": settings.law_api_url,
    }
    code = "import sys; from assistant import Settings; from assistant.lawapi import fetch_law\n"
    code += "fetch_law(Settings(), sys.argv[1])"
    with _manifest_lock(settings.corpus_dir):
        run = subprocess.Popen([sys.executable, "-c", code, APPI], env=env)
        with pytest.raises(subprocess.TimeoutExpired):
            run.wait(timeout=8)  # it has fetched the law and waits to write the manifest
        assert f"{APPI}.xml" not in entries(settings)
    assert run.wait(timeout=60) == 0
    assert set(entries(settings)) == {"note.md", f"{APPI}.xml"}
