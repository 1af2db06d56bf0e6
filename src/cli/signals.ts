/**
 * Graceful shutdown: the first SIGINT/SIGTERM aborts the run so the batch in
 * hand is finished, flushed and committed; a second one exits at once.
 */
export function abortOnSignals(log: (message: string) => void): AbortController {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    log(`${signal}: finishing the current batch, then stopping (press again to exit now)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}
