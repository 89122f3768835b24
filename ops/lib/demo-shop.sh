#!/usr/bin/env bash
# ops/demo --shop woocommerce|opencart: the whole path against a MariaDB database laid out as the platform lays it
# out (its own DDL, the one the tests use), with orders written the way the platform writes them
# (ops/lib/shop_orders.py), and no code in the shop at all: no enqueue call; the workers' reconciler finds the paid
# orders by itself. The exporter writes only its own tables (onec_exporter_ledger, ...); the summary checks that the
# platform's tables are byte-for-byte what the shop wrote. It stops everything it started.
# Needs MariaDB (root without a password on 127.0.0.1:3306 by default) and Redis, and the mariadb client.
#   DEMO_ORDERS (default 120), DEMO_DATABASE (onec_demo_<shop>, recreated), DEMO_PREFIX ({onec:demo-<shop>}, emptied)
set -euo pipefail
shop="${1:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
case "$shop" in
  woocommerce) ddl=exporter/src/test/resources/shops/woocommerce-hpos.sql; prefix=wp_
    platform_tables="wp_wc_orders, wp_wc_order_addresses, wp_wc_order_operational_data, wp_woocommerce_order_items, wp_woocommerce_order_itemmeta, wp_wc_product_meta_lookup" ;;
  opencart) ddl=exporter/src/test/resources/shops/opencart-4.sql; prefix=oc_
    platform_tables="oc_order, oc_order_product, oc_order_total, oc_order_history, oc_order_status, oc_product" ;;
  *) echo "usage: ops/demo --shop woocommerce|opencart" >&2; exit 2 ;;
esac
source ops/lib/java.sh
onec_pick_java
source ops/lib/jar.sh

orders="${DEMO_ORDERS:-120}"
db="${DEMO_DATABASE:-onec_demo_$shop}"
emu_port="${DEMO_EMULATOR_PORT:-18088}"
sql=(mariadb --default-character-set=utf8mb4 -h "${DEMO_MARIADB_HOST:-127.0.0.1}" -P "${DEMO_MARIADB_PORT:-3306}"
  -u "${DEMO_MARIADB_USER:-root}")
export DATABASE_URL="jdbc:mariadb://${DEMO_MARIADB_HOST:-127.0.0.1}:${DEMO_MARIADB_PORT:-3306}/$db"
export DATABASE_USER="${DEMO_MARIADB_USER:-root}"
export ORDER_SOURCE="$shop" SHOP_TABLE_PREFIX="$prefix"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export QUEUE_PREFIX="${DEMO_PREFIX:-{onec:demo-$shop\}}"
export ONEC_BASE_URL="http://127.0.0.1:$emu_port/unf"
export ONEC_USERNAME="Администратор" ONEC_PASSWORD="пароль"
export LOG_DIR="${LOG_DIR:-$root/logs}"
export LEASE_SECONDS=10 CIRCUIT_OPEN_SECONDS=3 RECONCILE_INTERVAL_SECONDS=2 RECONCILE_MIN_AGE_SECONDS=0
export EMULATOR_PORT="$emu_port" EMULATOR_USERNAME="$ONEC_USERNAME" EMULATOR_PASSWORD="$ONEC_PASSWORD"
export EMULATOR_LATENCY_MS=30

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }

step "Building what is missing"
cli_jar=$(onec_jar cli); emulator_jar=$(onec_jar onec-emulator)
mkdir -p "$LOG_DIR"

step "Fresh database $db laid out as $shop lays it out ($ddl); the exporter's own tables by migrate"
"${sql[@]}" -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
grep -v '^--' "$ddl" | sed "s/{prefix}/$prefix/g" | "${sql[@]}" "$db"
java -jar "$cli_jar" migrate
redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_PREFIX*" | while read -r k; do redis-cli -u "$REDIS_URL" DEL "$k" >/dev/null; done

step "The shop records $orders orders as $shop does: most paid, some pending or cancelled, some without a usable phone"
python3 ops/lib/shop_orders.py "$shop" "$orders" "$prefix" | "${sql[@]}" "$db"
before=$("${sql[@]}" -N "$db" -e "CHECKSUM TABLE $platform_tables" | md5sum)
read -r paid invalid < <(python3 -c "
n=int('$orders'); paid=[i for i in range(1,n+1) if i%17 and i%23]
print(len(paid), len([i for i in paid if i%29==0]))")

step "Starting the 1C emulator (:$emu_port) and two workers; nobody enqueues: the reconciler finds the paid orders"
java -jar "$emulator_jar" > "$LOG_DIR/demo-$shop-emulator.out" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$emu_port/_emulator/health" || { echo "emulator did not start" >&2; exit 1; }
WORKER_ID=demo-$shop-1 WORKER_HTTP_PORT=19090 java -jar "$cli_jar" worker > "$LOG_DIR/demo-$shop-worker-1.out" 2>&1 & pids+=($!)
WORKER_ID=demo-$shop-2 WORKER_HTTP_PORT=19091 java -jar "$cli_jar" worker > "$LOG_DIR/demo-$shop-worker-2.out" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:19090/health/ready" && wait_http "http://127.0.0.1:19091/health/ready" \
  || { echo "workers did not start, see $LOG_DIR/demo-$shop-worker-*.out" >&2; exit 1; }

step "Progress (exported in onec_exporter_ledger; expected $((paid - invalid)) of $paid paid, $invalid refused as invalid)"
exported=0
for _ in $(seq 1 180); do
  exported=$("${sql[@]}" -N "$db" -e "SELECT COUNT(*) FROM onec_exporter_ledger WHERE invoice_exported_to_1c")
  dlq=$(java -jar "$cli_jar" stats 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['dlq'])" || echo "?")
  printf '\r  exported %s   dlq %s   ' "$exported" "$dlq"
  [ "$exported" -ge $((paid - invalid)) ] && [ "$dlq" = "$invalid" ] && break
  sleep 1
done
echo

step "Summary"
in_1c=$(curl -fs -u "$ONEC_USERNAME:$ONEC_PASSWORD" "http://127.0.0.1:$emu_port/_emulator/invoices" | python3 -c "import json,sys; print(json.load(sys.stdin)['count'])")
numbers=$("${sql[@]}" -N "$db" -e "SELECT COUNT(DISTINCT invoice_number) FROM onec_exporter_ledger WHERE invoice_exported_to_1c")
after=$("${sql[@]}" -N "$db" -e "CHECKSUM TABLE $platform_tables" | md5sum)
echo "  orders: $orders; paid: $paid; exported (ledger): $exported with $numbers distinct invoice numbers; invoices in 1C: $in_1c"
echo "  DLQ, and why:"
java -jar "$cli_jar" dlq list 2>/dev/null | python3 -c "
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(f\"    order {e['order_id']:>5}  {e['reason']:<10} {e['last_error'][:100]}\")"
if [ "$before" = "$after" ]; then echo "  The platform's tables are unchanged (CHECKSUM TABLE before and after)."; else
  echo "  WARNING: the platform's tables changed"; fi
echo "  the ledger:  mariadb $db -e 'SELECT * FROM onec_exporter_ledger ORDER BY order_id LIMIT 5'"
ok=1
[ "$exported" -eq $((paid - invalid)) ] && [ "$in_1c" -eq $((paid - invalid)) ] && [ "$numbers" -eq "$exported" ] \
  && [ "$before" = "$after" ] || ok=0
[ "$ok" = 1 ] && echo "  OK" || { echo "  FAILED: see above"; exit 1; }
