package org.onecexporter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A migrated database of its own for each test class, on PostgreSQL ({@link PostgresExtension}) unless the class
 * that runs carries {@link OnMariaDb}, then on MariaDB/MySQL ({@link MariaDbExtension}). A test written against
 * this extension and the {@link TestDatabase} it injects runs on both servers through one empty subclass.
 */
public class DatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final PostgresExtension postgres = new PostgresExtension();
  private final MariaDbExtension mariaDb = new MariaDbExtension();

  /** The class that runs, or one that encloses it (a {@code @Nested} class of a subclass), carries the mark. */
  private static boolean onMariaDb(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (c.getTestClass().map(k -> k.isAnnotationPresent(OnMariaDb.class)).orElse(false)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (onMariaDb(context)) {
      mariaDb.beforeAll(context);
    } else {
      postgres.beforeAll(context);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (onMariaDb(context)) {
      mariaDb.afterAll(context);
    } else {
      postgres.afterAll(context);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // Each delegate keeps the database in its own store; only the one that created it finds it.
    Object found = postgres.resolveParameter(parameter, context);
    return found != null ? found : mariaDb.resolveParameter(parameter, context);
  }
}
