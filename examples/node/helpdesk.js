// The helpdesk from Node.js with the `soap` package: sessions, WS-Security, faults, non-ASCII text.
//   npm install && HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... node helpdesk.js
// Optional: PROPOSED_CALL_ID (a call with a proposed solution, to accept), NEW_PASSWORD.
const soap = require('soap');
const crypto = require('crypto');

const env = process.env;
const NS = 'urn:helpdesk-soap:helpdesk:v1';

async function main() {
  const client = await soap.createClientAsync(`${env.HELPDESK_URL}/helpdesk?wsdl`,
    { endpoint: `${env.HELPDESK_URL}/helpdesk`, wsdl_options: { timeout: 10000 } });
  const sessionHeader = (token) => `<h:Session xmlns:h="${NS}"><h:Token>${token}</h:Token></h:Session>`;

  const [login] = await client.LoginAsync({ LoginName: env.HELPDESK_LOGIN, Password: env.HELPDESK_PASSWORD });
  const token = login.LoginResult.Token;
  console.log(`logged in as ${login.LoginResult.Role}`);
  client.addSoapHeader(sessionHeader(token));

  const subject = 'Störung: Telefonanlage Halle 4 ✈ 🛠 Grüße';
  const [created] = await client.CreateCallAsync({ Call: {
    CustomerId: env.HELPDESK_CUSTOMER_ID, ExternalTicketId: `NODE-${crypto.randomBytes(6).toString('hex')}`,
    Subject: subject, Description: 'Kein Freizeichen seit 07:40.', Priority: 'High',
    Category: 'TechnicalSupport', // which needs these two as well (see GetRequestTypes):
    FirstOccurredAt: '2026-11-23T07:40:00+01:00', AffectedDomain: 'pbx.halle4.example' } });
  const callId = created.CreateCallResult.CallId;
  console.log(`CallId ${callId} status ${created.CreateCallResult.Status.Code}`);
  const [data] = await client.GetCallDataAsync({ CallId: callId });
  console.log(data.GetCallDataResult.Subject === subject ? 'roundtrip ok' : `roundtrip BROKEN: ${data.GetCallDataResult.Subject}`);

  if (env.PROPOSED_CALL_ID) {
    const [answer] = await client.SetSolutionAcceptanceAsync({ CallId: env.PROPOSED_CALL_ID, Accepted: true,
      Comment: 'Danke, läuft wieder ✓' });
    console.log(`accepted ${answer.SetSolutionAcceptanceResult.SolutionState}`);
  }
  try {
    await client.GetCallDataAsync({ CallId: 999999999 });
    console.log('no fault?');
  } catch (err) {
    const code = String(err.root.Envelope.Body.Fault.faultcode).replace(/^.*:/, '');
    console.log(`fault ${code}`);
  }

  // The same with a WS-Security UsernameToken instead of the session.
  client.clearSoapHeaders();
  client.setSecurity(new soap.WSSecurity(env.HELPDESK_LOGIN, env.HELPDESK_PASSWORD,
    { passwordType: 'PasswordText', hasTimeStamp: false, hasNonce: false }));
  const [again] = await client.GetCallDataAsync({ CallId: callId });
  console.log(`wsse ok ${again.GetCallDataResult.CallId}`);
  client.setSecurity(null);

  client.addSoapHeader(sessionHeader(token));
  if (env.NEW_PASSWORD) {
    await client.ChangePasswordAsync({ OldPassword: env.HELPDESK_PASSWORD, NewPassword: env.NEW_PASSWORD });
    console.log('password changed');
  }
  await client.LogoutAsync({});
  console.log('logged out');
}

main().catch((err) => { console.error(err.message || err); process.exit(1); });
