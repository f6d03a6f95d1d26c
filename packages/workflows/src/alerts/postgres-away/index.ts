// A Postgres rule fires while Postgres is away (see store.ts): kept, fired and settled.
export { rememberPostgresRules } from './store';
export { firePostgresAway, postgresProblem } from './fire';
export { settlePostgresAway } from './settle';
