package org.onecexporter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;

/**
 * A 1C emulator on a free loopback port for one test class, reset (invoices, faults, latency, hang) before every
 * test. Inject {@link EmulatorServer} into the constructor or a test method.
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmulatorExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    context.getStore(NS).put(EmulatorServer.class, new EmulatorServer(EmulatorConfig.forTests()).start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EmulatorServer server = context.getStore(NS).remove(EmulatorServer.class, EmulatorServer.class);
    if (server != null) {
      server.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    find(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmulatorServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return find(context);
  }

  private static EmulatorServer find(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getStore(NS).get(EmulatorServer.class) == null && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current.getStore(NS).get(EmulatorServer.class, EmulatorServer.class);
  }
}
