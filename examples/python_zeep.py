"""The same with plain zeep: any SOAP toolkit works from the WSDL alone.

    HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... \
    python examples/python_zeep.py
"""

import os

from zeep import Client
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

client = Client(f"{os.environ['HELPDESK_URL']}/helpdesk?wsdl",
                wsse=UsernameToken(os.environ["HELPDESK_LOGIN"], os.environ["HELPDESK_PASSWORD"]))
created = client.service.CreateCall(Call={
    "CustomerId": os.environ["HELPDESK_CUSTOMER_ID"], "ExternalTicketId": "INC0012346",
    "Subject": "Door alarm keeps triggering", "Priority": "Medium", "Category": "TechnicalSupport",
})
print(f"CallId {created.CallId} (created: {created.Created}, status {created.Status.Code})")
data = client.service.GetCallData(CallId=created.CallId)
print(f"{data.Subject}: {data.Status.Name}, solution {data.SolutionState}")
try:
    client.service.SetSolutionAcceptance(CallId=created.CallId, Accepted=True, Comment="ok")
except Fault as fault:
    print(f"fault {fault.code}: {fault.message}")  # Client.NoSolutionProposed until staff propose one
