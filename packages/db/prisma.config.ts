import { defineConfig } from 'prisma/config';

// The URL is only read by commands that talk to the database (`prisma migrate deploy`, `studio`);
// `prisma generate` does not need one.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/jobdeck' },
});
