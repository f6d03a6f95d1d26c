import type { Db } from '@jobdeck/db';

const CHECK_EVERY_MS = 2_000;

/**
 * Long-lived streams authenticate once, at their start; this keeps asking whether their credential
 * still holds. One query every two seconds for all open streams of this process (not one per
 * stream), so a revoked token, a logged-out session or a disabled user loses its streams within
 * seconds, on every API instance, whichever instance made the change.
 */
export interface SessionWatch {
  /** Calls `onRevoked` once when the token stops being valid; returns the way to stop watching. */
  watch(tokenId: string, onRevoked: () => void): () => void;
  /** Checks at once: after this instance revoked something itself. */
  checkNow(): Promise<void>;
  close(): void;
}

export function createSessionWatch(db: Db, intervalMs = CHECK_EVERY_MS): SessionWatch {
  const watchers = new Map<string, Set<() => void>>();
  let checking: Promise<void> | null = null;

  async function check(): Promise<void> {
    const ids = [...watchers.keys()];
    if (!ids.length) return;
    const valid = await db.apiToken
      .findMany({
        where: {
          id: { in: ids },
          revokedAt: null,
          OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
          AND: [{ OR: [{ userId: null }, { user: { disabledAt: null } }] }],
        },
        select: { id: true },
      })
      // Postgres away: a stream is not ended for a fact that could not be read; the next check decides.
      .catch(() => null);
    if (!valid) return;
    const still = new Set(valid.map((token) => token.id));
    for (const id of ids) {
      if (still.has(id)) continue;
      for (const onRevoked of watchers.get(id) ?? []) onRevoked();
      watchers.delete(id);
    }
  }

  const run = () => (checking ??= check().finally(() => (checking = null)));
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();

  return {
    watch(tokenId, onRevoked) {
      const set = watchers.get(tokenId) ?? new Set();
      set.add(onRevoked);
      watchers.set(tokenId, set);
      return () => {
        set.delete(onRevoked);
        if (!set.size) watchers.delete(tokenId);
      };
    },
    checkNow: () => run(),
    close: () => clearInterval(timer),
  };
}
