/**
 * Waits for something that becomes true a moment later (a host booting, a unit starting, a log
 * line nginx writes after it has sent the answer): calls `probe` every 250 ms until it returns a
 * value, and throws "Could not <what>" once `timeoutMs` has passed. A bound on waiting, not a
 * timing assertion: the caller asserts on what the probe returns.
 */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Could not ${what}: still not done after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
