"""The diff engine's own tests run on both diff kernels: fast_diff_match_patch's C++ and
the pure-Python fallback used where the C++ one cannot be imported (Python 3.13 and
later without a compiler), forced here whatever this machine has."""

from __future__ import annotations

import pytest

from feedback import textdiff as td

KERNELS = ("c++", "python")


@pytest.fixture(scope="module", params=KERNELS)
def diff_kernel(request: pytest.FixtureRequest):
    """Point feedback.textdiff at one kernel for a whole module's tests (a module opts in
    with ``pytestmark = pytest.mark.usefixtures("diff_kernel")``). Module-scoped, so
    hypothesis's tests may use it, and each module runs once per kernel."""
    try:
        kernel = td.load_kernel(request.param)
    except ImportError:
        pytest.skip("the C++ kernel (fast_diff_match_patch) is not installed here")
    saved, td._fdmp = td._fdmp, kernel
    try:
        yield kernel
    finally:
        td._fdmp = saved
