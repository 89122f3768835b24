package org.onecexporter.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.onecexporter.config.Env;
import org.onecexporter.worker.WorkerRuntime;
import picocli.CommandLine.Command;

@Command(name = "worker", description = {
    "Runs a worker until SIGTERM/SIGINT: claims jobs from Redis and exports them to 1C.",
    "On SIGTERM it stops claiming, lets in-flight exports finish within WORKER_SHUTDOWN_GRACE_SECONDS and hands",
    "back the rest."})
final class WorkerCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Env env = Env.system();
    // Tracing from OTEL_* when one is set (nothing otherwise); before anything starts spans.
    org.onecexporter.telemetry.Telemetry.configure(env.asMap(), "onec-exporter-worker");
    WorkerRuntime runtime = WorkerRuntime.fromEnv(env);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      runtime.close();
      stopped.countDown();
    }, "worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    runtime.start(); // claims first, then opens the ops port
    stopped.await();
    return ExitCodes.OK;
  }
}
