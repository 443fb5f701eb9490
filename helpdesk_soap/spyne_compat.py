"""Lets Spyne 2.14 import on Python 3.12 and 3.13. A no-op on 3.11.

Spyne 2.14.0 (February 2022) is the last release. It vendors an old copy of
``six`` as ``spyne.util.six``, whose import hook uses ``find_module``, which
Python 3.12 removed: ``import spyne`` then fails with "No module named
'spyne.util.six.moves'". Upstream fixed it on master but never released the
fix (arskom/spyne issues #700, #708, #711). On 3.13, Spyne also imports the
removed ``cgi`` module; the ``legacy-cgi`` dependency (python_version >= 3.13)
provides it.

``install()`` puts an import hook in front of the vendored copy that serves
``spyne.util.six`` and its submodules from PyPI's maintained ``six``, plus
the one helper Spyne's copy added (``get_function_name``). Nothing in
site-packages is edited.

It must run before Spyne is first imported: ``helpdesk_soap.soap`` (the only
package that imports Spyne) calls it first thing. When a Spyne release imports
on 3.12, delete this module and that one call.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import operator
import sys
import types

VENDORED = "spyne.util.six"


class _SixAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == VENDORED or fullname.startswith(VENDORED + "."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        import six

        real = importlib.import_module("six" + spec.name[len(VENDORED):])
        # A proxy module that looks every name up on the real one (PEP 562). That
        # reaches six.moves' lazy attributes too, and leaves six's own modules as
        # they are.
        module = types.ModuleType(spec.name, real.__doc__)
        module.__getattr__ = functools.partial(getattr, real)
        if real is six:
            module.get_function_name = operator.attrgetter("__name__")
        return module

    def exec_module(self, module):
        pass


def needed() -> bool:
    return sys.version_info >= (3, 12)


def install() -> None:
    if not needed() or any(isinstance(f, _SixAlias) for f in sys.meta_path):
        return
    if "spyne" in sys.modules:
        raise RuntimeError("helpdesk_soap.spyne_compat.install() must run before Spyne is imported")
    sys.meta_path.insert(0, _SixAlias())
