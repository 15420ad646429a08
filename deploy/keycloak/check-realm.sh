#!/usr/bin/env bash
# Imports footfall-realm.json into a real Keycloak (keycloak-quarkus-dist from Maven Central, no Docker) and checks
# what the app relies on: a token per test user carrying exactly its role, a client-credentials token for
# footfall-service carrying "operator", 401 for a wrong password, the code flow allowed for http://localhost:8080/*
# and refused for another redirect URI or for the service client. Takes 3-5 minutes (Keycloak's first start).
#   deploy/keycloak/check-realm.sh            (from the repository root; needs Java 17+, curl, python3, unzip)
# Ports: KC_PORT (18180) and KC_MGMT_PORT (19100) on 127.0.0.1. Everything lives in a temp dir, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=${KEYCLOAK_VERSION:-26.5.6}
PORT=${KC_PORT:-18180}
MGMT=${KC_MGMT_PORT:-19100}
ZIP=$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$VERSION/keycloak-quarkus-dist-$VERSION.zip
[ -f "$ZIP" ] || ./mvnw -B -q dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:$VERSION:zip -Dtransitive=false
WORK=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT
unzip -q "$ZIP" -d "$WORK"
KC_HOME=$WORK/keycloak-$VERSION
mkdir -p "$KC_HOME/data/import"
cp deploy/keycloak/footfall-realm.json "$KC_HOME/data/import/"
KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
  "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$PORT" --http-management-port="$MGMT" \
  --health-enabled=true --import-realm > "$WORK/keycloak.log" 2>&1 &
PID=$!
for _ in $(seq 1 60); do
  curl -s -m 5 "http://127.0.0.1:$MGMT/health/ready" | grep -q '"UP"' && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/keycloak.log"; echo "Keycloak exited"; exit 1; }
  sleep 10
done
grep -q "Realm 'footfall' imported" "$WORK/keycloak.log" || { tail -50 "$WORK/keycloak.log"; echo "realm not imported"; exit 1; }

KC=http://127.0.0.1:$PORT/realms/footfall/protocol/openid-connect
failures=0
expect() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected $2, got $3"; failures=$((failures+1)); fi; }
roles() { python3 -c 'import sys,json,base64
t=json.load(sys.stdin)["access_token"].split(".")[1]; t+="="*(-len(t)%4)
print(",".join(sorted(json.loads(base64.urlsafe_b64decode(t))["realm_access"]["roles"])))'; }
status() { curl -s -m 20 -o /dev/null -w '%{http_code}' "$@"; }
for role in admin operator analyst plugin-developer; do
  expect "test-$role gets a token with role $role" "$role" "$(curl -s -m 20 "$KC/token" -d grant_type=password \
    -d client_id=footfall-app -d client_secret=footfall-app-test-secret -d username="test-$role" \
    -d password="test-$role-password" | roles)"
done
expect "footfall-service client credentials carry operator" operator "$(curl -s -m 20 "$KC/token" \
  -d grant_type=client_credentials -d client_id=footfall-service -d client_secret=footfall-service-test-secret | roles)"
expect "a wrong password is refused" 401 "$(status "$KC/token" -d grant_type=password -d client_id=footfall-app \
  -d client_secret=footfall-app-test-secret -d username=test-admin -d password=wrong)"
expect "code flow to http://localhost:8080/*" 200 "$(status "$KC/auth?client_id=footfall-app&response_type=code&scope=openid&redirect_uri=http://localhost:8080/admin/sign-in")"
expect "code flow to a foreign redirect URI is refused" 400 "$(status "$KC/auth?client_id=footfall-app&response_type=code&scope=openid&redirect_uri=http://attacker.invalid/cb")"
expect "no code flow for footfall-service" 400 "$(status "$KC/auth?client_id=footfall-service&response_type=code&scope=openid&redirect_uri=http://localhost:8080/x")"
echo "$((9 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
