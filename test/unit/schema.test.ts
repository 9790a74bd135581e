import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLObjectType, isInputObjectType, isObjectType } from 'graphql';
import { createSchema, printSortedSchema } from '../../src/schema';

describe('the committed schema.graphql', () => {
  test('is exactly what the code emits (run `npm run schema` after changing the schema)', async () => {
    const committed = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(printSortedSchema(await createSchema())).toBe(committed);
  });

  test('describes every type and field for clients reading it in the explorer', async () => {
    const schema = await createSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInputObjectType(type))) continue;
      if (!['Query', 'Mutation', 'Subscription'].includes(type.name) && !type.description) missing.push(type.name);
      for (const field of Object.values((type as GraphQLObjectType).getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
    }
    expect(missing).toEqual([]);
  });
});
