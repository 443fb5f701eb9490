"""The helpdesk from plain zeep: sessions, WS-Security, faults, non-ASCII text.

    HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... python python_zeep.py
Optional: PROPOSED_CALL_ID (a call with a proposed solution, to accept), NEW_PASSWORD.
"""

import os
import uuid

from zeep import Client
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

env = os.environ
client = Client(f"{env['HELPDESK_URL']}/helpdesk?wsdl")
service = client.create_service("{urn:helpdesk-soap:helpdesk:v1}Helpdesk", f"{env['HELPDESK_URL']}/helpdesk")

session = service.Login(LoginName=env["HELPDESK_LOGIN"], Password=env["HELPDESK_PASSWORD"])
print(f"logged in as {session.Role}")
headers = {"_soapheaders": {"Session": {"Token": session.Token}}}

subject = "Störung: Telefonanlage Halle 4 ✈ 🛠 Grüße"
created = service.CreateCall(Call={
    "CustomerId": env["HELPDESK_CUSTOMER_ID"], "ExternalTicketId": f"ZEEP-{uuid.uuid4().hex[:12]}",
    "Subject": subject, "Description": "Kein Freizeichen seit 07:40.", "Priority": "High",
    "Category": "TechnicalSupport",  # which needs these two as well (see GetRequestTypes):
    "FirstOccurredAt": "2026-11-23T07:40:00+01:00", "AffectedDomain": "pbx.halle4.example"}, **headers)
print(f"CallId {created.CallId} status {created.Status.Code}")
data = service.GetCallData(CallId=created.CallId, **headers)
print("roundtrip ok" if data.Subject == subject else f"roundtrip BROKEN: {data.Subject}")

if env.get("PROPOSED_CALL_ID"):
    answer = service.SetSolutionAcceptance(CallId=int(env["PROPOSED_CALL_ID"]), Accepted=True,
                                           Comment="Danke, läuft wieder ✓", **headers)
    print(f"accepted {answer.SolutionState}")
try:
    service.GetCallData(CallId=999999999, **headers)
    print("no fault?")
except Fault as fault:
    print(f"fault {fault.code.split(':')[-1]}")

# The same with a WS-Security UsernameToken instead of the session.
secured = Client(f"{env['HELPDESK_URL']}/helpdesk?wsdl",
                 wsse=UsernameToken(env["HELPDESK_LOGIN"], env["HELPDESK_PASSWORD"]))
print(f"wsse ok {secured.service.GetCallData(CallId=created.CallId).CallId}")

if env.get("NEW_PASSWORD"):
    service.ChangePassword(OldPassword=env["HELPDESK_PASSWORD"], NewPassword=env["NEW_PASSWORD"], **headers)
    print("password changed")
service.Logout(**headers)
print("logged out")
