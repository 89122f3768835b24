package org.onecexporter.shops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Golden files in test resources {@code shops/}: the invoice JSON a platform's order must become. */
final class Golden {
  private Golden() {}

  static String read(String name) throws IOException {
    try (InputStream in = Golden.class.getResourceAsStream("/shops/" + name)) {
      if (in == null) {
        throw new IOException("no golden file shops/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
