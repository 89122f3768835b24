package org.onecexporter.queue.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of Redis that runs every script call twice and hands the client the second answer only: what
 * Redis sees when a client resends a script whose first answer timed out (Redisson's {@code retryAttempts}). Every
 * other command passes through once.
 */
public final class ReplayingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String host;
  private final int port;
  private final List<Socket> sockets = new ArrayList<>();
  private final AtomicInteger replayed = new AtomicInteger();
  private volatile boolean replaying = true;

  public ReplayingProxy(String redisUrl) throws IOException {
    URI uri = URI.create(redisUrl);
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 6379 : uri.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "replaying-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** The URL a client connects to instead of Redis. */
  public String url() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** Script calls run twice so far. */
  public int replayed() {
    return replayed.get();
  }

  /** Whether script calls are run twice from now on (on by default). */
  public void replaying(boolean on) {
    replaying = on;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket(host, port);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(redis);
        }
        LinkedBlockingQueue<Boolean> dropNext = new LinkedBlockingQueue<>();
        start(() -> requests(client, redis, dropNext));
        start(() -> replies(redis, client, dropNext));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "replaying-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  /** Client → Redis, one command at a time; a script call goes twice, its first answer marked to be dropped. */
  private void requests(Socket client, Socket redis, LinkedBlockingQueue<Boolean> dropNext) {
    try (InputStream in = new BufferedInputStream(client.getInputStream())) {
      OutputStream out = redis.getOutputStream();
      while (true) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String line = line(in, raw);
        String command = null;
        if (line.startsWith("*")) {
          int n = Integer.parseInt(line.substring(1));
          for (int i = 0; i < n; i++) {
            String length = line(in, raw);
            byte[] value = bytes(in, raw, Integer.parseInt(length.substring(1)) + 2);
            if (i == 0) {
              command = new String(value, 0, value.length - 2, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            }
          }
        }
        byte[] request = raw.toByteArray();
        boolean twice = replaying && ("EVAL".equals(command) || "EVALSHA".equals(command));
        if (twice) {
          dropNext.add(true);
          replayed.incrementAndGet();
        }
        dropNext.add(false);
        out.write(request);
        if (twice) {
          out.write(request);
        }
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      close(client, redis);
    }
  }

  /** Redis → client, one answer at a time; the first answer of a replayed script call is dropped. */
  private void replies(Socket redis, Socket client, LinkedBlockingQueue<Boolean> dropNext) {
    try (InputStream in = new BufferedInputStream(redis.getInputStream())) {
      OutputStream out = client.getOutputStream();
      while (true) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        reply(in, raw);
        Boolean drop = dropNext.take();
        if (!drop) {
          out.write(raw.toByteArray());
          out.flush();
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      close(client, redis);
    }
  }

  /** Reads one RESP2/RESP3 value into {@code raw}. */
  private static void reply(InputStream in, ByteArrayOutputStream raw) throws IOException {
    String line = line(in, raw);
    char type = line.charAt(0);
    switch (type) {
      case '$', '=', '!' -> {
        int n = Integer.parseInt(line.substring(1));
        if (n >= 0) {
          bytes(in, raw, n + 2);
        }
      }
      case '*', '~', '>' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < n; i++) {
          reply(in, raw);
        }
      }
      case '%', '|' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < 2 * n; i++) {
          reply(in, raw);
        }
      }
      default -> {
        // + - : _ , # ( : a single line
      }
    }
  }

  private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder line = new StringBuilder();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      raw.write(b);
      if (previous == '\r' && b == '\n') {
        line.setLength(line.length() - 1);
        return line.toString();
      }
      line.append((char) b);
      previous = b;
    }
  }

  private static byte[] bytes(InputStream in, ByteArrayOutputStream raw, int n) throws IOException {
    byte[] value = in.readNBytes(n);
    if (value.length < n) {
      throw new EOFException();
    }
    raw.write(value);
    return value;
  }

  private static void close(Socket... pair) {
    for (Socket s : pair) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      sockets.forEach(ReplayingProxy::close);
    }
  }
}
