/**
 * The slots of the servers' test hosts. A slot is a set of host names and /30 networks, one per
 * server, that one rehearsal at a time boots its servers in (the names become network namespace,
 * link and machine names on this machine: two hosts of one name cannot run at once). Each tier
 * has its own slot, its first choice, so a lone rehearsal's hosts keep their names and addresses
 * (lproxy at 10.254.71.2 for the lower tier); a rehearsal that finds its tier's slot taken by
 * another one running boots in the first free spare slot instead of waiting (serversLock.ts).
 */
import type { Tier } from '@pipelines/environments';

export interface ServerSlot {
  /** Names the slot's lock (serversLock.ts). */
  readonly id: string;
  /** Starts each host's name: `<prefix><service>`, cut to testHost.ts's 10 characters. */
  readonly prefix: string;
  /** The proxy's /30 is 10.254.<third>.0/30; the blog's, fulcrum's and rocketchat's follow it. */
  readonly third: number;
}

/**
 * Third octets apart from every other test host here: the testkit's own (7, 9), the infra tests'
 * (21-24, 31-34) and the server-rollout real-host test's (41). Each slot spans four (one per
 * server, SERVER_OFFSET in servers.ts).
 */
const TIER_SLOTS: Readonly<Record<Tier, ServerSlot>> = {
  lower: { id: 'lower', prefix: 'l', third: 71 },
  upper: { id: 'upper', prefix: 'u', third: 81 },
};
export const SPARE_SLOTS: readonly ServerSlot[] = [1, 2, 3, 4].map((n) => ({
  id: `spare${n}`,
  prefix: `s${n}`,
  third: 91 + 10 * n,
}));

/** A tier's slots in the order a rehearsal of it tries them: its own, then the spares. Pure. */
export function slotsOf(tier: Tier): ServerSlot[] {
  return [TIER_SLOTS[tier], ...SPARE_SLOTS];
}

/**
 * The slot a rehearsal of `tier` takes when the slots in `taken` (their ids) are held by other
 * running rehearsals: its tier's own if free, else the first free spare; undefined when all are
 * taken (it waits). Pure.
 */
export function chooseSlot(tier: Tier, taken: ReadonlySet<string>): ServerSlot | undefined {
  return slotsOf(tier).find((slot) => !taken.has(slot.id));
}
