/** What a form or a dialog needs of a tRPC mutation (its useMutation() result). */
export interface Mutation<Input, Result> {
  mutate: (input: Input, callbacks: { onSuccess: (result: Result) => void; onError: (error: unknown) => void }) => void;
  isPending: boolean;
}
