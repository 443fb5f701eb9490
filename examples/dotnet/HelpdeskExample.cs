// A .NET client for helpdesk-soap, from the proxy that wsdl.exe (Mono's `wsdl`) generates
// from the service's ?wsdl.
//
//     HELPDESK_URL=... HELPDESK_LOGIN=... HELPDESK_PASSWORD=... HELPDESK_CUSTOMER_ID=... \
//     PROPOSED_CALL_ID=... bash examples/dotnet/build.sh
//
// The proxy uses the wrapped style: every operation takes its parameters and returns its
// result (CreateCallResult CreateCall(NewCall Call)). The Session SOAP header is the proxy's
// SessionValue property; it is sent with every call while it is set.

using System;
using System.IO;
using System.Text;
using System.Web.Services.Protocols;
using System.Xml;
using System.Xml.Serialization;

// The detail every fault carries (wsdl.exe generates no types for faults): its element is
// named after the fault code (Client.CallNotFound: CallNotFoundFault), its content is this.
public class FaultDetail
{
    public const string Namespace = "urn:helpdesk-soap:helpdesk:v1";

    [XmlElement(Namespace = Namespace)] public string Code;
    [XmlElement(Namespace = Namespace)] public string Field;
    [XmlElement(Namespace = Namespace)] public long? Limit;

    public static FaultDetail From(SoapException e)
    {
        XmlElement element = e.Detail == null ? null : e.Detail.FirstChild as XmlElement;
        if (element == null || element.NamespaceURI != Namespace) return null;
        XmlRootAttribute root = new XmlRootAttribute(element.LocalName) { Namespace = Namespace };
        XmlSerializer serializer = new XmlSerializer(typeof(FaultDetail), root);
        return (FaultDetail)serializer.Deserialize(new XmlNodeReader(element));
    }
}

public static class HelpdeskExample
{
    static string Env(string name)
    {
        string value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value)) throw new InvalidOperationException(name + " is not set");
        return value;
    }

    public static int Main()
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        HelpdeskService client = new HelpdeskService();
        client.Url = Env("HELPDESK_URL").TrimEnd('/') + "/helpdesk";

        // 1. Login (no Session header yet), then send its token with every call.
        SessionInfo session = client.Login(Env("HELPDESK_LOGIN"), Env("HELPDESK_PASSWORD"));
        client.SessionValue = new Session { Token = session.Token };
        Console.WriteLine("Login ok, role " + session.Role + ", expires " + session.ExpiresAt.ToString("o"));

        // 2. CreateCall. TechnicalSupport also needs AffectedDomain and FirstOccurredAt (see
        //    GetRequestTypes); an optional value-type field is sent only with its ...Specified.
        string subject = "Telefonanlage gestört ✈ Ärger über Störung — 東京";
        NewCall call = new NewCall {
            CustomerId = Env("HELPDESK_CUSTOMER_ID"),
            Subject = subject,
            Description = "Seit heute früh kein Freizeichen.",
            Priority = Priority.Medium,
            Category = Category.TechnicalSupport,
            AffectedDomain = "pbx.halle4.example",
            FirstOccurredAt = new DateTime(2026, 11, 23, 6, 40, 0, DateTimeKind.Utc),
            FirstOccurredAtSpecified = true,
            Components = new string[] { "PBX" },
        };
        CreateCallResult created = client.CreateCall(call);
        long callId = created.CallId;  // xs:long -> long
        Console.WriteLine("CallId " + callId + " status " + created.Status.Code);

        // 3. GetCallData: the non-ASCII subject comes back unchanged.
        CallDataResult data = client.GetCallData(callId);
        Console.WriteLine("Subject " + data.Subject);
        if (data.Subject != subject || data.CallId != callId) {
            Console.WriteLine("roundtrip FAILED: sent " + subject + ", got " + data.Subject);
            return 1;
        }
        Console.WriteLine("roundtrip ok");

        // 4. An unknown call: a SoapException whose Code is the fault code and whose Detail
        //    holds <tns:CallNotFoundFault><tns:Code>Client.CallNotFound</tns:Code>...
        try {
            client.GetCallData(999999999L);
            Console.WriteLine("no fault for CallId 999999999");
            return 1;
        } catch (SoapException e) {
            FaultDetail detail = FaultDetail.From(e);
            Console.WriteLine("fault " + e.Code.Name + " detail " + e.Detail.FirstChild.LocalName
                              + " code " + (detail == null ? "none" : detail.Code));
        }

        // 5. Accept the solution the helpdesk proposed on another call.
        long proposed = long.Parse(Env("PROPOSED_CALL_ID"));
        SolutionAcceptanceResult answer = client.SetSolutionAcceptance(proposed, true, "Works again, thanks.");
        Console.WriteLine("accepted " + answer.SolutionState + " changed " + answer.Changed);

        // 6. Logout ends the session.
        client.Logout();
        Console.WriteLine("done");
        return 0;
    }
}
