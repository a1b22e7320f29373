"""Fuzz corpora replayed as regression tests (issue 6).

Every fuzz target is also built with the ordinary compiler against the
library under test ($BUILD/fuzz-replay/fuzz_<target>, fuzz/replay.c in
place of libFuzzer).  Each test runs one target over its committed seeds
(fuzz/corpus/<target>), the minimised corpus the fuzzer learnt and every
input that once made it fail (fuzz/regress/<target>), and the tiny vmcores
and kdump files generated as seeds.  Passing means no crash, no hang and,
under make check-asan, no sanitizer report.
"""

import os
import subprocess
from pathlib import Path

import tools
from harness import parametrize, skip

REPO = tools.REPO
BUILD = Path(os.environ.get("BUILD") or (REPO / "build"))
TARGETS = ["elf", "kdump", "vmcoreinfo", "pgtable", "kernel", "options", "notes", "devmap",
           "btf", "kallsyms", "dwarf", "erase_config"]
# Generous: the whole set takes seconds; a hang would take forever.
TIMEOUT = 600
def _generated_seeds(t):
    """Seeds made by mkseeds and, for kdump, by our tool from them."""
    mkseeds = BUILD / "fuzz-replay" / "mkseeds"
    if not mkseeds.is_file():
        skip(f"{mkseeds} is not built (make fuzz-replay)")
    d = t.tmp / "seeds"
    subprocess.run([str(mkseeds), str(d)], check=True, stdout=subprocess.DEVNULL,
                   timeout=TIMEOUT)
    subprocess.run(["sh", str(REPO / "fuzz" / "kdump-seeds.sh"), str(tools.require_ours()),
                    str(d)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=TIMEOUT)
    return d


def _params():
    return [(name, {"target": name}) for name in TARGETS]


@parametrize(_params)
def test_replay(t, target):
    binary = BUILD / "fuzz-replay" / f"fuzz_{target}"
    if not binary.is_file():
        skip(f"{binary} is not built (make fuzz-replay)")
    dirs = [REPO / "fuzz" / "corpus" / target, REPO / "fuzz" / "regress" / target]
    gen = _generated_seeds(t) / target
    dirs.append(gen)
    dirs = [d for d in dirs if d.is_dir()]
    t.check(dirs, f"no inputs for fuzz_{target}")
    r = tools.run_tool(binary, dirs, timeout=TIMEOUT)
    t.log(r.describe(2000))
    t.check_equal(r.rc, 0, f"exit status of fuzz_{target} (a crash or a sanitizer report):\n"
                  + r.describe())
    t.check("input(s) replayed" in r.stdout, "no summary line:\n" + r.describe())
