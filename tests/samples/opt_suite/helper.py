# -*- coding: utf-8 -*-
# -*- test-case-name: test_basic.Basic.test_ok, test_basic.Basic.test_skip -*-
"""Not a test module: its Emacs header names its tests (--testmodule)."""
