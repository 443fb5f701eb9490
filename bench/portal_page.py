"""A page view against a GetCallData, over HTTP, against a live `helpdesk-soap serve`.

    python -m bench.portal_page URL LOGIN PASSWORD CALL_ID [N]

Logs in on the portal and over SOAP (Login, then the session token), then times N
sequential requests of each: GetCallData, the portal's call view and its overview. A quick
comparison, not the benchmark (bench/ measures that): run it on an idle machine.
"""

from __future__ import annotations

import re
import sys
import time

import requests

SOAP = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:t="{ns}"><soap:Header>{header}</soap:Header><soap:Body>{body}</soap:Body>'
        '</soap:Envelope>')
XML = {"Content-Type": "text/xml; charset=utf-8"}


def main(url: str, login: str, password: str, call_id: int, n: int = 300) -> None:
    web = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(f"{url}/login").text).group(1)
    answer = web.post(f"{url}/login", allow_redirects=False,
                      data={"identifier": login, "password": password, "csrf_token": token})
    assert answer.status_code == 302, "portal login failed"
    wsdl = requests.get(f"{url}/helpdesk?wsdl").text
    ns = re.search(r'targetNamespace="([^"]+)"', wsdl).group(1)
    soap = requests.Session()
    body = (f"<t:Login><t:LoginName>{login}</t:LoginName>"
            f"<t:Password>{password}</t:Password></t:Login>")
    reply = soap.post(f"{url}/helpdesk", data=SOAP.format(ns=ns, header="", body=body),
                      headers=XML)
    session = re.search(r"<(?:\w+:)?Token>([^<]+)<", reply.text).group(1)
    get_call_data = SOAP.format(
        ns=ns, header=f"<t:Session><t:Token>{session}</t:Token></t:Session>",
        body=f"<t:GetCallData><t:CallId>{call_id}</t:CallId></t:GetCallData>")

    def timed(name, request):
        for _ in range(20):
            request()
        start = time.perf_counter()
        for _ in range(n):
            assert request().status_code == 200, name
        per = (time.perf_counter() - start) / n * 1000
        print(f"{name}: {per:.2f} ms per request ({n} sequential)")

    timed("GetCallData (SOAP, session token)",
          lambda: soap.post(f"{url}/helpdesk", data=get_call_data, headers=XML))
    timed(f"GET /calls/{call_id} (portal call view)", lambda: web.get(f"{url}/calls/{call_id}"))
    timed("GET / (portal overview)", lambda: web.get(f"{url}/"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *(int(a) for a in sys.argv[5:6]))
