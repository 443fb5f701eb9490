// A Java client for helpdesk-soap, from stubs that `wsimport` generates from wsdl/helpdesk.wsdl.
//
//     HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... \
//     bash examples/java/build.sh
//
// build.sh runs `wsimport -p helpdesk.generated -XadditionalHeaders`, so the Session SOAP header
// declared in the WSDL is the last parameter of every operation (pass null where none is wanted).

import helpdesk.generated.CallDataResult;
import helpdesk.generated.CallNotFoundFault_Exception;
import helpdesk.generated.Category;
import helpdesk.generated.CreateCallResult;
import helpdesk.generated.Helpdesk;
import helpdesk.generated.HelpdeskService;
import helpdesk.generated.NewCall;
import helpdesk.generated.Priority;
import helpdesk.generated.Session;
import helpdesk.generated.SessionInfo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.soap.SOAPFaultException;

public final class HelpdeskExample {

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String url = env("HELPDESK_URL").replaceAll("/+$", "");

        // The service description is read from the WSDL compiled into the stubs (no ?wsdl fetch);
        // the endpoint is the real server's, not the WSDL's soap:address (localhost:8080).
        Helpdesk port = new HelpdeskService().getHelpdesk();
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, url + "/helpdesk");

        // 1. Login: no Session header yet.
        SessionInfo info = port.login(env("HELPDESK_LOGIN"), env("HELPDESK_PASSWORD"), null);
        Session session = new Session();
        session.setToken(info.getToken());
        out.println("Login ok, role " + info.getRole().value() + ", expires " + info.getExpiresAt());

        // 2. CreateCall with the Session header.
        String subject = "Telefonanlage gestört ✈ Ärger über Störung — 東京";
        NewCall call = new NewCall();
        call.setCustomerId(env("HELPDESK_CUSTOMER_ID"));
        call.setSubject(subject);
        call.setDescription("Seit heute früh kein Freizeichen.");
        call.setPriority(Priority.MEDIUM);
        call.setCategory(Category.TECHNICAL_SUPPORT);
        // TechnicalSupport also needs these two (see GetRequestTypes).
        call.setAffectedDomain("pbx.halle4.example");
        call.setFirstOccurredAt(javax.xml.datatype.DatatypeFactory.newInstance()
                .newXMLGregorianCalendar("2026-11-23T07:40:00+01:00"));
        call.getComponents().add("PBX");
        CreateCallResult created = port.createCall(call, session);
        long callId = created.getCallId();  // xs:long -> long
        out.println("CallId " + callId + " status " + created.getStatus().getCode());

        // 3. GetCallData on the new call: the non-ASCII subject must come back unchanged.
        CallDataResult data = port.getCallData(callId, session);
        out.println("Subject " + data.getSubject());
        if (!subject.equals(data.getSubject()) || data.getCallId() != callId) {
            out.println("roundtrip FAILED: sent " + subject + ", got " + data.getSubject());
            System.exit(1);
        }
        out.println("roundtrip ok");

        // 4. An unknown call: a SOAP fault with faultcode Client.CallNotFound and detail
        //    <tns:CallNotFoundFault><tns:Code>Client.CallNotFound</tns:Code></tns:CallNotFoundFault>.
        try {
            port.getCallData(999999999L, session);
            out.println("no fault for CallId 999999999");
            System.exit(1);
        } catch (CallNotFoundFault_Exception e) {
            // The WSDL declares this fault for GetCallData, so wsimport made it a checked
            // exception: getMessage() is the faultstring, getFaultInfo() the detail, whose Code
            // is the faultcode's local part (the faultcode QName itself is not exposed).
            out.println("fault " + e.getFaultInfo().getCode());
        } catch (SOAPFaultException e) {
            // Any fault the WSDL does not declare for the operation arrives as this instead.
            out.println("fault " + e.getFault().getFaultCodeAsQName().getLocalPart());
        }
        // 5. Logout ends the session.
        port.logout(session);
        out.println("done");
    }
}
