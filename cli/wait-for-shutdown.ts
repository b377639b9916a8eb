/**
 * Resolves on the first SIGTERM or SIGINT, so the caller can drain; a second signal
 * exits at once (an operator pressing Ctrl-C twice means it).
 */
export function waitForShutdown(onSecond: () => void = () => process.exit(130)): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) {
        onSecond();
        return;
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
