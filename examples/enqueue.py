"""Queue a paid order's invoice export from a Python payment processor (standard library only).

Call on_payment_committed(order_id) after the payment's transaction commits. It never raises and never waits
more than TIMEOUT_SECONDS: if the enqueuer is slow or down, the payment goes on and the exporter's reconciler
queues the paid order by itself later (it looks for paid orders without an invoice and without a job).

Environment: ENQUEUER_URL (default http://127.0.0.1:8081), ENQUEUER_TOKEN (required).
Run by hand: ENQUEUER_TOKEN=... python3 examples/enqueue.py 1003   (TRACEPARENT=... passes a W3C trace context on)
"""
import logging
import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 2
LOG = logging.getLogger("invoice-export")


def on_payment_committed(order_id, traceparent=None):
    """Returns "queued", "already_queued" or "not_queued"; never raises."""
    url = os.environ.get("ENQUEUER_URL", "http://127.0.0.1:8081").rstrip("/")
    headers = {"Authorization": "Bearer " + os.environ["ENQUEUER_TOKEN"]}
    if traceparent:
        headers["traceparent"] = traceparent  # the export's trace continues the payment's
    request = urllib.request.Request(f"{url}/v1/orders/{int(order_id)}/invoice-export", data=b"",
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return "queued" if answer.status == 202 else "already_queued"
    except (urllib.error.URLError, OSError, ValueError) as e:
        # Nothing to retry here: the reconciler covers a lost enqueue. Never fail the payment for it.
        LOG.warning("invoice export for order %s not queued now (%s); the reconciler will queue it", order_id, e)
        return "not_queued"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(on_payment_committed(sys.argv[1], os.environ.get("TRACEPARENT")))
