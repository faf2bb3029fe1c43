import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, configMarkdown } from '../../src/config';

describe('README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('documents every configuration variable with its default', () => {
    for (const v of CONFIG_VARIABLES) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${v.name}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(v.default === undefined ? '| — |' : `\`${v.default}\``);
    }
  });

  it('shows the configuration table exactly as `kam config --markdown` prints it', () => {
    expect(readme).toContain(configMarkdown());
  });

  it('keeps the two bare-machine commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
