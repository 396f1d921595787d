#!/usr/bin/env bash
# Run `samhandling ARGS...` on this checkout's content with the code of the revision BASE.
#
#   scripts/with-base-code.sh BASE ARGS...
#
# A pull request must not write its own verdict: the change report and the governance rules
# run with the base branch's `checks/` on the pull request's content. The workflow runs the
# BASE revision's copy of this script (`git show "$BASE:scripts/with-base-code.sh" | bash -s`),
# so a pull request that edits the script does not change what runs either.
#
# The base's package is unpacked into a temporary folder with `git archive` (no checkout, the
# repository is not touched) and run with the installed dependencies, from that folder so
# Python imports `checks` from there and not from the pull request's tree. The schemas are the
# base's too (`SAMHANDLING_SCHEMAS`), so a pull request cannot loosen the schemas its content is
# validated with; a change to them, like any change to the code, the workflows or the tests, is
# named at the top of the change report and needs the maintainers' approval (CODEOWNERS).
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "bruk: with-base-code.sh BASE KOMMANDO [ARGUMENTER...]" >&2
  exit 2
fi
base="$1"
shift
root="$(git rev-parse --show-toplevel)"
python="${SAMHANDLING_PYTHON:-$root/.venv/bin/python}"
commit="$(git -C "$root" rev-parse --verify --quiet --end-of-options "$base^{commit}")" || {
  echo "fant ikke revisjonen $base" >&2
  exit 2
}
code="$(mktemp -d)"
trap 'rm -rf "$code"' EXIT
git -C "$root" archive --format=tar "$commit" checks schemas | tar -x -C "$code"
cd "$code"
PYTHONPATH="$code" PYTHONDONTWRITEBYTECODE=1 SAMHANDLING_SCHEMAS="$code/schemas" \
  "$python" -m checks -C "$root" "$@"
