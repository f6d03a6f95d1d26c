import { TRPCClientError } from '@trpc/client';

export interface Issue {
  path: string[];
  message: string;
  code?: string;
}

interface ErrorData {
  code?: string;
  httpStatus?: number;
  issues?: Issue[];
  fieldErrors?: Record<string, string[]>;
}

function dataOf(error: unknown): ErrorData | undefined {
  if (error instanceof TRPCClientError) return error.data as ErrorData | undefined;
  return undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  return dataOf(error)?.httpStatus;
}

export function isUnauthorized(error: unknown): boolean {
  return httpStatusOf(error) === 401;
}

/** Client errors (4xx) do not get better by asking again. */
export function isClientError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500;
}

export function issuesOf(error: unknown): Issue[] {
  return dataOf(error)?.issues ?? [];
}

/** The server's messages are already meant for people; a failed fetch is not. */
export function messageOf(error: unknown): string {
  if (!error) return 'unknown error';
  const message = error instanceof Error ? error.message : String(error);
  if (/failed to fetch|networkerror|load failed/i.test(message)) return 'cannot reach the Jobdeck API; is it running?';
  if (/unexpected (token|end)|is not valid json/i.test(message))
    return 'the API answered with something that is not JSON (is the proxy up?)';
  return message;
}

/** An issue in words, with where it is: "input.records: Too big". */
export function describeIssue(issue: Issue): string {
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
