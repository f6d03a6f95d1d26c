import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';

/**
 * NIST SP 800-63B's advice, which the field follows: length and a check against common and easily
 * guessed passwords, no composition rules. zxcvbn-ts estimates guesses against ~50,000 common
 * passwords, keyboard walks, repeats, dates and the user's own email.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
/** zxcvbn's score 3: "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_SCORE = 3;

/** Passwords written in our own docs, compose files and samples: never acceptable in production. */
export const KNOWN_DEFAULT_PASSWORDS = new Set([
  'change-me-now',
  'changeme',
  'jobdeck',
  'admin',
  'password',
  'jobdeck-admin',
]);

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/** Why a password is refused, in words a person can act on; null when it is acceptable. */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if (!password.trim()) return 'password must not be blank';
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (KNOWN_DEFAULT_PASSWORDS.has(password.toLowerCase())) return 'password is a published default; choose your own';
  const inputs = userInputs.flatMap((input) => [input, ...input.split(/[@.]/)]).filter((input) => input.length >= 3);
  const result = zxcvbn.check(password, inputs);
  if (result.score >= MIN_SCORE) return null;
  const why = result.feedback.warning ? ` (${warnings[result.feedback.warning] ?? result.feedback.warning})` : '';
  return `password is too easy to guess${why}; use a longer phrase of unrelated words`;
}

const warnings: Record<string, string> = {
  common: 'it is a commonly used password',
  commonNames: 'it is a common name',
  topTen: 'it is one of the ten most used passwords',
  topHundred: 'it is one of the hundred most used passwords',
  similarToCommon: 'it is close to a commonly used password',
  userInputs: 'it contains your email',
  straightRow: 'it is a row of keys',
  keyPattern: 'it is a keyboard pattern',
  simpleRepeat: 'it repeats one character',
  extendedRepeat: 'it repeats a pattern',
  sequences: 'it is a sequence',
  recentYears: 'it contains a recent year',
  dates: 'it contains a date',
};

/** The field of users.create and users.resetPassword: length checked by zod, guessability by the policy. */
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
