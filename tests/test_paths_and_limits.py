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
