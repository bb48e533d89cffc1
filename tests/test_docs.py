"""The documentation holds together: mechanic numbers resolve, links stay inside the repository,
and the numbers the docs quote are the ones their commands produce.

* Every mechanic number (``M10``, ``M11a``, ``M7.3``, ``O4``) cited in the code, the scenarios,
  the notebooks and the docs has an entry (an anchor) in ``docs/mechanics.md``.
* Every relative Markdown link in README.md, docs/, examples/ and benchmarks/README.md points to
  a file in the repository (and to a heading or anchor that exists, when it names one).
* The generated blocks of ``docs/doc_numbers.py`` marked cheap match their commands; the others
  are checked by ``make docs-check`` (they run the model).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MECHANICS = ROOT / "docs" / "mechanics.md"

#: Where mechanic numbers are cited (globs relative to the repository root).
CITING = (
    "sim/**/*.py",
    "scoring/**/*.py",
    "scenarios/**/*.toml",
    "docs/*.md",
    "README.md",
    "examples/**/*.md",
    "notebooks/*.py",
    "notebooks/*.ipynb",
)
#: Markdown files whose links must resolve inside the repository.
LINKING = ("README.md", "docs/*.md", "examples/**/*.md", "benchmarks/README.md")

#: A mechanic number: M or O, one or two digits, an optional ``.digit`` (M7.3, the five lists)
#: and an optional letter (M7a, M11a, M13a). Word boundaries keep out hashes and identifiers.
MECHANIC = re.compile(r"(?<![\w.])([MO][1-9]\d?(?:\.\d)?[a-z]?)\b")
ANCHOR = re.compile(r"""<a\s+(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _files(globs: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for g in globs:
        out += sorted(p for p in ROOT.glob(g) if p.is_file() and ".venv" not in p.parts)
    return out


def _text_of(path: Path) -> str:
    """A file's text; for a notebook, only its cells' sources (not outputs: base64 images)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        return "\n".join("".join(c.get("source", "")) for c in cells)
    return text


def mechanic_refs(text: str) -> set[str]:
    """The mechanic numbers cited in ``text``."""
    return set(MECHANIC.findall(text))


def anchor_of(ref: str) -> str:
    """The anchor id of a mechanic's entry in docs/mechanics.md: M7.3 -> m7-3, M11a -> m11a."""
    return ref.lower().replace(".", "-")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Heading slugs (with GitHub's -1, -2 suffixes for repeats) and explicit anchors."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    out: set[str] = set(ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for h in HEADING.findall(text):
        s = slug(h)
        k = seen.get(s, 0)
        out.add(s if k == 0 else f"{s}-{k}")
        seen[s] = k + 1
    return out


def link_targets(text: str) -> list[str]:
    """Targets of Markdown links and images, outside code blocks and inline code."""
    text = INLINE_CODE.sub("", FENCE.sub("", text))
    return LINK.findall(text) + REF_LINK.findall(text)


def link_problem(source: Path, target: str, root: Path = ROOT) -> str | None:
    """Why a link from ``source`` does not resolve inside ``root``, or None if it does."""
    if re.match(r"^(https?|mailto):", target):
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("/"):
        return f"{target!r} is neither a web address nor a path inside the repository"
    path_part, _, fragment = target.partition("#")
    dest = (source.parent / path_part).resolve() if path_part else source.resolve()
    if not dest.is_relative_to(root.resolve()):
        return f"{target!r} points outside the repository"
    if not dest.exists():
        return f"{target!r}: no such file in the repository"
    if fragment and dest.suffix == ".md" and fragment not in anchors(dest):
        return f"{target!r}: {dest.name} has no heading or anchor #{fragment}"
    return None


# -- mechanic numbers ---------------------------------------------------------------------------


def test_the_mechanic_pattern_finds_numbers_and_skips_lookalikes():
    text = "M10 and M11a (M7.3); see M1-M16, O2. Not: sha3M10x, BM25, 'M7.' ends M7, H2O2, m10."
    assert mechanic_refs(text) == {"M10", "M11a", "M7.3", "M1", "M16", "O2", "M7"}


def test_every_mechanic_number_cited_has_an_entry_in_mechanics_md():
    defined = set(ANCHOR.findall(MECHANICS.read_text(encoding="utf-8")))
    missing = []
    for path in _files(CITING):
        for ref in sorted(mechanic_refs(_text_of(path))):
            if anchor_of(ref) not in defined:
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert not missing, "cited but not in docs/mechanics.md: " + "; ".join(missing)


def test_mechanics_md_has_every_reported_and_official_rule_with_its_label():
    text = MECHANICS.read_text(encoding="utf-8")
    defined = set(ANCHOR.findall(text))
    expected = {f"m{i}" for i in range(1, 17)} | {f"o{i}" for i in range(1, 8)}
    expected |= {"m7a", "m11a", "m13a"} | {f"m7-{i}" for i in range(1, 6)}
    assert expected <= defined, sorted(expected - defined)
    # the reported / assumed / rumour / concern distinction stays visible in each entry
    for ref, label in [("M10", "(R)"), ("M11a", "(A)"), ("M14", "(rumour)"), ("M15", "(concern)")]:
        assert f"**{ref} {label}" in text, (ref, label)


def test_a_citation_without_an_entry_is_reported(tmp_path):
    # the check above can fail: a number with no entry is not among the anchors
    defined = set(ANCHOR.findall(MECHANICS.read_text(encoding="utf-8")))
    refs = mechanic_refs("stage cites M17 and O9 and M10")
    assert {r for r in refs if anchor_of(r) not in defined} == {"M17", "O9"}


# -- links --------------------------------------------------------------------------------------


def test_github_heading_slugs():
    assert slug("4. Normalisation (M7a, assumed) — `scoring/normalise.py`") == (
        "4-normalisation-m7a-assumed--scoringnormalisepy"
    )
    assert slug("Experiment executors (`bench_executors.py`)") == (
        "experiment-executors-bench_executorspy"
    )


def test_link_problems_are_found(tmp_path):
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "a.md"
    page.write_text("# Top\n\n## Second part\n")
    assert link_problem(page, "../shared/MECHANICS.md", tmp_path) is not None  # escapes
    assert link_problem(page, "b.md", tmp_path) is not None  # missing
    assert link_problem(page, "a.md#nowhere", tmp_path) is not None  # missing anchor
    assert link_problem(page, "/etc/passwd", tmp_path) is not None
    assert link_problem(page, "file:///etc/passwd", tmp_path) is not None
    assert link_problem(page, "a.md#second-part", tmp_path) is None
    assert link_problem(page, "#top", tmp_path) is None
    assert link_problem(page, "https://example.org/x", tmp_path) is None
    assert link_targets("see [x](a.md) and `[y](b.md)`\n```\n[z](c.md)\n```\n") == ["a.md"]


def test_every_relative_link_resolves_inside_the_repository():
    problems = []
    for path in _files(LINKING):
        for target in link_targets(path.read_text(encoding="utf-8")):
            why = link_problem(path, target)
            if why:
                problems.append(f"{path.relative_to(ROOT)}: {why}")
    assert not problems, "\n".join(problems)


# -- quoted numbers -----------------------------------------------------------------------------


def _doc_numbers():
    spec = importlib.util.spec_from_file_location("doc_numbers", ROOT / "docs" / "doc_numbers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("doc_numbers", module)
    spec.loader.exec_module(module)
    return module


def test_cheap_quoted_numbers_match_their_commands():
    dn = _doc_numbers()
    problems = dn.run(dn.markdown_files(), write=False, cheap_only=True, log=lambda s: None)
    assert not problems, "\n".join(problems) + "\nregenerate: python docs/doc_numbers.py --write"


def test_every_declared_block_is_quoted_somewhere():
    dn = _doc_numbers()
    quoted = {f.name for p in dn.markdown_files() for f in dn.find_blocks(p)}
    assert quoted == set(dn.BLOCKS), set(dn.BLOCKS) ^ quoted


def test_the_checker_reports_and_rewrites_a_stale_block(tmp_path):
    dn = _doc_numbers()
    registry = {"two": dn.Block("two", lambda: "| a | 2 |", True, "test")}
    page = tmp_path / "page.md"
    command = registry["two"].command
    page.write_text(
        f"Text.\n\nFrom `{command}`:\n<!-- numbers: two -->\n| a | 3 |\n<!-- /numbers -->\n"
    )
    problems = dn.run([page], write=False, registry=registry, log=lambda s: None)
    assert len(problems) == 1 and "'two'" in problems[0] and "'| a | 3 |'" in problems[0]
    dn.run([page], write=True, registry=registry, log=lambda s: None)
    assert "<!-- numbers: two -->\n| a | 2 |\n<!-- /numbers -->" in page.read_text()
    assert dn.run([page], write=False, registry=registry, log=lambda s: None) == []


@pytest.mark.parametrize(
    "body",
    [
        "From `python docs/doc_numbers.py --print two`:\n<!-- numbers: two -->\nx\n",  # unclosed
        "No command here.\n<!-- numbers: two -->\nx\n<!-- /numbers -->\n",
        "From `python docs/doc_numbers.py --print other`:\n<!-- numbers: other -->\n"
        "x\n<!-- /numbers -->\n",  # undeclared
    ],
)
def test_malformed_blocks_are_errors_naming_the_file_and_line(tmp_path, body):
    dn = _doc_numbers()
    registry = {"two": dn.Block("two", lambda: "x", True, "test")}
    page = tmp_path / "page.md"
    page.write_text("# Page\n" + body)
    with pytest.raises(dn.BlockError, match=r"page\.md:\d+: "):
        dn.find_blocks(page, registry)
