/**
 * `bash scripts/rehearse.sh [options]`: the local rehearsal's entry point. Parses the command
 * line, runs the rehearsal, and makes sure Ctrl-C or a failure stops everything it started.
 */
import { parseCli, usage, UsageError } from './args';
import { keepHelp } from './keep';
import { EXIT, rehearse } from './rehearse';
import { activeTeardowns } from './teardown';

export async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`::error::${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  let interrupted = false;
  const stop = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping act, moto and the registry…`);
    void Promise.all([...activeTeardowns].map((t) => t())).finally(() =>
      process.exit(EXIT.interrupted),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  let rehearsal;
  try {
    rehearsal = await rehearse({ ...options, log: (line) => console.log(line) });
  } catch (error) {
    console.error(
      `::error::The rehearsal could not run: ${error instanceof Error ? error.message : String(error)}`,
    );
    return EXIT.failed;
  }
  if (options.keep) {
    activeTeardowns.add(rehearsal.teardown);
    console.log('\n' + keepHelp(rehearsal));
    await new Promise(() => undefined); // until Ctrl-C (the signal handler tears down and exits)
  }
  await rehearsal.teardown();
  return rehearsal.exitCode;
}
