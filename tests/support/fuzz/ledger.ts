// The bookkeeping of a run: what each 2xx answer said it created, and which audit rows each mutation
// call should have left. Afterwards the fuzz database and namespace must hold nothing else.
import type { Services } from '@jobdeck/api';
import type { Answer, Plan } from './http';
import { sha256 } from './instance';
import type { Pools } from './procedures';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Audit expectations are counted per (role, action, outcome): calls run concurrently, rows carry no request id. */
type AuditKey = string;
const auditKey = (role: string | null, action: string, outcome: string): AuditKey =>
  `${role ?? 'none'}|${action}|${outcome}`;

export class Ledger {
  readonly jobs = new Set<string>();
  readonly templates = new Set<string>();
  readonly users = new Set<string>();
  readonly tokens = new Set<string>();
  readonly sessionHashes = new Set<string>();
  readonly schedules = new Set<string>();
  readonly emails = new Set<string>();
  readonly credentials: Array<{ email: string; password: string }> = [];
  /** Calls that must have left an audit row with this outcome. */
  readonly required = new Map<AuditKey, number>();
  /** Calls that may or may not have (no answer, refused before the procedure ran): per role|action. */
  readonly maybe = new Map<string, number>();

  constructor(private readonly adminUserId: string) {}

  /** What the run created, as its 2xx answers told. */
  summary(): string {
    const owed = [...this.required.values()].reduce((sum, count) => sum + count, 0);
    return `jobs ${this.jobs.size}, templates ${this.templates.size}, users ${this.users.size}, service tokens ${this.tokens.size}, sessions ${this.sessionHashes.size}, schedules ${this.schedules.size}; ${owed} audit rows owed`;
  }

  pools(adminPassword: string): Pools {
    const list = (set: Set<string>) => {
      let cache: string[] = [];
      let size = -1;
      return () => (set.size === size ? cache : ((size = set.size), (cache = [...set])));
    };
    const users = list(this.users);
    return {
      jobs: list(this.jobs),
      templates: list(this.templates),
      users: () => [...users(), this.adminUserId],
      tokens: list(this.tokens),
      schedules: list(this.schedules),
      emails: list(this.emails),
      credentials: () => this.credentials,
      adminPassword,
    };
  }

  /** Reads one answer of the fuzz instance: ids created, audit rows owed. */
  record(plan: Plan, answer: Answer): void {
    plan.calls.forEach((call, index) => {
      const outcome = answer.outcomes[index]!;
      if (call.kind === 'mutation') {
        const role = plan.caller.role;
        if (outcome.code === 'ok') this.bump(this.required, auditKey(role, call.path, 'ok'));
        else if (outcome.code === 'UNAUTHORIZED' && call.path !== 'auth.login') {
          // Documented: a caller without a valid token changed nothing and is not recorded.
        } else if (outcome.ranProcedure && outcome.code && outcome.code !== 'METHOD_NOT_SUPPORTED')
          this.bump(this.required, auditKey(role, call.path, outcome.code));
        else this.bump(this.maybe, `${role ?? 'none'}|${call.path}`);
      }
      if (outcome.code !== 'ok') return;
      this.created(call.path, outcome.data);
      const password = (call.input as { password?: unknown } | undefined)?.password;
      const email = (outcome.data as { email?: unknown } | undefined)?.email;
      if (call.path === 'users.create' && typeof password === 'string' && typeof email === 'string')
        this.credentials.push({ email, password });
    });
  }

  private bump(map: Map<string, number>, key: string) {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  private created(path: string, data: unknown): void {
    if (!isObj(data)) return;
    const id = str(data.id);
    switch (path) {
      case 'jobs.enqueue':
      case 'jobs.retry':
      case 'jobs.startLike':
      case 'templates.run':
      case 'flows.start':
        if (id) this.jobs.add(id);
        break;
      case 'jobs.bulk':
        if (str(data.jobId)) this.jobs.add(data.jobId as string);
        if (Array.isArray(data.results))
          for (const result of data.results)
            if (isObj(result) && str(result.newId)) this.jobs.add(result.newId as string);
        break;
      case 'templates.create':
        if (id) this.templates.add(id);
        break;
      // "Evaluate now" and a channel's "Send test" answer the job they started.
      case 'alerts.rules.evaluate':
      case 'alerts.channels.test':
        if (str(data.jobId)) this.jobs.add(data.jobId as string);
        break;
      case 'users.create':
        if (id) this.users.add(id);
        if (str(data.email)) this.emails.add(data.email as string);
        break;
      case 'tokens.create':
        if (id) this.tokens.add(id);
        break;
      case 'auth.login':
        if (str(data.token)) this.sessionHashes.add(sha256(data.token as string));
        break;
      case 'schedules.create':
        if (id) this.schedules.add(id);
        break;
      default:
        break;
    }
  }
}

export interface Unaccounted {
  what: string;
  ids: string[];
}

/** Rows and Temporal objects of the fuzz instance that no 2xx answer reported creating. */
export async function unaccounted(
  services: Services,
  ledger: Ledger,
  setup: { adminUserId: string; setupTokenIds: Set<string> },
): Promise<Unaccounted[]> {
  const { db, temporal } = services;
  const found: Unaccounted[] = [];
  const report = (what: string, ids: string[]) => {
    if (ids.length) found.push({ what, ids });
  };
  report(
    'Job rows',
    (await db.job.findMany({ select: { id: true } })).map((row) => row.id).filter((id) => !ledger.jobs.has(id)),
  );
  report(
    'JobTemplate rows',
    (await db.jobTemplate.findMany({ select: { id: true } }))
      .map((row) => row.id)
      .filter((id) => !ledger.templates.has(id)),
  );
  report(
    'User rows',
    (await db.user.findMany({ select: { id: true } }))
      .map((row) => row.id)
      .filter((id) => id !== setup.adminUserId && !ledger.users.has(id)),
  );
  report(
    'ApiToken rows',
    (await db.apiToken.findMany({ select: { id: true, tokenHash: true, kind: true, name: true } }))
      .filter(
        (row) =>
          !setup.setupTokenIds.has(row.id) && !ledger.tokens.has(row.id) && !ledger.sessionHashes.has(row.tokenHash),
      )
      .map((row) => `${row.kind}:${row.name.slice(0, 40)}:${row.id}`),
  );
  const workflows: string[] = [];
  for await (const execution of temporal.workflow.list()) {
    const scheduledBy = execution.searchAttributes?.TemporalScheduledById;
    const scheduleId = Array.isArray(scheduledBy) ? String(scheduledBy[0]) : undefined;
    if (ledger.jobs.has(execution.workflowId)) continue;
    if (scheduleId && ledger.schedules.has(scheduleId)) continue;
    workflows.push(`${execution.workflowId}${scheduleId ? ` (schedule ${scheduleId})` : ''}`);
  }
  report('Temporal workflows', workflows);
  const schedules: string[] = [];
  for await (const schedule of temporal.schedule.list())
    if (!ledger.schedules.has(schedule.scheduleId)) schedules.push(schedule.scheduleId);
  report('Temporal schedules', schedules);
  return found;
}

/**
 * Jobs a 2xx answer reported that have no record. The workflow's first activity writes a record that
 * could not be written at enqueue while Postgres was away; Postgres is up throughout a fuzz run, so a
 * missing record here is one the API could not write (and a worker could not either).
 */
export async function jobsWithoutRecord(services: Services, ledger: Ledger): Promise<string[]> {
  const ids = [...ledger.jobs];
  const rows = new Set(
    (await services.db.job.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((row) => row.id),
  );
  // A fuzzed jobs.delete or bulk delete (an admin's, by a search that may match them all) removed
  // these on purpose: its tombstone says so.
  const deleted = new Set(
    (await services.db.deletedJob.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((row) => row.id),
  );
  return ids.filter((id) => !rows.has(id) && !deleted.has(id));
}

export interface AuditFinding {
  key: string;
  detail: string;
}

const MAX_ANONYMOUS_ROW = 16 * 1024;
/** The largest input a valid request carries (256 KiB of job input and its envelope). */
const MAX_ROW = 300 * 1024;

/** Compares the audit trail written during the run with the answers: a row per mutation call, its outcome the answer's. */
export async function auditFindings(
  services: Services,
  ledger: Ledger,
  afterId: bigint,
): Promise<{ rows: number; findings: AuditFinding[] }> {
  const rows = await services.db.auditLog.findMany({ where: { id: { gt: afterId } }, orderBy: { id: 'asc' } });
  const counted = new Map<AuditKey, number>();
  const findings: AuditFinding[] = [];
  for (const row of rows) {
    const key = auditKey(row.role, row.action, row.outcome);
    counted.set(key, (counted.get(key) ?? 0) + 1);
    const size = JSON.stringify({ ...row, id: row.id.toString() }).length;
    if (row.actor.length > 320)
      findings.push({
        key: `oversized actor|${row.action}`,
        detail: `audit row ${row.id} (${row.action}, ${row.outcome}) has an actor of ${row.actor.length} characters`,
      });
    if (row.role === null && size > MAX_ANONYMOUS_ROW)
      findings.push({
        key: `oversized anonymous row|${row.action}`,
        detail: `audit row ${row.id} of an unauthenticated ${row.action} (${row.outcome}) is ${Math.round(size / 1024)} KiB`,
      });
    else if (size > MAX_ROW)
      findings.push({
        key: `oversized row|${row.action}`,
        detail: `audit row ${row.id} (${row.role} ${row.action}, ${row.outcome}) is ${Math.round(size / 1024)} KiB`,
      });
  }
  // Every call the answers say ran must have its row, with the answer's outcome.
  for (const [key, expected] of ledger.required) {
    const got = counted.get(key) ?? 0;
    if (got < expected)
      findings.push({
        key: `missing audit rows|${key}`,
        detail: `${key}: ${expected} calls answered so, ${got} audit rows say so`,
      });
  }
  // Rows no answer explains: outcomes that differ from what the caller was told, or calls audited twice.
  const surplus = new Map<string, number>();
  for (const [key, got] of counted) {
    const extra = got - (ledger.required.get(key) ?? 0);
    if (extra > 0) {
      const [role, action] = key.split('|');
      surplus.set(`${role}|${action}`, (surplus.get(`${role}|${action}`) ?? 0) + extra);
    }
  }
  for (const [roleAction, extra] of surplus) {
    const slack = ledger.maybe.get(roleAction) ?? 0;
    if (extra > slack) {
      const outcomes = [...counted]
        .filter(([key]) => key.startsWith(`${roleAction}|`))
        .map(([key, got]) => `${key.split('|')[2]} ${got} rows / ${ledger.required.get(key) ?? 0} answers`);
      findings.push({
        key: `audit rows without a matching answer|${roleAction}`,
        detail: `${roleAction}: ${extra} rows more than answers (${slack} calls without a clear answer): ${outcomes.join(', ')}`,
      });
    }
  }
  return { rows: rows.length, findings };
}
