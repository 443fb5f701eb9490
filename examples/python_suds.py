"""The helpdesk from suds-community: sessions, WS-Security, faults, non-ASCII text.

    HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... python python_suds.py
Optional: PROPOSED_CALL_ID (a call with a proposed solution, to accept), NEW_PASSWORD.
"""

import os
import uuid

from suds import WebFault
from suds.client import Client
from suds.sax.element import Element
from suds.wsse import Security, UsernameToken

env = os.environ
NS = ("h", "urn:helpdesk-soap:helpdesk:v1")
client = Client(f"{env['HELPDESK_URL']}/helpdesk?wsdl", location=f"{env['HELPDESK_URL']}/helpdesk",
                timeout=30, cache=None)


def session_header(token):
    header = Element("Session", ns=NS)
    header.append(Element("Token", ns=NS).setText(token))
    return header


session = client.service.Login(env["HELPDESK_LOGIN"], env["HELPDESK_PASSWORD"])
print(f"logged in as {session.Role}")
client.set_options(soapheaders=session_header(session.Token))

subject = "Störung: Telefonanlage Halle 4 ✈ 🛠 Grüße"
call = client.factory.create("NewCall")
call.CustomerId, call.ExternalTicketId = env["HELPDESK_CUSTOMER_ID"], f"SUDS-{uuid.uuid4().hex[:12]}"
call.Subject, call.Priority, call.Category = subject, "High", "TechnicalSupport"
# What TechnicalSupport requires besides Subject, Description and Priority (see GetRequestTypes).
call.Description = "Kein Freizeichen seit 07:40."
call.AffectedDomain, call.FirstOccurredAt = "pbx.halle4.example", "2026-11-23T07:40:00+01:00"
created = client.service.CreateCall(call)
print(f"CallId {created.CallId} status {created.Status.Code}")
data = client.service.GetCallData(created.CallId)
print("roundtrip ok" if data.Subject == subject else f"roundtrip BROKEN: {data.Subject}")

if env.get("PROPOSED_CALL_ID"):
    answer = client.service.SetSolutionAcceptance(int(env["PROPOSED_CALL_ID"]), True, "Danke, läuft wieder ✓")
    print(f"accepted {answer.SolutionState}")
try:
    client.service.GetCallData(999999999)
    print("no fault?")
except WebFault as fault:
    print(f"fault {fault.fault.faultcode.split(':')[-1]}")

# The same with a WS-Security UsernameToken instead of the session.
security = Security()
security.tokens.append(UsernameToken(env["HELPDESK_LOGIN"], env["HELPDESK_PASSWORD"]))
client.set_options(soapheaders=(), wsse=security)
print(f"wsse ok {client.service.GetCallData(created.CallId).CallId}")

client.set_options(wsse=None, soapheaders=session_header(session.Token))
if env.get("NEW_PASSWORD"):
    client.service.ChangePassword(env["HELPDESK_PASSWORD"], env["NEW_PASSWORD"])
    print("password changed")
client.service.Logout()
print("logged out")
