package org.onecexporter.http;

import java.time.Duration;

/**
 * The limits every HTTP surface of the project runs with; see {@link HardenedHttpServer}.
 *
 * @param maxBodyBytes largest request body accepted (by its {@code Content-Length}); 0 = no body at all. A larger
 *     one, or one of unknown length, is answered 413 before a byte of it is read
 * @param maxHeaderBytes request line plus headers; more is answered 431
 * @param headerDeadline the whole request header must arrive within this, counted from the connection's opening
 *     or the end of its previous answer (nginx's {@code client_header_timeout}); then the connection is closed
 * @param idleTimeout a connection silent this long is closed
 * @param maxConnections open connections at once; past it the server stops accepting until one closes
 * @param maxConnectionsPerAddress open connections from one client address; past it a new one is closed at once
 * @param maxThreads platform threads for accepting, parsing and writing (handlers run on virtual threads)
 * @param noRequestWait a new connection that has sent nothing at all this long is closed (sooner than
 *     {@code headerDeadline}: idle connections opened and left cannot crowd an address out)
 * @param trustedProxies the reverse proxies in front ({@link TrustedProxies}): their connections are not limited per
 *     address (everyone comes through them); the client behind one, from {@code X-Forwarded-For}, may have at most
 *     {@code maxConnectionsPerAddress} requests in progress at once (429 past it)
 */
public record HttpLimits(int maxBodyBytes, int maxHeaderBytes, Duration headerDeadline, Duration idleTimeout,
    int maxConnections, int maxConnectionsPerAddress, int maxThreads, Duration noRequestWait,
    TrustedProxies trustedProxies) {
  /** How long a new connection may stay silent before it is closed, unless a surface says otherwise. */
  public static final Duration NO_REQUEST_WAIT = Duration.ofSeconds(3);

  public HttpLimits(int maxBodyBytes, int maxHeaderBytes, Duration headerDeadline, Duration idleTimeout,
      int maxConnections, int maxConnectionsPerAddress, int maxThreads) {
    this(maxBodyBytes, maxHeaderBytes, headerDeadline, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxThreads, NO_REQUEST_WAIT.compareTo(headerDeadline) < 0 ? NO_REQUEST_WAIT : headerDeadline,
        TrustedProxies.none());
  }

  public HttpLimits {
    if (maxBodyBytes < 0 || maxHeaderBytes < 1024 || maxConnections < 1 || maxConnectionsPerAddress < 1
        || maxThreads < 4 || headerDeadline.isNegative() || headerDeadline.isZero() || idleTimeout.isNegative()
        || idleTimeout.isZero() || noRequestWait.isNegative() || noRequestWait.isZero() || trustedProxies == null) {
      throw new IllegalArgumentException("bad HTTP limits: " + this);
    }
  }

  /**
   * The enqueuer service: no body is needed (a few KB are tolerated and ignored), 8 KB of headers, the header
   * within 10 s, idle connections closed after 30 s, 1,000 connections, 200 from one address.
   */
  public static HttpLimits enqueuer() {
    return new HttpLimits(4096, 8192, Duration.ofSeconds(10), Duration.ofSeconds(30), 1000, 200, 16);
  }

  /** A worker's {@code /metrics} and {@code /health/*}: GET only, no body, few clients. */
  public static HttpLimits opsEndpoints() {
    return new HttpLimits(0, 8192, Duration.ofSeconds(10), Duration.ofSeconds(30), 64, 32, 8);
  }

  /**
   * The operations console: no body is needed (a POST carries its arguments in the path and query; 1 KB is
   * tolerated and ignored), 8 KB of headers, the header within 10 s, idle connections closed after 30 s, 128
   * connections, 64 from one address (a browser keeps about 6 per profile; an office behind one NAT address has
   * several people).
   */
  public static HttpLimits console() {
    return new HttpLimits(1024, 8192, Duration.ofSeconds(10), Duration.ofSeconds(30), 128, 64, 8);
  }

  public HttpLimits withHeaderDeadline(Duration deadline) {
    return new HttpLimits(maxBodyBytes, maxHeaderBytes, deadline, idleTimeout, maxConnections,
        maxConnectionsPerAddress, maxThreads, noRequestWait.compareTo(deadline) < 0 ? noRequestWait : deadline,
        trustedProxies);
  }

  public HttpLimits withConnections(int total, int perAddress) {
    return new HttpLimits(maxBodyBytes, maxHeaderBytes, headerDeadline, idleTimeout, total, perAddress, maxThreads,
        noRequestWait, trustedProxies);
  }

  /** The same limits behind {@code proxies} (see {@link TrustedProxies}). */
  public HttpLimits withTrustedProxies(TrustedProxies proxies) {
    return new HttpLimits(maxBodyBytes, maxHeaderBytes, headerDeadline, idleTimeout, maxConnections,
        maxConnectionsPerAddress, maxThreads, noRequestWait, proxies);
  }
}
