<?php
// Queue a paid order's invoice export from a PHP shop (1C-Bitrix, WordPress/WooCommerce, ...), core PHP only.
//
// Call onPaymentCommitted($orderId) after the payment is saved. It never throws and never waits more than
// ENQUEUER_TIMEOUT_SECONDS: if the enqueuer is slow or down, the payment goes on and the exporter's reconciler
// queues the paid order by itself later (it looks for paid orders without an invoice and without a job).
//
// Environment: ENQUEUER_URL (default http://127.0.0.1:8081), ENQUEUER_TOKEN (required).
// Run by hand: ENQUEUER_TOKEN=... php examples/enqueue.php 1003   (TRACEPARENT=... passes a W3C trace context on)

const ENQUEUER_TIMEOUT_SECONDS = 2;

/** Returns "queued", "already_queued" or "not_queued"; never throws. */
function onPaymentCommitted(int $orderId, ?string $traceparent = null): string
{
    $url = rtrim(getenv('ENQUEUER_URL') ?: 'http://127.0.0.1:8081', '/');
    $headers = ['Authorization: Bearer ' . getenv('ENQUEUER_TOKEN'), 'Content-Length: 0'];
    if ($traceparent) {
        $headers[] = 'traceparent: ' . $traceparent; // the export's trace continues the payment's
    }
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => implode("\r\n", $headers),
        'content' => '',
        'timeout' => ENQUEUER_TIMEOUT_SECONDS,
        'ignore_errors' => true,
    ]]);
    try {
        $body = @file_get_contents("$url/v1/orders/$orderId/invoice-export", false, $context);
        $status = isset($http_response_header[0]) && preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m)
            ? (int) $m[1] : 0;
    } catch (Throwable $e) {
        $body = false;
        $status = 0;
    }
    if ($status === 202) {
        return 'queued';
    }
    if ($status === 200) {
        return 'already_queued';
    }
    // A timeout, a refused connection or an error answer: nothing to retry here, the reconciler covers a lost
    // enqueue. Never fail the payment for it.
    error_log("invoice export for order $orderId not queued now (HTTP $status); the reconciler will queue it");
    return 'not_queued';
}

if (PHP_SAPI === 'cli' && isset($argv[1]) && realpath($argv[0]) === __FILE__) {
    echo onPaymentCommitted((int) $argv[1], getenv('TRACEPARENT') ?: null), "\n";
}
