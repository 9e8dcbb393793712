import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server for tests: PUT, GET and DELETE of objects with path-style addressing
 * (/<bucket>/<key>), every request checked for a valid AWS Signature Version 4 (AWS4-HMAC-SHA256) made with the one
 * key pair it knows, and the payload hash checked against the body. Errors answer in S3's XML shape.
 */
export interface FakeS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Stored objects by key (without the bucket). */
  objects: Map<string, { body: Buffer; contentType: string | undefined }>;
  requests: { method: string; path: string; status: number; authorization: string | undefined }[];
  close(): Promise<void>;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function xmlError(code: string, message: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Why the request's SigV4 signature is not valid, or null when it is. */
function signatureProblem(req: IncomingMessage, body: Buffer, s3: Pick<FakeS3, 'accessKeyId' | 'secretAccessKey'>) {
  const auth = req.headers.authorization;
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth ?? '',
    );
  if (!match) return 'no AWS4-HMAC-SHA256 Authorization header';
  const [, keyId, date, region, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== s3.accessKeyId) return 'unknown access key';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return 'x-amz-date does not match the credential date';
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return 'payload hash mismatch';
  const [rawPath, rawQuery = ''] = (req.url ?? '/').split('?');
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((p) => (p.includes('=') ? p : `${p}=`))
    .sort()
    .join('&');
  const names = signedHeaders!.split(';');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const canonical = [req.method, rawPath, query, headers, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${s3.secretAccessKey}`, date!);
  for (const part of [region!, 's3', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? null : 'signature mismatch';
}

export async function startFakeS3(options: { bucket?: string } = {}): Promise<FakeS3> {
  const state = {
    bucket: options.bucket ?? 'igny8-media',
    accessKeyId: 'AKIAFAKES3TEST',
    secretAccessKey: 'fake-s3-secret-key-for-tests',
    region: 'us-east-1',
    objects: new Map<string, { body: Buffer; contentType: string | undefined }>(),
    requests: [] as FakeS3['requests'],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (status: number, payload: Buffer | string = '', headers: Record<string, string> = {}) => {
        state.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status,
          authorization: req.headers.authorization,
        });
        res.writeHead(status, { 'x-amz-request-id': 'fake', ...headers });
        res.end(req.method === 'HEAD' ? undefined : payload);
      };
      const problem = signatureProblem(req, body, state);
      if (problem) return send(403, xmlError('SignatureDoesNotMatch', problem), { 'content-type': 'application/xml' });
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      const [, bucket, ...rest] = path.split('/');
      const key = rest.join('/');
      if (bucket !== state.bucket)
        return send(404, xmlError('NoSuchBucket', 'The bucket does not exist'), { 'content-type': 'application/xml' });
      if (!key)
        return send(400, xmlError('InvalidRequest', 'Only object requests'), { 'content-type': 'application/xml' });
      switch (req.method) {
        case 'PUT':
          state.objects.set(key, { body, contentType: req.headers['content-type'] });
          return send(200, '', { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        case 'GET': {
          const object = state.objects.get(key);
          if (!object)
            return send(404, xmlError('NoSuchKey', 'The key does not exist'), { 'content-type': 'application/xml' });
          return send(200, object.body, {
            'content-type': object.contentType ?? 'application/octet-stream',
            'content-length': String(object.body.length),
          });
        }
        case 'DELETE':
          state.objects.delete(key);
          return send(204);
        default:
          return send(405, xmlError('MethodNotAllowed', 'Not supported'), { 'content-type': 'application/xml' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...state,
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
