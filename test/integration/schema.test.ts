import fs from 'node:fs';
import path from 'node:path';
import { printKamSchema } from '../../src/http/schema';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:emit` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printKamSchema());
  });

  it('describes fields in Chinese and English', async () => {
    const sdl = await printKamSchema();
    expect(sdl).toContain('客户编号 / account code');
    expect(sdl).toMatch(/type Account \{/);
  });
});
