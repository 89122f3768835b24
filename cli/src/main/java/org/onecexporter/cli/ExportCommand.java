package org.onecexporter.cli;

import java.util.concurrent.Callable;
import org.onecexporter.ExporterRuntime;
import org.onecexporter.config.Env;
import org.onecexporter.export.ExportResult;
import org.onecexporter.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    description = {
        "Exports one paid order to 1C now, retrying transient failures inline on ONEC_RETRY_DELAYS.",
        "Prints one JSON object on stdout: order_id, status, invoice_number, exported_at, attempts, error."})
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<order_id>", description = "orders.id of the paid order")
  long orderId;

  @Override
  public Integer call() {
    try (ExporterRuntime runtime = ExporterRuntime.fromEnv(Env.system(), 1)
        .recordAttempts("cli", new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
      runtime.database().requireReachable(Unreachable.DATABASE_CHECK);
      runtime.orders().requireTables();
      ExportResult result = runtime.exporter().exportInvoice(orderId);
      spec.commandLine().getOut().println(Json.write(result));
      spec.commandLine().getErr().println(humanLine(result));
      return ExitCodes.of(result.status());
    }
  }

  static String humanLine(ExportResult r) {
    return switch (r.status()) {
      case EXPORTED -> "Order " + r.orderId() + " exported to 1C as " + r.invoiceNumber() + " after " + r.attempts()
          + " attempt(s).";
      case ALREADY_EXPORTED -> "Order " + r.orderId() + " was already exported as " + r.invoiceNumber() + " at "
          + r.exportedAt() + "; 1C was not called.";
      case NOT_CREATED -> "Order " + r.orderId() + " was refunded or cancelled before its invoice was created; 1C was"
          + " not called.";
      case CANCELLED, ALREADY_CANCELLED -> "Order " + r.orderId() + ": its invoice " + r.invoiceNumber()
          + " is cancelled in 1C.";
      case REJECTED -> "Order " + r.orderId() + " rejected: " + r.error();
      case FAILED -> "Order " + r.orderId() + " not exported after " + r.attempts() + " attempt(s): " + r.error()
          + " (the flag is untouched; run the export again later).";
    };
  }
}
