// The bare baseline's one activity: the same work as a one-record `data.sync` job (a record
// computed from its source and appended to a file), with nothing of Jobdeck around it.
import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';

export interface BareInput {
  source: string;
  records: number;
}

export function bareActivities(storageDir: string) {
  return {
    async syncRecords(input: BareInput): Promise<{ records: number; output: string }> {
      const dir = join(storageDir, 'bare');
      await mkdir(dir, { recursive: true });
      const { workflowExecution, activityId } = Context.current().info;
      const output = join(dir, `${workflowExecution?.workflowId ?? activityId}.jsonl`);
      let chunk = '';
      for (let index = 0; index < input.records; index++) {
        const checksum = createHash('sha1').update(`${input.source}:${index}`).digest('hex').slice(0, 12);
        chunk += `${JSON.stringify({ id: `${input.source}-${index}`, index, checksum })}\n`;
      }
      await appendFile(output, chunk);
      return { records: input.records, output };
    },
  };
}
