"""Conformance over message logs: each violation kind found exactly once in a hand-built log,
the personal-identifier guard, and bad logs that give one Norwegian line and exit 2.

The repository is `tests/compliance-fixture` (a frozen copy of the chain with one path
obligation and the events marked), so content changes never turn these tests red.
"""

import csv
import json
from pathlib import Path

import pytest

from checks.compliance import conformance, htmlreport
from checks.model.repository import load_repository

from conftest import ROOT, run_cli

FIXTURE = ROOT / "tests" / "compliance-fixture"
HEADER = ["case_id", "message_type", "sender_party", "sender_address", "receiver_party", "receiver_address",
          "sent_at", "apprec_status", "event"]
HF, K = "somatikk-plo-meldingsmottak", "5501"


def clean(cid: str) -> list[list[str]]:
    """One stay that follows the chain to the letter (somatic pathway, Tromsø)."""
    return [
        [cid, "", "", "", "", "", "2025-03-05T10:00:00+01:00", "", "admitted"],
        [cid, "melding-om-innlagt-pasient", "unn", HF, K, "sykepleietjeneste", "2025-03-05T10:05:00+01:00", "1", ""],
        [cid, "innleggelsesrapport", K, "sykepleietjeneste", "unn", HF, "2025-03-05T12:00:00+01:00", "1", ""],
        [cid, "helseopplysninger", "unn", HF, K, "saksbehandler", "2025-03-05T16:00:00+01:00", "1", ""],
        [cid, "", "", "", "", "", "2025-03-07T15:30:00+01:00", "", "ready_for_discharge"],
        [cid, "melding-om-utskrivningsklar-pasient", "unn", HF, K, "saksbehandler", "2025-03-07T15:40:00+01:00", "1", ""],
        [cid, "svar-pa-foresporsel", K, "saksbehandler", "unn", HF, "2025-03-07T16:10:00+01:00", "1", ""],
        [cid, "", "", "", "", "", "2025-03-10T11:00:00+01:00", "", "discharged"],
        [cid, "epikrise", "unn", HF, K, "sykepleietjeneste", "2025-03-10T10:30:00+01:00", "1", ""],
        [cid, "utskrivningsrapport", "unn", HF, K, "sykepleietjeneste", "2025-03-10T11:05:00+01:00", "1", ""],
        [cid, "melding-om-utskrevet-pasient", "unn", HF, K, "saksbehandler", "2025-03-10T11:10:00+01:00", "1", ""],
    ]


def edit(rows, message_type, **changes):
    for r in rows:
        if r[1] == message_type:
            for key, value in changes.items():
                r[HEADER.index(key)] = value
            return rows
    raise AssertionError(message_type)


def planted() -> tuple[list[list[str]], set]:
    rows = clean("ok-1") + clean("ok-2")
    rows += [r for r in clean("mangler") if r[1] != "svar-pa-foresporsel"]
    rows += edit(clean("sen"), "helseopplysninger", sent_at="2025-03-06T12:00:00+01:00")
    rows += edit(clean("adresse"), "helseopplysninger", receiver_address="sykepleietjeneste")
    rows += edit(clean("uten-apprec"), "epikrise", apprec_status="")
    rows += edit(clean("avvist"), "utskrivningsrapport", apprec_status="2")
    rows += edit(clean("rekkefolge"), "melding-om-utskrivningsklar-pasient", sent_at="2025-03-07T15:20:00+01:00")
    ukjent = clean("ukjent")
    ukjent.append(["ukjent", "orientering-om-dodsfall", "unn", HF, K, "saksbehandler", "2025-03-06T09:00:00+01:00", "1", ""])
    rows += ukjent
    expected = {("mangler", "samsvar.missing", "svar-pa-foresporsel"),
                ("sen", "samsvar.deadline", "helseopplysninger"),
                ("adresse", "samsvar.address", "helseopplysninger"),
                ("uten-apprec", "samsvar.apprec-missing", "epikrise"),
                ("avvist", "samsvar.apprec-negative", "utskrivningsrapport"),
                ("rekkefolge", "samsvar.path", "melding-om-utskrivningsklar-pasient"),
                ("ukjent", "samsvar.unknown", "orientering-om-dodsfall")}
    return rows, expected


def write_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def repo():
    return load_repository(FIXTURE)


def test_each_violation_kind_is_found_exactly_once(tmp_path, repo):
    rows, expected = planted()
    report = conformance.run(repo, [write_csv(tmp_path / "logg.csv", rows)])
    got = [(v["case_id"], v["rule"], v["message_type"]) for v in report.violations]
    assert sorted(got) == sorted(expected)
    assert {r for _, r, _ in got} == set(conformance.KINDS)
    assert report.totals["by_rule"] == {k: 1 for k in conformance.KINDS}
    late = next(v for v in report.violations if v["rule"] == "samsvar.deadline")
    assert "2 t 0 min etter fristen" in late["detail"]


def test_parquet_gives_the_same_result(tmp_path, repo):
    rows, expected = planted()
    src = write_csv(tmp_path / "logg.csv", rows)
    con = conformance.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{src}', all_varchar = true)) TO '{tmp_path / 'logg.parquet'}' (FORMAT parquet)")
    con.close()
    report = conformance.run(repo, [tmp_path / "logg.parquet"])
    assert {(v["case_id"], v["rule"], v["message_type"]) for v in report.violations} == expected


def test_aggregates_per_kommune_type_and_month(tmp_path, repo):
    rows, expected = planted()
    report = conformance.run(repo, [write_csv(tmp_path / "logg.csv", rows)])
    (tromso,) = report.parties
    assert tromso["party"] == K and tromso["violations"] == len(expected)
    assert sum(m["violations"] for m in report.message_types) == len(expected)
    assert [m["month"] for m in report.months] == ["2025-03"]
    t = report.totals
    assert t["deadlines_measured"] - t["deadlines_met"] == 1


def test_a_deadline_across_the_spring_change_is_24_elapsed_hours(tmp_path, repo):
    rows = clean("dst")
    for r in rows:  # admission Saturday 29 March 10:15 +01:00; 24 h later is 11:15 +02:00
        if r[8] == "admitted":
            r[6] = "2025-03-29T10:15:00+01:00"
        if r[1] in ("melding-om-innlagt-pasient", "innleggelsesrapport"):
            r[6] = "2025-03-29T10:30:00+01:00"
    edit(rows, "helseopplysninger", sent_at="2025-03-30T11:10:00+02:00")
    for r in rows:
        if r[6] < "2025-03-29" and r[6] != "":
            r[6] = r[6].replace("2025-03-0", "2025-04-0")
    ok = conformance.run(repo, [write_csv(tmp_path / "a.csv", rows)])
    assert "samsvar.deadline" not in {v["rule"] for v in ok.violations}
    edit(rows, "helseopplysninger", sent_at="2025-03-30T11:20:00+02:00")
    late = conformance.run(repo, [write_csv(tmp_path / "b.csv", rows)])
    assert [v["detail"] for v in late.violations if v["rule"] == "samsvar.deadline"][0].count("5 min") == 1


def test_cli_text_json_and_html(tmp_path):
    rows, expected = planted()
    log = write_csv(tmp_path / "logg.csv", rows)
    text = run_cli("-C", str(FIXTURE), "samsvar", str(log))
    assert text.returncode == 1 and "Per kommune" in text.stdout and "Traceback" not in text.stderr
    out = tmp_path / "rapport"
    data = run_cli("-C", str(FIXTURE), "samsvar", str(log), "--format", "json", "--html", str(out))
    doc = json.loads(data.stdout)
    assert set(doc) >= {"totals", "parties", "violations"}
    assert all(set(v) >= {"case_id", "rule", "message_type", "detail"} for v in doc["violations"])
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    clean_log = write_csv(tmp_path / "ren.csv", clean("a") + clean("b"))
    assert run_cli("-C", str(FIXTURE), "samsvar", str(clean_log)).returncode == 0


def test_html_escapes_what_comes_from_the_log(tmp_path, repo):
    rows = clean("<b>x</b>")
    rows.append(["<b>x</b>", "<script>", "unn", HF, K, "saksbehandler", "2025-03-06T09:00:00+01:00", "1", ""])
    report = conformance.run(repo, [write_csv(tmp_path / "l.csv", rows)])
    page = htmlreport.render(report)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>x</b>" not in page


# -- bad logs ---------------------------------------------------------------------------------------

BAD = {
    "missing-column": lambda p: write_csv(p, [r[:8] for r in clean("a")],
                                          [h for h in HEADER if h != "apprec_status"] + []),
    "wrong-time": lambda p: write_csv(p, edit(clean("a"), "epikrise", sent_at="i går")),
    "time-without-offset": lambda p: write_csv(p, edit(clean("a"), "epikrise", sent_at="2025-03-10T10:30:00")),
    "wrong-apprec": lambda p: write_csv(p, edit(clean("a"), "epikrise", apprec_status="OK")),
    "wrong-event": lambda p: write_csv(p, clean("a") + [["a", "", "", "", "", "", "2025-03-10T12:00:00+01:00", "", "dead"]]),
    "personal-number": lambda p: write_csv(p, clean("31129956715")),
    "personal-number-extra-column": lambda p: write_csv(p, [r + ["311299 56715"] for r in clean("a")], HEADER + ["merknad"]),
    "empty": lambda p: (p.write_bytes(b""), p)[1],
    "header-only": lambda p: write_csv(p, []),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_log_gives_one_norwegian_line_and_exit_2(tmp_path, name):
    path = BAD[name](tmp_path / "logg.csv")
    out = tmp_path / "rapport"
    result = run_cli("-C", str(FIXTURE), "samsvar", str(path), "--html", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.startswith("samhandling: ") and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    if name.startswith("personal"):
        assert "avvises" in result.stderr and "31129956715" not in result.stderr and "311299" not in result.stderr


def test_a_file_cut_short_is_a_clear_error(tmp_path):
    rows = []
    for i in range(3000):
        rows += clean(f"c{i}")
    full = write_csv(tmp_path / "full.csv", rows)
    raw = full.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(raw[: len(raw) - 37])
    result = run_cli("-C", str(FIXTURE), "samsvar", str(cut))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "avkuttet" in result.stderr
    pq = tmp_path / "full.parquet"
    con = conformance.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{full}', all_varchar = true)) TO '{pq}' (FORMAT parquet)")
    con.close()
    (tmp_path / "cut.parquet").write_bytes(pq.read_bytes()[: pq.stat().st_size // 2])
    result = run_cli("-C", str(FIXTURE), "samsvar", str(tmp_path / "cut.parquet"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "Parquet" in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = run_cli("-C", str(FIXTURE), "samsvar", str(tmp_path / "nei.csv"))
    assert result.returncode == 2 and "finnes ikke" in result.stderr


def test_the_site_gets_scenario_timelines_and_the_latest_report(tmp_path, repo):
    from checks.compliance import sitepages
    rows, _ = planted()
    report = conformance.run(repo, [write_csv(tmp_path / "logg.csv", rows)])
    htmlreport.write(report, tmp_path / "rapporter" / "2025-12")
    pages, files, nav = sitepages.site_pages(FIXTURE, repo, tmp_path / "rapporter")
    assert [p for _, p in nav] == [sitepages.SCENARIO_PAGE, sitepages.REPORT_PAGE]
    assert pages[sitepages.SCENARIO_PAGE].count("<svg") == len(list((FIXTURE / "scenarios").glob("*.yaml")))
    assert "<script" not in pages[sitepages.SCENARIO_PAGE] and "<script" not in files[sitepages.REPORT_FILE]
    assert "samsvar.path" in pages[sitepages.REPORT_PAGE]
    pages, files, nav = sitepages.site_pages(FIXTURE, repo, None)
    assert sitepages.REPORT_PAGE not in pages and not files


def test_every_case_id_is_checked_not_only_the_sample(tmp_path, repo, monkeypatch):
    monkeypatch.setattr(conformance, "SAMPLE_FIRST", 1)
    monkeypatch.setattr(conformance, "SAMPLE_RESERVOIR", 1)
    rows = [r for i in range(200) for r in clean(f"c{i}")] + clean("311299 56715")
    with pytest.raises(conformance.LogError, match="case_id"):
        conformance.run(repo, [write_csv(tmp_path / "l.csv", rows)])
