package org.onecexporter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy for tests that can stop forwarding: after {@link #freeze()} no byte and no close passes in
 * either direction while every connection stays open, as a network that drops packets without a reset does;
 * {@link #cut()} closes every connection and refuses new ones, as a database restart does.
 * {@link #close()} ends everything.
 */
public final class FreezableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String host;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;
  private volatile boolean cut;
  private volatile boolean closed;

  public FreezableProxy(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  public void freeze() {
    frozen = true;
  }

  /** Forwards again what waited while frozen, and what comes next. */
  public void thaw() {
    frozen = false;
  }

  /**
   * As the database's restart looks from the client: every open connection is closed now, and new ones are closed
   * as soon as they are accepted, until {@link #restore()}.
   */
  public void cut() {
    cut = true;
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    sockets.clear();
  }

  /** Accepts and forwards connections again after {@link #cut()}. */
  public void restore() {
    cut = false;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(host, port);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
        Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      while (true) {
        while (frozen && !closed) {
          Thread.sleep(50); // packets dropped: nothing read, nothing sent, nothing closed
        }
        int n = in.read(buffer);
        while (frozen && !closed) {
          Thread.sleep(50);
        }
        if (n < 0 || closed) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the other side went away
    }
    if (!frozen) {
      try {
        to.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
