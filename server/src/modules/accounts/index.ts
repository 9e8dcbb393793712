import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { createApiKeysService } from './api-keys-service.ts';
import { createMembersService } from './members-service.ts';

export { accountsJobs } from './jobs-export.ts';

export interface AccountsServicesDeps {
  prisma: PrismaClient;
  invitationTtlHours: number;
  /** Mails invitations (with the link to the web app's accept page). */
  notifications: NotificationsService;
}

/** The accounts module's services: members and invitations, and API keys. */
export function createAccountsServices(deps: AccountsServicesDeps) {
  return {
    members: createMembersService(deps),
    apiKeys: createApiKeysService({ prisma: deps.prisma }),
  };
}
