package org.onecexporter.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.onecexporter.config.ConfigException;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed ({@code HTTP_TRUSTED_PROXIES}: addresses or CIDR
 * ranges, comma-separated; none by default, so the header is ignored and the socket's address is the client's).
 * Behind a trusted proxy the client is the right-most address of {@code X-Forwarded-For} that is not itself a
 * trusted proxy (the entries left of it are whatever the client sent, and may be forged).
 */
public final class TrustedProxies {
  /** The setting's name, read by the console and the enqueuer service. */
  public static final String VARIABLE = "HTTP_TRUSTED_PROXIES";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static TrustedProxies none() {
    return NONE;
  }

  /** Parses {@code 10.0.0.5, 192.168.0.0/16, ::1}; blank means none. */
  public static TrustedProxies parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String part : value.split(",")) {
      String item = part.strip();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      InetAddress address = literal(slash < 0 ? item : item.substring(0, slash));
      if (address == null) {
        throw new ConfigException(VARIABLE, "'" + item + "' is not an IP address or CIDR range");
      }
      int max = address.getAddress().length * 8;
      int bits = max;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > max) {
          throw new ConfigException(VARIABLE, "'" + item + "': the prefix length must be 0 to " + max);
        }
      }
      ranges.add(new Range(address.getAddress(), bits));
    }
    return new TrustedProxies(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Is {@code address} one of the trusted proxies? */
  public boolean trusts(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] bytes = address.getAddress();
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: {@code socket} itself unless it is a trusted proxy; then the right-most entry of
   * {@code forwardedFor} (all {@code X-Forwarded-For} values, comma-joined) that is not a trusted proxy, or the
   * left-most when all are. An entry that is not an IP address ends the walk at the last trusted hop.
   */
  public InetAddress client(InetAddress socket, String forwardedFor) {
    if (socket == null || !trusts(socket) || forwardedFor == null || forwardedFor.isBlank()) {
      return socket;
    }
    String[] hops = forwardedFor.split(",");
    InetAddress client = socket;
    for (int i = hops.length - 1; i >= 0 && i >= hops.length - 32; i--) {
      InetAddress hop = literal(hops[i].strip());
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!trusts(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** An IP address literal, never a DNS lookup; null for anything else. */
  static InetAddress literal(String text) {
    String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (t.length() > 45 || !(IPV4.matcher(t).matches() || IPV6.matcher(t).matches())) {
      return null;
    }
    if (IPV4.matcher(t).matches()) {
      for (String octet : t.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return null; // not a literal: InetAddress would look it up as a host name
        }
      }
    }
    try {
      return InetAddress.getByName(t); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
