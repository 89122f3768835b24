package org.onecexporter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Jdbi;

/** Creates a platform's tables from its DDL in test resources ({@code shops/*.sql}, each citing its source). */
public final class ShopSchemas {
  private ShopSchemas() {}

  public static void create(Jdbi jdbi, String resource, String prefix) {
    String sql;
    try (InputStream in = ShopSchemas.class.getResourceAsStream("/shops/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource shops/" + resource);
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    jdbi.useHandle(h -> {
      for (String statement : withoutComments.toString().replace("{prefix}", prefix).split(";\\s*\n")) {
        if (!statement.isBlank()) {
          h.execute(statement);
        }
      }
    });
  }
}
