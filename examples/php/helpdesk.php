<?php
// The helpdesk from PHP's SoapClient: sessions, WS-Security, faults, non-ASCII text.
//   HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... php helpdesk.php
// Optional: PROPOSED_CALL_ID (a call with a proposed solution, to accept), NEW_PASSWORD.
$url = getenv('HELPDESK_URL');
$login = getenv('HELPDESK_LOGIN');
$password = getenv('HELPDESK_PASSWORD');
$ns = 'urn:helpdesk-soap:helpdesk:v1';
$client = new SoapClient("$url/helpdesk?wsdl", [
    'trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE,
    'location' => "$url/helpdesk", 'connection_timeout' => 10, 'encoding' => 'UTF-8',
]);

$session = $client->Login(['LoginName' => $login, 'Password' => $password])->LoginResult;
echo "logged in as {$session->Role}\n";
$client->__setSoapHeaders([new SoapHeader($ns, 'Session', ['Token' => $session->Token])]);

$subject = 'Störung: Telefonanlage Halle 4 ✈ 🛠 Grüße';
$created = $client->CreateCall(['Call' => [
    'CustomerId' => getenv('HELPDESK_CUSTOMER_ID'), 'ExternalTicketId' => 'PHP-' . bin2hex(random_bytes(6)),
    'Subject' => $subject, 'Description' => 'Kein Freizeichen seit 07:40.', 'Priority' => 'High',
    'Category' => 'TechnicalSupport',  // which needs these two as well (see GetRequestTypes):
    'FirstOccurredAt' => '2026-11-23T07:40:00+01:00', 'AffectedDomain' => 'pbx.halle4.example',
]])->CreateCallResult;
echo "CallId {$created->CallId} status {$created->Status->Code}\n";
$data = $client->GetCallData(['CallId' => $created->CallId])->GetCallDataResult;
echo ($data->Subject === $subject ? "roundtrip ok" : "roundtrip BROKEN: {$data->Subject}") . "\n";

if (getenv('PROPOSED_CALL_ID')) {
    $answer = $client->SetSolutionAcceptance(['CallId' => (int) getenv('PROPOSED_CALL_ID'),
        'Accepted' => true, 'Comment' => 'Danke, läuft wieder ✓'])->SetSolutionAcceptanceResult;
    echo "accepted {$answer->SolutionState}\n";
}
try {
    $client->GetCallData(['CallId' => 999999999]);
    echo "no fault?\n";
} catch (SoapFault $fault) {
    $code = preg_replace('/^.*:/', '', $fault->faultcode);
    echo "fault $code\n";
}

// The same with a WS-Security UsernameToken instead of the session.
$wsse = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
$type = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
$security = sprintf('<wsse:Security xmlns:wsse="%s"><wsse:UsernameToken><wsse:Username>%s</wsse:Username>'
    . '<wsse:Password Type="%s">%s</wsse:Password></wsse:UsernameToken></wsse:Security>',
    $wsse, htmlspecialchars($login), $type, htmlspecialchars($password));
$client->__setSoapHeaders([new SoapHeader($wsse, 'Security', new SoapVar($security, XSD_ANYXML))]);
$again = $client->GetCallData(['CallId' => $created->CallId])->GetCallDataResult;
echo "wsse ok {$again->CallId}\n";

$client->__setSoapHeaders([new SoapHeader($ns, 'Session', ['Token' => $session->Token])]);
if (getenv('NEW_PASSWORD')) {
    $client->ChangePassword(['OldPassword' => $password, 'NewPassword' => getenv('NEW_PASSWORD')]);
    echo "password changed\n";
}
$client->Logout();
echo "logged out\n";
