import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema, loadConfig, type Config } from '../src/config.ts';

// Checks docker-compose.yml and the Dockerfile without Docker: the compose file is parsed, its `${...}`
// interpolations are resolved the way `docker compose` would, and each container's environment is fed to the
// server's own loadConfig().

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const composeText = read('docker-compose.yml');
const dockerfileText = read('Dockerfile');
const rootPackage = JSON.parse(read('package.json')) as { workspaces: string[]; scripts: Record<string, string> };

// ---------------------------------------------------------------------------------------------------------------
// Compose interpolation (https://docs.docker.com/reference/compose-file/interpolation/), the subset a compose
// file may use here. Anything else throws, so an unsupported form fails the test instead of slipping through.

/** Value given to a `${VAR:?message}` variable left unset: URL-safe and long enough for JWT_SECRET. */
const dummyFor = (name: string) => `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}x`.repeat(40).slice(0, 40);

function interpolate(text: string, vars: Record<string, string> = {}): string {
  const pattern = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(.?))/g;
  return text.replace(pattern, (_match, dollar, name, op, arg, bare, bad) => {
    if (dollar) return '$';
    if (bare) return vars[bare] ?? '';
    if (name === undefined) throw new Error(`invalid interpolation "$${bad ?? ''}" in ${JSON.stringify(text)}`);
    if (arg?.includes('$')) throw new Error(`nested interpolation is not supported: ${JSON.stringify(text)}`);
    const value = vars[name];
    const set = op?.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
    switch (op?.replace(':', '')) {
      case undefined:
        return value ?? '';
      case '-':
        return set ? value! : arg;
      case '?':
        return set ? value! : dummyFor(name);
      case '+':
        return set ? arg : '';
      default:
        throw new Error(`unsupported operator ${op} in ${JSON.stringify(text)}`);
    }
  });
}

/** Names of the variables the text requires (`${VAR:?message}` or `${VAR?message}`). */
function requiredVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]!))];
}

// ---------------------------------------------------------------------------------------------------------------
// The compose model.

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  env_file?: unknown;
  ports?: (string | number | { target: number; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
  stop_grace_period?: string;
  user?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

const raw = parse(composeText, { merge: true }) as Compose;

/** Compose interpolates values (not keys, not comments) after parsing. */
function interpolateValues(node: unknown, vars: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, vars);
  if (Array.isArray(node)) return node.map((item) => interpolateValues(item, vars));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateValues(v, vars)]));
  }
  return node;
}

/** The compose file as `docker compose config` would see it with these variables set in the shell or .env. */
function composeWith(vars: Record<string, string>): Compose {
  return interpolateValues(raw, vars) as Compose;
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const eq = line.indexOf('=');
        expect(eq, `environment entry "${line}" has no value`).toBeGreaterThan(0);
        return [line.slice(0, eq), line.slice(eq + 1)] as const;
      })
    : Object.entries(env).map(([k, v]) => {
        expect(['string', 'number'], `${k} must be a string or a number in compose`).toContain(typeof v);
        return [k, String(v)] as const;
      });
  return Object.fromEntries(entries);
}

function commandOf(service: Service): string[] {
  const command = service.command;
  if (command === undefined) return dockerfile.cmd?.args ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

/** What the service's command runs: a root package.json script name. */
function scriptOf(service: Service): string {
  const command = commandOf(service);
  if (command[0] !== 'npm') throw new Error(`expected an npm command, got ${JSON.stringify(command)}`);
  const script = command[1] === 'start' ? 'start' : command[1] === 'run' ? command[2] : undefined;
  if (!script) throw new Error(`cannot tell the npm script of ${JSON.stringify(command)}`);
  return script;
}

function containerPorts(service: Service): { target: number; published?: number }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { target: Number(port.target), published: Number(port.published) };
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.at(-1));
    return parts.length > 1 ? { target, published: Number(parts.at(-2)) } : { target };
  });
}

function seconds(duration: string): number {
  const units: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join(''), `duration ${duration}`).toBe(duration);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// The Dockerfile: instructions of its final stage.

interface Instruction {
  op: string;
  args: string;
}
function parseDockerfile(text: string) {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const instructions: Instruction[] = logical.map((line) => {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    return { op: op!.toUpperCase(), args: args! };
  });
  const globalArgs = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.op === 'FROM') break;
    if (ins.op === 'ARG') {
      const [k, v = ''] = ins.args.split('=');
      globalArgs.set(k!, v);
    }
  }
  const stages: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(ins);
  }
  const final = stages.at(-1) ?? [];
  const baseOf = (stage: Instruction[]) =>
    stage[0]!.args.split(/\s+/)[0]!.replace(/\$\{?(\w+)\}?/g, (_m, k: string) => globalArgs.get(k) ?? '');
  const env: Record<string, string> = {};
  for (const ins of final.filter((i) => i.op === 'ENV')) {
    for (const [, k, v] of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env[k!] = v!.replace(/^"(.*)"$/, '$1');
    }
  }
  /** CMD/ENTRYPOINT as an argument list; shell form becomes `/bin/sh -c ...` as Docker runs it. */
  const command = (op: string) => {
    const ins = final.filter((i) => i.op === op).at(-1);
    if (!ins) return undefined;
    const exec = ins.args.startsWith('[');
    return { exec, args: exec ? (JSON.parse(ins.args) as string[]) : ['/bin/sh', '-c', ins.args] };
  };
  return {
    stages,
    final,
    bases: stages.map(baseOf),
    env,
    cmd: command('CMD'),
    entrypoint: command('ENTRYPOINT'),
    user: final.filter((i) => i.op === 'USER').at(-1)?.args,
  };
}
const dockerfile = parseDockerfile(dockerfileText);

/** The environment a container sees: the image's ENV, overridden by the service's `environment`. */
function containerEnv(service: Service): Record<string, string> {
  return { ...dockerfile.env, ...environmentOf(service) };
}

/** The settings among them (npm's own NPM_CONFIG_* and the like are not the server's business). */
function serverSettings(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k in ConfigSchema.shape));
}

/** What loadConfig() makes of a container's environment; failures name the service and every bad variable. */
function configOf(name: string, service: Service): Config {
  try {
    return loadConfig(serverSettings(containerEnv(service)));
  } catch (error) {
    throw new Error(`${name}'s environment: ${(error as Error).message}`, { cause: error });
  }
}

const ours = (name: string) => {
  const service = raw.services[name]!;
  return service.build !== undefined || Object.values(raw.services).some((s) => s.build && s.image === service.image);
};

// ---------------------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const defaults = composeWith({});
  const services = defaults.services;
  const byScript = (script: string) =>
    Object.entries(services).filter(([name, s]) => ours(name) && scriptOf(s) === script);

  it('has the postgres, api and worker services and no obsolete version key', () => {
    expect(Object.keys(raw)).not.toContain('version');
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'api', 'worker']));
    expect(ours('api') && ours('worker')).toBe(true);
  });

  it('runs only scripts that exist, each role where expected', () => {
    for (const [name, service] of Object.entries(services).filter(([n]) => ours(n))) {
      expect(Object.keys(rootPackage.scripts), `${name}'s npm script`).toContain(scriptOf(service));
      expect(service.env_file, `${name}: settings belong in environment, checked here`).toBeUndefined();
    }
    expect(scriptOf(services.api!)).toBe('api');
    expect(scriptOf(services.worker!)).toBe('worker');
  });

  it('interpolates the way compose does (the helper this file relies on)', () => {
    const vars = { SET: 'v', EMPTY: '' };
    expect(interpolate('a$$b ${SET} $SET ${UNSET}', vars)).toBe('a$b v v ');
    expect(interpolate('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:-d}', vars)).toBe('d d  v');
    expect(interpolate('${UNSET:+x}|${SET:+x}', vars)).toBe('|x');
    expect(interpolate('${SET:?msg}', vars)).toBe('v');
    expect(interpolate('${JWT_SECRET:?set it}', vars)).toHaveLength(40);
    expect(() => interpolate('$(date)', vars)).toThrow(/invalid interpolation/);
    expect(() => interpolate('${A:-${B}}', vars)).toThrow();
  });

  it('requires the secrets instead of defaulting them', () => {
    expect(requiredVariables(composeText)).toEqual(expect.arrayContaining(['JWT_SECRET', 'POSTGRES_PASSWORD']));
  });

  it('publishes the API on port 3000, the port it listens on, on all interfaces', () => {
    const env = configOf('api', services.api!);
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe('0.0.0.0');
    expect(containerPorts(services.api!)).toContainEqual({ target: env.PORT, published: 3000 });
  });

  it('gives every server environment variable a name the server knows', () => {
    const known = Object.keys(ConfigSchema.shape);
    for (const [name, service] of Object.entries(raw.services).filter(([n]) => ours(n))) {
      for (const key of Object.keys(environmentOf(service))) {
        expect(known, `${name}: ${key} is not in ConfigSchema (server/src/config.ts)`).toContain(key);
      }
    }
  });

  it.each([
    ['defaults', {}],
    [
      'a customised .env',
      {
        POSTGRES_USER: 'app_user',
        POSTGRES_PASSWORD: 'pw-Secret.123_~',
        POSTGRES_DB: 'app_db',
        JWT_SECRET: 'j'.repeat(48),
        PUBLIC_URL: 'https://seo.example.com',
        CORS_ORIGINS: 'https://a.example.com,https://b.example.com',
        TRUST_PROXY: 'true',
        LOG_LEVEL: 'debug',
        WORKER_CONCURRENCY: '8',
      },
    ],
  ] as const)('passes loadConfig() for every server container with %s', (_label, vars) => {
    const { services } = composeWith(vars);
    for (const [name, service] of Object.entries(services).filter(([n]) => ours(n))) {
      const config = configOf(name, service);
      expect(config.NODE_ENV, name).toBe('production');
      expect(config.JWT_SECRET, name).toBe((vars as Record<string, string>).JWT_SECRET ?? dummyFor('JWT_SECRET'));
    }
    const api = configOf('api', services.api!);
    if ('PUBLIC_URL' in vars) expect(api.PUBLIC_URL).toBe(vars.PUBLIC_URL);
    if ('CORS_ORIGINS' in vars) expect(api.CORS_ORIGINS).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it.each([
    ['defaults', {}],
    ['a customised .env', { POSTGRES_USER: 'app_user', POSTGRES_PASSWORD: 'pw-Secret.123_~', POSTGRES_DB: 'app_db' }],
  ] as const)('points DATABASE_URL at the postgres service with its credentials (%s)', (_label, vars) => {
    const { services } = composeWith(vars);
    const pg = environmentOf(services.postgres!);
    const user = pg.POSTGRES_USER || 'postgres';
    const database = pg.POSTGRES_DB || user;
    expect(pg.POSTGRES_PASSWORD).toBeTruthy();
    for (const [name, service] of Object.entries(services).filter(([n]) => ours(n))) {
      const config = configOf(name, service);
      expect(config.DATABASE_URL, `${name} needs PostgreSQL`).toBeDefined();
      const url = new URL(config.DATABASE_URL!);
      expect(url.hostname, name).toBe('postgres');
      expect(url.port || '5432', name).toBe('5432');
      expect(decodeURIComponent(url.username), name).toBe(user);
      expect(decodeURIComponent(url.password), name).toBe(pg.POSTGRES_PASSWORD);
      expect(url.pathname, name).toBe(`/${database}`);
      if ('POSTGRES_USER' in vars) expect([user, database]).toEqual([vars.POSTGRES_USER, vars.POSTGRES_DB]);
    }
  });

  it('keeps PostgreSQL data in a named volume and checks its health with pg_isready', () => {
    const pg = services.postgres!;
    const mounts = (pg.volumes ?? []).map((v) =>
      typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v,
    );
    const data = mounts.find((m) => m.target === '/var/lib/postgresql/data');
    expect(data, 'a volume on /var/lib/postgresql/data').toBeDefined();
    expect(Object.keys(defaults.volumes ?? {})).toContain(data!.source);
    expect([pg.healthcheck?.test].flat().join(' ')).toContain('pg_isready');
    expect(pg.restart).toMatch(/^(always|unless-stopped|on-failure)/);
  });

  it('starts api and worker only once PostgreSQL is healthy (and migrations ran, when there is a migrate step)', () => {
    const migrators = byScript('db:migrate').map(([name]) => name);
    for (const name of ['api', 'worker']) {
      const deps = services[name]!.depends_on;
      expect(Array.isArray(deps), `${name}: depends_on needs the long form to carry a condition`).toBe(false);
      const conditions = deps as Record<string, { condition?: string }>;
      expect(conditions.postgres?.condition, name).toBe('service_healthy');
      for (const migrator of migrators) expect(conditions[migrator]?.condition).toBe('service_completed_successfully');
    }
    for (const migrator of migrators) {
      const service = services[migrator]!;
      expect((service.depends_on as Record<string, { condition?: string }>).postgres?.condition).toBe(
        'service_healthy',
      );
      expect([undefined, 'no'], `${migrator} is one-shot`).toContain(service.restart);
    }
  });

  it('gives every long-running container of ours a healthcheck, or a restart policy for the port-less worker', () => {
    for (const [name, service] of Object.entries(services).filter(([n]) => ours(n))) {
      const script = scriptOf(service);
      if (script === 'db:migrate') continue; // one-shot, checked above
      expect(service.restart, `${name} restarts`).toMatch(/^(always|unless-stopped|on-failure)/);
      if (script === 'worker') continue; // no HTTP port; heartbeats in the database instead
      expect(['start', 'api'], `${name} runs an unexpected script`).toContain(script);
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect([service.healthcheck?.test].flat().join(' '), name).toContain('/api/v1/system/status');
    }
  });

  it('leaves time for a graceful shutdown before Docker kills a server container', () => {
    for (const [name, service] of Object.entries(services).filter(([n]) => ours(n))) {
      const config = configOf(name, service);
      const grace = seconds(service.stop_grace_period ?? '10s');
      expect(grace * 1000, `${name}: stop_grace_period vs SHUTDOWN_TIMEOUT_MS`).toBeGreaterThan(
        config.SHUTDOWN_TIMEOUT_MS,
      );
    }
  });

  describe("the API's healthcheck command", () => {
    const test = [services.api!.healthcheck!.test].flat() as string[];
    const script = () => {
      expect(test.slice(0, 3), 'CMD node -e: the slim image has no curl or wget').toEqual(['CMD', 'node', '-e']);
      return test[3]!;
    };

    /** Runs the healthcheck as Docker would (`node` being this Node), aimed at a local port. */
    function runHealthcheck(target: number): number | null {
      const code = script().replace(/127\.0\.0\.1:\d+\//, `127.0.0.1:${target}/`);
      const result = spawnSync(process.execPath, ['-e', code], { env: { PORT: String(target) }, timeout: 15_000 });
      return result.status;
    }

    /** A status endpoint in a child process: spawnSync would block one in this process. */
    function serveStatus(status: number): Promise<{ port: number; stop: () => Promise<unknown> }> {
      return new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '-e',
            `const s=require('node:http').createServer((q,r)=>{r.statusCode=q.url==='/api/v1/system/status'?${status}:404;r.end('{}')});` +
              `s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        child.once('error', reject);
        const stop = () => {
          const exited = new Promise((done) => child.once('exit', done));
          child.kill();
          return exited;
        };
        child.stdout.once('data', (d) => resolve({ port: Number(String(d).trim()), stop }));
      });
    }

    it('queries the status endpoint on the port the API listens on', () => {
      expect(script()).toContain('/api/v1/system/status');
      const literal = /127\.0\.0\.1:(\d+)\//.exec(script());
      if (literal) expect(Number(literal[1])).toBe(configOf('api', services.api!).PORT);
      else expect(script()).toContain('process.env.PORT');
    });

    it('exits 0 on 200, 1 on 503 and 1 when nothing listens', async () => {
      for (const [status, exit] of [
        [200, 0],
        [503, 1],
      ] as const) {
        const server = await serveStatus(status);
        try {
          expect(runHealthcheck(server.port), `HTTP ${status}`).toBe(exit);
        } finally {
          await server.stop();
        }
      }
      const gone = await serveStatus(200);
      // Exited: nothing listens on its port any more.
      await gone.stop();
      expect(runHealthcheck(gone.port), 'connection refused').toBe(1);
    });
  });
});

describe('Dockerfile', () => {
  it('builds on node:22-bookworm-slim (the Node the dependencies declare)', () => {
    expect(dockerfile.bases.at(-1)).toBe('node:22-bookworm-slim');
  });

  it('runs npm start by default, in exec form, as a non-root user, in production', () => {
    expect(dockerfile.entrypoint).toBeUndefined();
    expect(dockerfile.cmd?.exec, 'CMD in exec form, so signals reach npm rather than a shell').toBe(true);
    expect(dockerfile.cmd?.args).toEqual(['npm', 'start']);
    expect(Object.keys(rootPackage.scripts)).toContain('start');
    expect(dockerfile.user, 'a USER instruction in the final stage').toBeDefined();
    expect(dockerfile.user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(dockerfile.env.NODE_ENV).toBe('production');
    // The image's own settings are valid and listen beyond loopback (JWT_SECRET comes from the deployment).
    expect(ConfigSchema.parse(serverSettings(dockerfile.env)).HOST).toBe('0.0.0.0');
  });

  it('makes npm pass stop signals on to the server', () => {
    // Under `sh -c` (dash) a SIGTERM from `docker stop` kills the shell and orphans the server; bash execs.
    const usesNpm = [dockerfile.cmd?.args ?? [], ...Object.values(raw.services).map(commandOf)].some(
      (c) => c[0] === 'npm',
    );
    if (usesNpm) expect(dockerfile.env.NPM_CONFIG_SCRIPT_SHELL).toMatch(/\/bash$/);
  });

  it('installs dependencies from the manifests alone, every workspace included, before copying sources', () => {
    for (const stage of dockerfile.stages.filter((s) => s.some((i) => /^npm ci\b/.test(i.args)))) {
      const install = stage.findIndex((i) => i.op === 'RUN' && /^npm ci\b/.test(i.args));
      const copied = stage
        .slice(0, install)
        .filter((i) => i.op === 'COPY')
        .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
      for (const file of [
        'package.json',
        'package-lock.json',
        ...rootPackage.workspaces.map((w) => `${w}/package.json`),
      ]) {
        expect(copied, `${file} copied before npm ci`).toContain(file);
      }
      expect(copied.every((f) => f.endsWith('package.json') || f.endsWith('package-lock.json'))).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, local data, secrets and git out of the build context', () => {
    const patterns = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of ['node_modules', '.data', '.git', '.env', 'test-results']) {
      expect(
        patterns.some((p) => p.replace(/^\*\*\//, '') === needed),
        needed,
      ).toBe(true);
    }
  });
});
