"""The SOAP adapter: Spyne wire types, thin @rpc methods, faults and the WSGI front."""

from .. import spyne_compat

# Before any module of this package imports Spyne (see spyne_compat).
spyne_compat.install()
