// Free loopback ports for what the tests start themselves: the test stack's own helpers, typed once.
// @ts-expect-error -- plain .mjs without type declarations
import * as util from '../../scripts/lib/util.mjs';

/** A port nothing listens on now. */
export const freePort: () => Promise<number> = util.freePort;
/** A port for a Temporal dev server, with its HTTP (+1000) and metrics (+2000) neighbours free too. */
export const freeTemporalPort: () => Promise<number> = util.freeTemporalPort;
