#!/usr/bin/env bash
# CreateCall with a raw SOAP 1.1 envelope and curl: no toolkit at all.
#   HELPDESK_URL=http://127.0.0.1:8080 HELPDESK_LOGIN=demo HELPDESK_PASSWORD=... \
#   HELPDESK_CUSTOMER_ID=DEMO bash examples/curl_create_call.sh
set -euo pipefail
curl --silent --show-error --max-time 30 "$HELPDESK_URL/helpdesk" \
  -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "CreateCall"' \
  --data-binary @- <<XML
<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
               xmlns:h="urn:helpdesk-soap:helpdesk:v1">
  <soap:Header>
    <wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
      <wsse:UsernameToken>
        <wsse:Username>$HELPDESK_LOGIN</wsse:Username>
        <wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">$HELPDESK_PASSWORD</wsse:Password>
      </wsse:UsernameToken>
    </wsse:Security>
  </soap:Header>
  <soap:Body>
    <h:CreateCall>
      <h:Call>
        <h:CustomerId>$HELPDESK_CUSTOMER_ID</h:CustomerId>
        <h:ExternalTicketId>INC0012347</h:ExternalTicketId>
        <h:Subject>Voicemail not reachable</h:Subject>
        <h:Description>Callers get a busy tone on the voicemail number.</h:Description>
        <h:Priority>Low</h:Priority>
        <h:Category>Question</h:Category>
      </h:Call>
    </h:CreateCall>
  </soap:Body>
</soap:Envelope>
XML
echo
