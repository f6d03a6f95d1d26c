// How every fault drill starts: its own stack (drill-stack.ts), a webhook receiver on loopback, a
// worker and an API on the stack, an admin's typed client and a Temporal client; torn down after the
// drill. What a drill asserts afterwards is in drill-checks.ts.
import { afterAll, beforeAll } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { jobdeckDataConverter } from '@jobdeck/workflows/codec';
import { loopbackReceiver, type LoopbackReceiver } from './loopback-receiver';
import { startDrillStack, type DrillStack, type DrillStackOptions, type Proc } from './drill-stack';

export async function adminClient(
  stack: DrillStack,
  apiUrl: string,
): Promise<{ client: JobdeckClient; token: string }> {
  const { token } = await createJobdeckClient({ url: apiUrl }).auth.login.mutate({
    email: 'admin@localhost',
    password: stack.adminPassword,
  });
  return { client: createJobdeckClient({ url: apiUrl, token }), token };
}

export async function temporalClient(stack: DrillStack): Promise<Client> {
  return new Client({
    connection: await Connection.connect({ address: stack.temporal.address }),
    dataConverter: jobdeckDataConverter(stack.env.JOBDECK_ENCRYPTION_KEYS!),
  });
}

export interface Drill {
  stack: DrillStack;
  /** Answers each POST as the drill's `answer` says (200 at once by default). */
  receiver: LoopbackReceiver;
  worker: Proc;
  api: Proc & { url: string; port: number };
  /** The API's typed client, logged in as the admin. */
  client: JobdeckClient;
  token: string;
  temporal: Client;
}

/**
 * Starts the drill's stack before its tests (the fields are set by the time they run) and tears it
 * down after them, whatever state the drill left it in.
 */
export function useDrill(
  options: DrillStackOptions & { answer?: Parameters<typeof loopbackReceiver>[1] },
): Readonly<Drill> {
  const drill = {} as Drill;
  beforeAll(async () => {
    drill.stack = await startDrillStack(options);
    drill.receiver = await loopbackReceiver('127.0.0.1', options.answer);
    [drill.worker, drill.api] = await Promise.all([drill.stack.startWorker(), drill.stack.startApi()]);
    Object.assign(drill, await adminClient(drill.stack, drill.api.url));
    drill.temporal = await temporalClient(drill.stack);
  });
  afterAll(async () => {
    await drill.receiver?.close();
    await drill.stack?.teardown();
  });
  return drill;
}
