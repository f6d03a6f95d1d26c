import { Client, Connection } from '@temporalio/client';
import { startTemporalDevServer } from '/work/main/scripts/lib/temporal.mjs';
import { freePort } from '/work/main/scripts/lib/util.mjs';
const port = await freePort();
const child = await startTemporalDevServer({ cli: '/work/main/.tools/venv/bin/temporal', port, headless: true, searchAttributes: { JobType: 'Keyword', JobState: 'Keyword' } });
try {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}`, interceptors: [] });
  const client = new Client({ connection });
  for (let round = 0; round < 6; round++) {
    const results = await Promise.allSettled(Array.from({ length: 48 }, () => client.workflowService.countWorkflowExecutions({ namespace: 'default', query: "JobType IS NOT NULL" })));
    const errs = results.filter(r => r.status === 'rejected');
    console.log(`round ${round}: ${errs.length} of 48 failed`, errs[0]?.reason?.code, errs[0]?.reason?.details ?? errs[0]?.reason?.message);
    await new Promise(r => setTimeout(r, round < 3 ? 100 : 1500));
  }
  await connection.close();
} finally { child.kill('SIGTERM'); }
