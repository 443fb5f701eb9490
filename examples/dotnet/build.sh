#!/usr/bin/env bash
# Generate a .NET proxy from the live service description with wsdl.exe (Mono's `wsdl`),
# compile HelpdeskExample.cs against it with `mcs` and run it with `mono`. Needs Debian's
# `mono-devel` package (wsdl, mcs, mono and System.Web.Services); see docs/interop.md.
#
#     HELPDESK_URL=http://127.0.0.1:8000 HELPDESK_LOGIN=... HELPDESK_PASSWORD=... \
#     HELPDESK_CUSTOMER_ID=... PROPOSED_CALL_ID=... bash examples/dotnet/build.sh
#
# PROPOSED_CALL_ID names a call of the login's customer with a proposed solution, which the
# example accepts. The generated code goes to a temporary directory (removed afterwards), or
# to $HELPDESK_DOTNET_BUILD_DIR if set (kept, for reading the generated proxy).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${HELPDESK_URL:?HELPDESK_URL is not set}"
url="${url%/}"

missing=()
for tool in wsdl mcs mono; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: missing ${missing[*]}: apt-get install mono-devel" >&2
    exit 2
fi

if [ -n "${HELPDESK_DOTNET_BUILD_DIR:-}" ]; then
    build="$HELPDESK_DOTNET_BUILD_DIR"
    mkdir -p "$build"
else
    build="$(mktemp -d)"
    trap 'rm -rf "$build"' EXIT
fi

# The proxy class HelpdeskService, with one method per operation (wrapped style:
# CreateCallResult CreateCall(NewCall Call)) and the Session header as SessionValue.
wsdl -nologo -language:CS -out:"$build/HelpdeskService.cs" "$url/helpdesk?wsdl"
mcs -nologo -warnaserror+ -r:System.Web.Services.dll -r:System.Xml.dll \
    -out:"$build/HelpdeskExample.exe" "$build/HelpdeskService.cs" "$here/HelpdeskExample.cs"
mono "$build/HelpdeskExample.exe"
