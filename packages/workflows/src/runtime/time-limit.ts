/**
 * `promise`, or the error `late()` makes once `ms` have passed, whichever comes first; the timer is
 * cleared either way. The promise itself is not cancelled: what it does, it finishes unwatched.
 */
export async function withTimeLimit<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(late()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
