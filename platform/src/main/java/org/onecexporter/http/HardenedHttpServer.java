package org.onecexporter.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.onecexporter.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server of the project (Jetty 12 core, HTTP/1.1, no servlet API), with explicit limits
 * ({@link HttpLimits}):
 *
 * <ul>
 *   <li>a request body larger than allowed, or of unknown length (chunked), is answered 413 from its headers,
 *       before a byte of it is read; the connection is then closed rather than drained;
 *   <li>request line and headers above {@code maxHeaderBytes}: 431 (Jetty);
 *   <li>the whole request header must arrive within {@code headerDeadline} of the connection's opening (or of the
 *       end of the previous answer on a kept-alive connection) — Jetty's idle timeout alone only bounds the gap
 *       between two reads, so a client sending one header line every few seconds would hold a connection
 *       forever; a sweeper closes such connections;
 *   <li>a new connection that sends nothing for {@code noRequestWait} is closed; idle connections closed after
 *       {@code idleTimeout}; at most {@code maxConnections} open (the server stops accepting past it), and at most
 *       {@code maxConnectionsPerAddress} from one client address (closed at once) — except from a trusted reverse
 *       proxy, whose clients (by {@code X-Forwarded-For}) may each have that many requests in progress (429 past it).
 * </ul>
 *
 * Handlers run on virtual threads and may block (a Redis call); they never see the body.
 */
public final class HardenedHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HardenedHttpServer.class);

  static {
    spareThePlatformMBeanServer();
  }

  /**
   * Jetty's {@code MemoryUtils} (loaded with its thread pool) asks the platform MBean server for UseCompressedOops
   * unless {@code org.eclipse.jetty.util.referencesPerCacheLine} is set; building that server registers every
   * platform MBean (JFR's parses its configuration files): about 0.2 s of CPU at a worker's start, beside its first
   * export on one core (ops/bench step 8). The same answer comes from the HotSpot MXBean without the server. The
   * figure only sizes Jetty's padding against false sharing; if the MXBean cannot answer, Jetty asks as before.
   */
  static void spareThePlatformMBeanServer() {
    String property = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(property) != null) {
      return;
    }
    try {
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      boolean compressed = Boolean.parseBoolean(hotspot.getVMOption("UseCompressedOops").getValue());
      int cacheLineBytes = 64; // Jetty's default, read as Jetty reads the property
      try {
        cacheLineBytes = Integer.parseInt(System.getProperty("org.eclipse.jetty.util.cacheLineBytes", "64"));
      } catch (NumberFormatException e) {
        // Jetty falls back to 64 as well
      }
      System.setProperty(property, Integer.toString(Math.max(1, cacheLineBytes / (compressed ? 4 : 8))));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("UseCompressedOops not read from the HotSpot MXBean: Jetty reads it itself", e);
    }
  }
  private static final String JSON = "application/json; charset=utf-8";

  /** One request, as a handler sees it. */
  public interface Exchange {
    String method();

    /** The decoded path, e.g. {@code /v1/orders/1/invoice-export}. */
    String path();

    /** The raw (still percent-encoded) query string, or null when there is none. */
    default String query() {
      return null;
    }

    /**
     * {@code http} or {@code https} as the client used it: the connection's, or behind a trusted proxy its
     * {@code X-Forwarded-Proto}.
     */
    default String scheme() {
      return "http";
    }

    /** The first value of a request header, or null. */
    String header(String name);

    /**
     * The client's IP address: the socket's, or behind a trusted proxy ({@link HttpLimits#trustedProxies()}) the
     * client's from {@code X-Forwarded-For}.
     */
    String remoteAddress();

    /** Answers; {@code headers} are name/value pairs. Call once. */
    void respond(int status, String contentType, String body, String... headers);
  }

  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange) throws Exception;
  }

  /**
   * Per connection: when its request header must be complete (0 while a request is being answered), when it was
   * opened, whether it has had a request yet, and whether it comes from a trusted proxy (not limited per address).
   */
  private static final class Tracked {
    final InetAddress address;
    final long openedNanos;
    final boolean proxy;
    volatile long headerDeadlineNanos;
    volatile boolean requested;

    Tracked(InetAddress address, long headerDeadlineNanos, boolean proxy) {
      this.address = address;
      this.openedNanos = System.nanoTime();
      this.headerDeadlineNanos = headerDeadlineNanos;
      this.proxy = proxy;
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final HttpLimits limits;
  private final Handler handler;
  private final Map<Connection, Tracked> connections = new ConcurrentHashMap<>();
  private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  /** Requests in progress per client behind a trusted proxy. */
  private final Map<InetAddress, AtomicInteger> inFlightBehindProxy = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private final Counter bodyTooLarge;
  private final Counter headerTimeouts;
  private final Counter addressLimited;
  private final Counter silentClosed;

  private HardenedHttpServer(String name, String host, int port, HttpLimits limits, Handler handler,
      MeterRegistry registry) {
    this.limits = limits;
    this.handler = handler;
    QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), 2);
    threads.setName(name + "-http");
    threads.setDaemon(true);
    threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name(name + "-request-", 0).factory()));
    this.server = new Server(threads);
    server.setStopTimeout(1000);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(1024);
    connector.addBean(new Connection.Listener() {
      @Override
      public void onOpened(Connection connection) {
        opened(connection);
      }

      @Override
      public void onClosed(Connection connection) {
        closed(connection);
      }
    });
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        return HardenedHttpServer.this.handle(request, response, callback);
      }
    });

    this.bodyTooLarge = Counter.builder("onec_http_rejected").tag("server", name).tag("reason", "body_too_large")
        .description("HTTP requests or connections refused by a limit").register(registry);
    this.headerTimeouts = Counter.builder("onec_http_rejected").tag("server", name).tag("reason", "header_timeout")
        .description("HTTP requests or connections refused by a limit").register(registry);
    this.addressLimited = Counter.builder("onec_http_rejected").tag("server", name)
        .tag("reason", "connections_per_address").description("HTTP requests or connections refused by a limit")
        .register(registry);
    this.silentClosed = Counter.builder("onec_http_rejected").tag("server", name).tag("reason", "no_request")
        .description("HTTP requests or connections refused by a limit").register(registry);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name + "-sweeper")
        .factory());
    long period = Math.max(50, Math.min(1000, Math.min(limits.headerDeadline().toMillis(),
        limits.noRequestWait().toMillis()) / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Binds and starts. {@code name} labels threads and the {@code onec_http_rejected_total} counter.
   *
   * @throws BindException when the port is taken
   */
  public static HardenedHttpServer start(String name, String host, int port, HttpLimits limits, Handler handler,
      MeterRegistry registry) throws IOException {
    HardenedHttpServer result = new HardenedHttpServer(name, host, port, limits, handler, registry);
    try {
      result.server.start();
    } catch (Exception e) {
      result.close();
      // Jetty 12 wraps the BindException in an IOException("Failed to bind to …"): callers look for the port
      // being taken, so it is answered as such whatever the wrapping.
      BindException bind = bindCause(e);
      if (bind != null) {
        throw bind;
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start the HTTP server on " + host + ":" + port + ": " + e, e);
    }
    return result;
  }

  private static BindException bindCause(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof BindException bind) {
        return bind;
      }
    }
    return null;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Connections open now (for tests and diagnostics). */
  public int openConnections() {
    return connections.size();
  }

  private void opened(Connection connection) {
    EndPoint endPoint = connection.getEndPoint();
    InetAddress address = null;
    SocketAddress remote = endPoint.getRemoteSocketAddress();
    if (remote instanceof InetSocketAddress inet) {
      address = inet.getAddress();
    }
    boolean proxy = limits.trustedProxies().trusts(address);
    connections.put(connection, new Tracked(address, deadline(), proxy));
    // A trusted proxy's connections carry everyone: limited in total only (its clients per request, see handle).
    if (address != null && !proxy) {
      int count = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
      if (count > limits.maxConnectionsPerAddress()) {
        addressLimited.increment();
        endPoint.close();
      }
    }
  }

  private void closed(Connection connection) {
    Tracked tracked = connections.remove(connection);
    if (tracked != null && tracked.address != null && !tracked.proxy) {
      perAddress.computeIfPresent(tracked.address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  private long deadline() {
    return System.nanoTime() + limits.headerDeadline().toNanos();
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      long silentLimit = limits.noRequestWait().toNanos();
      for (Map.Entry<Connection, Tracked> entry : connections.entrySet()) {
        Tracked t = entry.getValue();
        long due = t.headerDeadlineNanos;
        if (!t.requested && now - t.openedNanos > silentLimit && entry.getKey().getBytesIn() <= 0) {
          // Opened and never sent a byte: closed well before the header deadline, so that idle connections
          // (a client's spare ones, or someone holding them) cannot fill an address's quota.
          silentClosed.increment();
          entry.getKey().getEndPoint().close();
        } else if (due != 0 && now - due > 0) {
          headerTimeouts.increment();
          entry.getKey().getEndPoint().close();
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("HTTP header deadline sweep failed: {}", e.toString());
    }
  }

  private boolean handle(Request request, Response response, Callback callback) {
    Connection connection = request.getConnectionMetaData().getConnection();
    Tracked tracked = connections.get(connection);
    if (tracked != null) {
      tracked.headerDeadlineNanos = 0;
      tracked.requested = true;
    }
    InetAddress socketAddress = tracked == null ? null : tracked.address;
    InetAddress client = socketAddress;
    AtomicInteger inFlight = null;
    if (tracked != null && tracked.proxy) {
      java.util.List<String> forwarded = request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR);
      client = limits.trustedProxies().client(socketAddress, forwarded.isEmpty() ? null : String.join(",", forwarded));
      if (client != null && !client.equals(socketAddress)) {
        inFlight = inFlightBehindProxy.computeIfAbsent(client, a -> new AtomicInteger());
      }
    }
    AtomicInteger counted = inFlight;
    InetAddress clientAddress = client;
    Runnable finished = () -> {
      if (tracked != null) {
        tracked.headerDeadlineNanos = deadline();
      }
      if (counted != null && counted.decrementAndGet() <= 0) {
        inFlightBehindProxy.remove(clientAddress, counted);
      }
    };
    Callback done = Callback.from(callback, finished);
    if (counted != null && counted.incrementAndGet() > limits.maxConnectionsPerAddress()) {
      addressLimited.increment();
      write(response, done, 429, JSON, error("too many requests in progress from this address"));
      return true;
    }
    long length = request.getLength();
    boolean unknownLength = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    if (length > limits.maxBodyBytes() || unknownLength) {
      bodyTooLarge.increment();
      // The body is never read: answer from the headers and close the connection instead of draining it.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      write(response, done, 413, JSON, error("request body too large: at most " + limits.maxBodyBytes()
          + " bytes, with a Content-Length"));
      return true;
    }
    String scheme = request.getHttpURI().getScheme();
    if (tracked != null && tracked.proxy) {
      String forwardedProto = request.getHeaders().get(HttpHeader.X_FORWARDED_PROTO);
      if ("https".equalsIgnoreCase(forwardedProto) || "http".equalsIgnoreCase(forwardedProto)) {
        scheme = forwardedProto.toLowerCase(java.util.Locale.ROOT);
      }
    }
    JettyExchange exchange = new JettyExchange(request, response, done,
        client == null ? Request.getRemoteAddr(request) : client.getHostAddress(), scheme == null ? "http" : scheme);
    try {
      handler.handle(exchange);
      if (!exchange.answered) {
        exchange.respond(500, JSON, error("no answer"));
      }
    } catch (Exception | Error e) {
      LOG.warn("HTTP handler failed: {}", e.toString());
      if (!exchange.answered) {
        exchange.respond(500, JSON, error("internal error"));
      } else {
        done.failed(e);
      }
    }
    return true;
  }

  private static String error(String message) {
    return Json.write(Json.MAPPER.createObjectNode().put("error", message));
  }

  private static void write(Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }

  private static final class JettyExchange implements Exchange {
    private final Request request;
    private final Response response;
    private final Callback callback;
    boolean answered;

    private final String remoteAddress;
    private final String scheme;

    JettyExchange(Request request, Response response, Callback callback, String remoteAddress, String scheme) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.remoteAddress = remoteAddress;
      this.scheme = scheme;
    }

    @Override
    public String scheme() {
      return scheme;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String path() {
      String path = request.getHttpURI().getDecodedPath();
      return path == null ? "/" : path;
    }

    @Override
    public String query() {
      return request.getHttpURI().getQuery();
    }

    @Override
    public String header(String name) {
      HttpField field = request.getHeaders().getField(name);
      return field == null ? null : field.getValue();
    }

    @Override
    public String remoteAddress() {
      return remoteAddress;
    }

    @Override
    public void respond(int status, String contentType, String body, String... headers) {
      if (answered) {
        throw new IllegalStateException("already answered");
      }
      answered = true;
      for (int i = 0; i + 1 < headers.length; i += 2) {
        response.getHeaders().put(headers[i], headers[i + 1]);
      }
      write(response, callback, status, contentType, body);
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("HTTP server stop failed", e);
    }
  }
}
