import type { PrismaClient } from '../../generated/prisma/client.ts';
import { createApiKeysService } from './api-keys-service.ts';
import { createMembersService } from './members-service.ts';

export { accountsJobs } from './jobs-export.ts';

export interface AccountsServicesDeps {
  prisma: PrismaClient;
  invitationTtlHours: number;
  /** Base URL for invitation links handed to the inviter. */
  publicUrl: string;
}

/** The accounts module's services: members and invitations, and API keys. */
export function createAccountsServices(deps: AccountsServicesDeps) {
  return {
    members: createMembersService(deps),
    apiKeys: createApiKeysService({ prisma: deps.prisma }),
  };
}
