import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSchema, printSortedSchema } from './schema';

/** `npm run schema`: rewrites schema.graphql from the code. */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, '../../schema.graphql');
  writeFileSync(file, printSortedSchema(await createSchema()));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main();
