import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.ts';

const root = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('README configuration table', () => {
  it('documents every environment variable the server reads, and no other', async () => {
    const readme = await root('README.md');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)`\s+\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
  });
});

describe('README quick start', () => {
  it('says where the data lives, and the server puts it there', async () => {
    const readme = await root('README.md');
    expect(readme).toContain('lives in `./.data` under the folder you ran `npm start`');
    // npm runs the server's script inside server/ and names the folder it was started from in INIT_CWD.
    const repo = path.resolve('/srv/igny8');
    expect(loadConfig({ INIT_CWD: repo }).dataDir).toBe(path.join(repo, '.data'));
    expect(loadConfig({ INIT_CWD: repo, DATA_DIR: 'state' }).dataDir).toBe(path.join(repo, 'state'));
    expect(loadConfig({ INIT_CWD: repo, DATA_DIR: '/var/lib/igny8' }).dataDir).toBe('/var/lib/igny8');
  });

  it('shows how to choose the port, as the server reads it', async () => {
    const readme = await root('README.md');
    const [, port] = readme.match(/`PORT=(\d+) npm start`/) ?? [];
    expect(port).toBeDefined();
    expect(loadConfig({ PORT: port }).PORT).toBe(Number(port));
  });

  it('names the demo command and every port setting the demo script reads', async () => {
    const [readme, demo, pkg] = await Promise.all([root('README.md'), root('scripts/demo.mjs'), root('package.json')]);
    expect(JSON.parse(pkg).scripts.demo).toBe('node scripts/demo.mjs');
    expect(readme).toContain('npm ci && npm run demo');
    const settings = [...demo.matchAll(/port\('(DEMO_[A-Z_]+)', (\d+)\)/g)].map((m) => `\`${m[1]}\` (${m[2]})`);
    expect(settings.length).toBe(4);
    for (const setting of settings) expect(readme).toContain(setting);
  });

  it("has the fake provider's banner name the server's own variables", async () => {
    const banner = await readFile(new URL('../scripts/fake-ai.ts', import.meta.url), 'utf8');
    const named = [...banner.matchAll(/\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)=\$\{/g)].map((m) => m[1]!);
    expect(named).toContain('AI_DEMO_BASE_URL');
    for (const variable of named) expect(Object.keys(ConfigSchema.shape)).toContain(variable);
  });

  it('asks for the Node.js version the dependencies declare, as package.json and the CI script do', async () => {
    const [readme, pkg, ensure] = await Promise.all([
      root('README.md'),
      root('package.json'),
      root('scripts/ensure-node.sh'),
    ]);
    expect(JSON.parse(pkg).engines.node).toBe('>=22.19');
    expect(readme).toContain('Node.js 22.19 or newer');
    expect(ensure).toContain('a===22&&b>=19');
  });
});
