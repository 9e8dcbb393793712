import { knobsFromEnv } from '../test/fake-ai/knobs.ts';
import { startFakeAi } from '../test/fake-ai/server.ts';

/**
 * `npm run fake-ai`: the fake OpenAI/Anthropic server for local trials without provider accounts.
 * Environment: FAKE_AI_PORT (4010), FAKE_AI_HOST (127.0.0.1), FAKE_AI_LATENCY_MS, FAKE_AI_STREAM_CHUNK_DELAY_MS,
 * FAKE_AI_RPM, FAKE_AI_TPM. Other knobs at runtime:
 *   curl -X POST $URL/__knobs -d '{"failNext":[{"status":429,"retryAfter":2}]}'
 */

const port = Number(process.env.FAKE_AI_PORT ?? 4010);
const host = process.env.FAKE_AI_HOST ?? '127.0.0.1';
const knobs = knobsFromEnv(process.env);
const fake = await startFakeAi({ port, host });
fake.setKnobs(knobs);

console.log(`fake-ai listening on ${fake.url}
  OpenAI base URL:    ${fake.openaiBaseUrl}
  Anthropic base URL: ${fake.anthropicBaseUrl}
  knobs:              ${JSON.stringify(fake.knobs)}

Point the IGNY8 server at it (demo mode: accounts without a provider key use it, results are marked demo):
  AI_DEMO_BASE_URL=${fake.url} npm start
or give an account a key whose base URL is the fake (POST /api/v1/ai/credentials with "baseUrl"; the key 'bad-key'
is refused with 401). Control: GET/POST ${fake.url}/__knobs, POST ${fake.url}/__reset,
GET ${fake.url}/__requests.`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`fake-ai: ${signal}, stopping`);
  fake.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
