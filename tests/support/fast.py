"""For tests of the store's fast path's own mechanics (store/fast/). Off the fast path
(HELPDESK_STORE_FAST=0, how CI runs the suite the second time) they are skipped; every
other test runs both ways. A statement count is not such a mechanic: where the paths
differ, the test pins each one's number (tests/support/statements.py counts them)."""

import pytest

from helpdesk_soap.store import fast

fast_path_only = pytest.mark.skipif(
    not fast.default(), reason="pins the store's fast path, switched off (HELPDESK_STORE_FAST=0)")
