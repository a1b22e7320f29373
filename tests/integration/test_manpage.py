"""--help and man/makedumpfile.8 list the same options, and both list every
option the command-line parser accepts (cli/options.c: getopt's short
options and the long-option table); the man page renders without
warnings."""

import re
import shutil
import subprocess

import fixtures
import tools
from harness import skip

REPO = fixtures.REPO
OPT = re.compile(r"(?<![\w\-/])(--?[A-Za-z][A-Za-z0-9_\-]*)")


def _parser_options():
    src = (REPO / "cli" / "options.c").read_text()
    longs = set("--" + n for n in re.findall(r'\{\s*"([a-z_\-]+)",\s*(?:no|required|optional)_argument', src))
    m = re.search(r'getopt_long\(argc, argv, "([^"]+)"', src)
    assert m, "getopt_long option string not found in cli/options.c"
    shorts = set("-" + c for c in m.group(1) if c.isalnum())
    return longs | shorts


def _help_options():
    r = tools.run_tool(tools.require_ours(), ["--help"])
    assert r.rc == 0, r.describe()
    return set(OPT.findall(r.stdout))


def _man_options():
    text = (REPO / "man" / "makedumpfile.8").read_text()
    sec = text[text.index(".SH OPTIONS"):text.index("\n.SH ", text.index(".SH OPTIONS") + 1)]
    out = set()
    for line in sec.replace("\\-", "-").splitlines():
        # options are named on the macro lines of the list and of the
        # "Not available" paragraph
        if line.startswith((".B", ".I", ".TP", ".TQ")):
            out |= set(OPT.findall(line.replace('"', " ")))
    return out


def test_help_and_man_list_the_same_options(t):
    parser = _parser_options()
    helped = _help_options() & parser
    manned = _man_options() & parser
    t.check(not parser - helped, f"options missing from --help: {sorted(parser - helped)}")
    t.check(not parser - manned, f"options missing from the man page: {sorted(parser - manned)}")
    t.check_equal(sorted(helped), sorted(manned), "options of --help vs man page")
    t.log(f"{len(parser)} options")


def test_man_page_renders_cleanly(t):
    if not shutil.which("man"):
        skip("man is not installed")
    for page in sorted((REPO / "man").glob("*.[0-9]")):
        r = subprocess.run(["man", "--warnings", "-l", str(page)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin"})
        t.check(r.returncode == 0 and not r.stderr.strip(), f"{page.name}: {r.stderr[:1000]}")
