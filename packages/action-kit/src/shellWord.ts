/**
 * A word the shell reads as itself, for commands a job summary or a tool prints for someone to
 * paste: left as it is when made of safe characters only, else single-quoted.
 */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._/:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
