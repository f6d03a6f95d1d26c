import { z } from 'zod';

// Deliberately loose: dev and intranet addresses such as admin@localhost are valid here.
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'email is not a valid address');
