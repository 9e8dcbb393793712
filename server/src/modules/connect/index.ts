import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import { createBillingService } from '../billing/service.ts';
import { createConnectService } from './service.ts';
import { createSiteClient } from './site-client.ts';

/** The connect service wired from configuration: used by the API and by workers. */
export function connectServiceFor(config: Config, prisma: PrismaClient, box: SecretBox) {
  const outbound = { allowPrivateNetworks: config.ALLOW_PRIVATE_SITE_URLS };
  return createConnectService({
    prisma,
    box,
    outbound,
    siteClient: createSiteClient({ box, outbound }),
    connectionKeyTtlMinutes: config.CONNECTION_KEY_TTL_MINUTES,
    billing: createBillingService({ prisma }),
    serverUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
  });
}
