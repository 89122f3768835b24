package org.onecexporter.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's own time of each command (Redis {@code SLOWLOG}, every command logged while this is open): what a
 * script call blocks Redis for, without the client's round trip and scheduling. One plain connection of its own
 * (RESP over a socket: Redisson has no SLOWLOG), for a Redis that the benchmark runs alone (ops/bench step 13
 * starts one); the server's slow-log settings are put back on close.
 */
final class SlowLog implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String oldThreshold;
  private final String oldLength;

  private SlowLog(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream());
    oldThreshold = config("slowlog-log-slower-than");
    oldLength = config("slowlog-max-len");
    command("CONFIG", "SET", "slowlog-log-slower-than", "0");
    command("CONFIG", "SET", "slowlog-max-len", "1024");
  }

  /** Opens on the Redis that {@code redisUrl} names (redis://[user:password@]host:port), or null where it cannot. */
  static SlowLog open(String redisUrl) {
    try {
      URI uri = URI.create(redisUrl);
      if (!"redis".equals(uri.getScheme()) || uri.getUserInfo() != null) {
        return null; // TLS or a password: the client's own timing stands alone
      }
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()), 2_000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      return new SlowLog(socket);
    } catch (IOException | RuntimeException e) {
      System.err.println("no SLOWLOG on " + redisUrl + ": " + e);
      return null;
    }
  }

  void reset() {
    command("SLOWLOG", "RESET");
  }

  /** The longest command the server ran since {@link #reset()}, in ms (SLOWLOG's own commands left out). */
  double maxMillis() {
    long max = 0;
    for (Object entry : (List<?>) command("SLOWLOG", "GET", "-1")) {
      List<?> e = (List<?>) entry;
      List<?> args = (List<?>) e.get(3);
      String name = args.isEmpty() ? "" : String.valueOf(args.getFirst());
      if (!name.equalsIgnoreCase("SLOWLOG") && !name.equalsIgnoreCase("CONFIG")) {
        max = Math.max(max, (Long) e.get(2));
      }
    }
    return max / 1000.0;
  }

  private String config(String name) {
    List<?> reply = (List<?>) command("CONFIG", "GET", name);
    return String.valueOf(reply.get(1));
  }

  private Object command(String... args) {
    try {
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new IllegalStateException("Redis: " + line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        byte[] bytes = in.readNBytes(n + 2);
        yield new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        List<Object> items = new ArrayList<>(Math.max(n, 0));
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        yield items;
      }
      default -> throw new IllegalStateException("unexpected RESP type " + type);
    };
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new java.io.EOFException("Redis closed the connection");
      }
      s.append((char) c);
    }
    in.read(); // '\n'
    return s.toString();
  }

  @Override
  public void close() {
    try {
      command("CONFIG", "SET", "slowlog-log-slower-than", oldThreshold);
      command("CONFIG", "SET", "slowlog-max-len", oldLength);
      socket.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("could not put the slow-log settings back: " + e);
    }
  }
}
