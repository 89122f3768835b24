package org.onecexporter.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The picocli root of {@code onec-exporter}: every command but a plain {@code worker} (see {@link OnecExporterCli}).
 * Exit codes are listed in {@link ExitCodes}.
 */
@Command(
    name = "onec-exporter",
    mixinStandardHelpOptions = true,
    version = "onec-exporter 0.1.0",
    description = "Exports paid orders to 1C:UNF as payment invoices («Счёт на оплату»), exactly once.",
    subcommands = {MigrateCommand.class, ExportCommand.class, WorkerCommand.class, EnqueueCommand.class,
        ReconcileCommand.class, DlqCommand.class, StatsCommand.class, StatusCommand.class,
        ConsoleCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:exported or already exported; command succeeded",
        "1:unexpected internal error",
        "2:bad usage or configuration (the message names the variable)",
        "3:rejected (not found, not paid, invalid data, permanent 1C refusal)",
        "4:failed (transient failures outlasted the retry schedule)",
        "5:Redis or PostgreSQL unreachable"})
final class RootCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. 'export <order_id>'");
  }

  /** {@code -h}/{@code --help} (and {@code -V}) on every subcommand, nested ones ({@code dlq list}) included. */
  private static void helpOnEverySubcommand(CommandLine command) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
          && sub.getCommandSpec().optionsMap().get("--help") == null) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      helpOnEverySubcommand(sub);
    }
  }

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new RootCommand());
    helpOnEverySubcommand(cli);
    // As wide as the terminal when it is wider than 80 columns; a line is never cut in the middle of a word.
    cli.setUsageHelpAutoWidth(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> OnecExporterCli.failed(e, err));
    return cli.execute(args);
  }
}
