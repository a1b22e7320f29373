"""The tiny test harness used by tests/integration/test_*.py.

A test is a module-level function named ``test_*`` taking one argument, the
test context ``t``.  A test passes when it returns without an exception and
without soft failures recorded through ``t.check``/``t.fail_soft``; it is
skipped by calling ``skip(reason)`` (or ``t.skip``).

Parametrised tests: decorate with ``@parametrize(fn)`` where ``fn()`` returns
a list of ``(param_id, kwargs)``; each becomes its own test
``module::test_name[param_id]`` and is called as ``test_name(t, **kwargs)``.
``fn`` is called at collection time, so it must be cheap and deterministic
(look at file names, never decompress or run anything).

``heavy=True`` marks tests left out by ``tests/run --quick``; ``weight`` is
a rough cost estimate the runner uses to start expensive tests first.
``serial`` (True, or a collection of param ids) marks cases that need much
memory: the runner never runs two of them at the same time.
"""

import inspect
import os
import tempfile
import traceback
from pathlib import Path


class Skip(Exception):
    """Raised to skip a test; the message is the reason shown."""


class SoftFailures(AssertionError):
    """Raised at the end of a test that recorded soft failures."""


def skip(reason):
    raise Skip(reason)


def parametrize(params_fn, heavy=False, weight=1.0, serial=False):
    """Declare a parametrised test (see the module docstring)."""

    def deco(fn):
        fn._mdf_params = params_fn
        fn._mdf_heavy = heavy
        fn._mdf_weight = weight
        fn._mdf_serial = serial
        return fn

    return deco


def heavy(weight=1.0):
    """Mark a plain (unparametrised) test as heavy."""

    def deco(fn):
        fn._mdf_heavy = True
        fn._mdf_weight = weight
        return fn

    return deco


class Context:
    """What a running test gets: a private temporary directory, a log for
    details shown when the test fails, and soft checks that let one test
    report several independent problems at once."""

    def __init__(self, name, tmp):
        self.name = name
        self.tmp = Path(tmp)
        self.errors = []
        self.notes = []

    def log(self, msg):
        """Record a detail shown with the result (always kept in the JSON
        result, printed for failures and with -v)."""
        self.notes.append(str(msg))

    def skip(self, reason):
        raise Skip(reason)

    def fail_soft(self, msg):
        self.errors.append(str(msg))

    def check(self, cond, msg):
        """Soft assertion: record @msg when @cond is false; returns @cond."""
        if not cond:
            self.errors.append(str(msg))
        return bool(cond)

    def check_equal(self, got, want, what):
        return self.check(got == want, f"{what}: got {got!r}, expected {want!r}")

    def finish(self):
        if self.errors:
            raise SoftFailures("\n".join(self.errors))


class TestCase:
    def __init__(self, module, func, param_id=None, kwargs=None):
        self.module = module
        self.func = func
        self.param_id = param_id
        self.kwargs = kwargs or {}
        self.heavy = getattr(func, "_mdf_heavy", False)
        self.weight = getattr(func, "_mdf_weight", 1.0)
        serial = getattr(func, "_mdf_serial", False)
        self.serial = serial if isinstance(serial, bool) else param_id in serial

    @property
    def name(self):
        base = f"{self.module}::{self.func.__name__}"
        return f"{base}[{self.param_id}]" if self.param_id is not None else base

    @property
    def doc(self):
        return inspect.getdoc(self.func) or ""


def collect_module(modname, mod):
    """All test cases of an imported module, in source order."""
    cases = []
    funcs = [
        f
        for n, f in vars(mod).items()
        if n.startswith("test_") and callable(f) and getattr(f, "__module__", None) == mod.__name__
    ]
    funcs.sort(key=lambda f: f.__code__.co_firstlineno)
    for f in funcs:
        pfn = getattr(f, "_mdf_params", None)
        if pfn is None:
            cases.append(TestCase(modname, f))
            continue
        for pid, kwargs in pfn():
            cases.append(TestCase(modname, f, pid, kwargs))
    return cases


def run_case(case, tmp_root=None):
    """Run one test in this process; returns a result dict."""
    tmp = tempfile.mkdtemp(prefix="t-", dir=tmp_root)
    t = Context(case.name, tmp)
    res = {"name": case.name, "status": "PASS", "reason": "", "details": "", "notes": []}
    try:
        case.func(t, **case.kwargs)
        t.finish()
    except Skip as e:
        res["status"] = "SKIP"
        res["reason"] = str(e)
    except SoftFailures as e:
        res["status"] = "FAIL"
        res["details"] = str(e)
    except AssertionError as e:
        res["status"] = "FAIL"
        prior = ("\n".join(t.errors) + "\n") if t.errors else ""
        res["details"] = prior + (str(e) or "assertion failed") + "\n" + _short_tb()
    except Exception:  # noqa: BLE001 - a crashing test is a failure
        res["status"] = "FAIL"
        prior = ("\n".join(t.errors) + "\n") if t.errors else ""
        res["details"] = prior + traceback.format_exc()
    finally:
        res["notes"] = t.notes
        if os.environ.get("MDF_TEST_KEEP_TMP") != "1":
            _rmtree(tmp)
        else:
            res["notes"].append(f"temporary files kept in {tmp}")
    return res


def _short_tb():
    """Where the assertion fired: the innermost frames, without the message."""
    import sys

    frames = traceback.extract_tb(sys.exc_info()[2])
    return "".join(traceback.format_list(frames[-2:])).rstrip()


def _rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)
