#!/bin/sh
# A load balancer's (or keepalived's, or Docker's HEALTHCHECK) readiness check:
# exit 0 while this instance can serve, non-zero otherwise. /readyz answers 503
# when the database does not answer within 2 s or its schema is not current.
# /healthz (the process answers) suits a liveness check: it never touches the database.
url="${HELPDESK_URL:-http://127.0.0.1:8080}"
exec curl --silent --show-error --fail --max-time 3 --output /dev/null "$url/readyz"
