import { expect } from 'vitest';

/** What a promise is rejected with, checked to be a `type` (a promise that resolves fails the test). */
export async function rejectionOf<E>(promise: Promise<unknown>, type: abstract new (...args: any[]) => E): Promise<E> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
