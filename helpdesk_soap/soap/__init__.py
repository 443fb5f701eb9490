"""The SOAP adapter: Spyne wire types, thin @rpc methods, faults and the WSGI front."""
