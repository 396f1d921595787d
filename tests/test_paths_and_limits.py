"""Paths and limits: links out of the repository, names that collide on Windows and macOS,
and sizes that would make the checks crash or hang."""

import os
import shutil

from checks.rules.analysis import run_checks

from conftest import CASES


def _repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(CASES / "valid-minimal", repo, ignore=shutil.ignore_patterns("expected"))
    (repo / "procedures" / "settings").mkdir()
    return repo


def _found(repo):
    return [(f.file, f.line, f.column, f.rule) for f in run_checks(repo)[1]]


def test_a_link_that_points_outside_is_refused_unread(tmp_path):
    repo = _repo(tmp_path)
    secret = tmp_path / "utenfor.yaml"
    secret.write_text("id: utenfor\n")
    os.symlink(secret, repo / "procedures" / "settings" / "utenfor.yaml")
    os.symlink(tmp_path, repo / "procedures" / "mappe")
    assert _found(repo) == [("procedures/mappe", 1, 1, "file.symlink-outside"),
                            ("procedures/settings/utenfor.yaml", 1, 1, "file.symlink-outside")]


def test_names_that_differ_only_in_case_collide(tmp_path):
    repo = _repo(tmp_path)
    text = "id: apprec-ventetid\ntitle: T\ndescription: D\nkind: text\nstatus: submitted\n"
    (repo / "procedures" / "settings" / "apprec-ventetid.yaml").write_text(text)
    (repo / "procedures" / "settings" / "Apprec-Ventetid.yaml").write_text(text)
    rules = [r for _, _, _, r in _found(repo)]
    assert "file.case-collision" in rules


def test_long_lists_and_long_strings_are_findings_not_hangs(tmp_path):
    repo = _repo(tmp_path)
    (repo / "procedures" / "settings" / "lang.yaml").write_text("id: lang\nliste:\n" + "  - x\n" * 2500)
    (repo / "procedures" / "settings" / "tekst.yaml").write_text("id: tekst\nnote: " + "x" * 30_000 + "\n")
    assert _found(repo) == [("procedures/settings/lang.yaml", 3, 3, "yaml.too-long"),
                            ("procedures/settings/tekst.yaml", 2, 7, "yaml.too-long")]


# -- #13: no crash, no hang --------------------------------------------------------------------

SETTING = "id: {id}\ntitle: T\ndescription: D\nkind: text\nstatus: submitted\n"


def test_a_fifo_is_a_finding_and_never_read(tmp_path):
    repo = _repo(tmp_path)
    os.mkfifo(repo / "procedures" / "settings" / "ventetid.yaml")  # reading it would block forever
    assert _found(repo) == [("procedures/settings/ventetid.yaml", 1, 1, "file.not-regular")]


def test_symlink_loops_dangling_links_and_links_into_git_are_findings(tmp_path):
    repo = _repo(tmp_path)
    settings = repo / "procedures" / "settings"
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[remote]\nurl = https://hemmelig.invalid/\n")
    os.symlink("b.yaml", settings / "a.yaml")
    os.symlink("a.yaml", settings / "b.yaml")
    os.symlink("../../.git/config", settings / "git.yaml")
    os.symlink("finnes-ikke.yaml", settings / "borte.yaml")
    os.symlink("../../procedures", settings / "sirkel")  # a folder link back up: never followed
    found = _found(repo)
    assert found == [("procedures/settings/a.yaml", 1, 1, "file.symlink-loop"),
                     ("procedures/settings/b.yaml", 1, 1, "file.symlink-loop"),
                     ("procedures/settings/borte.yaml", 1, 1, "file.unreadable"),
                     ("procedures/settings/git.yaml", 1, 1, "file.symlink-git"),
                     ("procedures/settings/sirkel", 1, 1, "file.unknown-kind")]
    assert "hemmelig" not in repr(run_checks(repo)[1])


def test_a_folder_that_cannot_be_read_is_a_finding(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    (repo / "procedures" / "settings" / "ventetid.yaml").write_text(SETTING.format(id="ventetid"))
    real = os.scandir
    locked = str(repo / "procedures" / "settings")

    def scandir(path="."):  # as for a folder without read permission (the tests may run as root)
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _found(repo) == [("procedures/settings", 1, 1, "file.unreadable")]


def test_names_windows_cannot_check_out_and_names_that_are_not_utf8(tmp_path):
    repo = _repo(tmp_path)
    settings = repo / "procedures" / "settings"
    (settings / "con.yaml").write_text(SETTING.format(id="con"))
    (settings / "nul.yaml").write_text(SETTING.format(id="nul"))
    with open(os.path.join(os.fsencode(settings), b"x\xff.yaml"), "w") as handle:
        handle.write(SETTING.format(id="x"))
    rules = {(f, r) for f, _, _, r in _found(repo) if r == "file.name"}
    assert rules == {("procedures/settings/con.yaml", "file.name"), ("procedures/settings/nul.yaml", "file.name"),
                     ("procedures/settings/x\udcff.yaml", "file.name")}


def test_a_file_larger_than_the_limit_is_not_read_whole(tmp_path):
    repo = _repo(tmp_path)
    with open(repo / "procedures" / "settings" / "stor.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MiB of zeros
    assert _found(repo) == [("procedures/settings/stor.yaml", 1, 1, "yaml.too-large")]


def test_numbers_beyond_the_limits_are_findings_not_crashes(tmp_path):
    repo = _repo(tmp_path)
    settings = repo / "procedures" / "settings"
    huge = "9" * 5000
    (settings / "heltall.yaml").write_text(SETTING.format(id="heltall") + f"antall: {huge}\n")
    (settings / "nokkel.yaml").write_text(SETTING.format(id="nokkel") + f"? {huge}\n: x\n")
    (settings / "uendelig.yaml").write_text(SETTING.format(id="uendelig") + "antall: 1e999\n")
    assert _found(repo) == [("procedures/settings/heltall.yaml", 6, 9, "yaml.number-range"),
                            ("procedures/settings/nokkel.yaml", 6, 3, "yaml.number-range"),
                            ("procedures/settings/uendelig.yaml", 6, 9, "yaml.number-range")]


def test_huge_durations_never_crash_the_graph_the_site_or_the_report(tmp_path):
    from fuzzlib import check_properties, shipped_files
    from checks.rules.graph import duration_nb, duration_seconds
    assert duration_seconds("P" + "9" * 5000 + "D") is None and duration_nb("P" + "9" * 5000 + "D")
    assert duration_seconds("P5D\n") is None
    files = shipped_files()
    chain = next(p for p in sorted(files) if p.startswith("procedures/chains/") and b"within: " in files[p])
    text = files[chain].decode()
    start = text.index("within: ") + len("within: ")
    end = text.index("\n", start)
    for value in ("P" + "9" * 5000 + "D", "PT" + "9" * 20 + "H", "P99999W"):
        damaged = {**files, chain: (text[:start] + value + text[end:]).encode()}
        assert check_properties(damaged) == []


def test_a_regular_file_is_read_whole_up_to_one_byte_past_the_limit(tmp_path):
    from checks.model.repository import read_regular
    for size in (0, 1, 9, 10, 11, 200_000):
        path = tmp_path / f"f{size}"
        data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
        path.write_bytes(data)
        assert read_regular(path) == data
        assert read_regular(path, limit=10) == data[:11]
