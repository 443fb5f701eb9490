#!/usr/bin/env bash
# Generate JAX-WS stubs from wsdl/helpdesk.wsdl with wsimport, compile HelpdeskExample.java
# against them and run it. Needs a JDK (javac) and Debian's `jaxws` package (wsimport and the
# JAX-WS RI / JAXB RI runtime jars in /usr/share/java); see README.md.
#
#     HELPDESK_URL=http://127.0.0.1:8000 HELPDESK_LOGIN=... HELPDESK_PASSWORD=... \
#     HELPDESK_CUSTOMER_ID=... bash examples/java/build.sh
#
# The generated code goes to a temporary directory (removed afterwards), or to
# $HELPDESK_JAVA_BUILD_DIR if set (kept, for reading the generated stubs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wsdl="$here/../../wsdl/helpdesk.wsdl"
java_lib="${JAVA_LIB:-/usr/share/java}"

missing=()
for tool in java javac wsimport; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -f "$java_lib/jaxws-rt.jar" ] || missing+=("$java_lib/jaxws-rt.jar")
if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: missing ${missing[*]}: apt-get install openjdk-17-jdk-headless jaxws" >&2
    exit 2
fi

if [ -n "${HELPDESK_JAVA_BUILD_DIR:-}" ]; then
    build="$HELPDESK_JAVA_BUILD_DIR"
    rm -rf "$build/src" "$build/classes"
else
    build="$(mktemp -d)"
    trap 'rm -rf "$build"' EXIT
fi
mkdir -p "$build/src" "$build/classes/helpdesk/generated"

# The stubs read the WSDL as a class-path resource (no ?wsdl fetch at run time); the address
# in it is replaced by HELPDESK_URL in HelpdeskExample.java.
cp "$wsdl" "$build/classes/helpdesk/generated/helpdesk.wsdl"
wsimport -quiet -Xnocompile -keep -encoding UTF-8 -s "$build/src" -d "$build/classes" \
    -p helpdesk.generated -XadditionalHeaders -wsdllocation helpdesk.wsdl "$wsdl"

# jaxws-rt.jar's manifest Class-Path names the rest (JAXB RI, SAAJ, StAX, FastInfoset...);
# the API jars are listed too so that javac sees them without following manifests.
cp="$java_lib/jaxws-rt.jar:$java_lib/jaxws-api.jar:$java_lib/jaxb-api.jar:$java_lib/jws-api.jar"
cp="$cp:$java_lib/jaxb-runtime.jar:$java_lib/javax.xml.soap-api.jar:$java_lib/saaj-impl.jar"
javac -encoding UTF-8 -nowarn -cp "$cp" -d "$build/classes" \
    $(find "$build/src" -name '*.java') "$here/HelpdeskExample.java"

# SAAJMetaFactory: silences SAAJ 1.4's warning about the deprecated MetaFactory service entry.
java -Dfile.encoding=UTF-8 \
    -Djavax.xml.soap.SAAJMetaFactory=com.sun.xml.messaging.saaj.soap.SAAJMetaFactoryImpl \
    -cp "$build/classes:$cp" HelpdeskExample
