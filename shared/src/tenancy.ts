import { z } from 'zod';
import { ZEmail, ZPassword, ZRole } from './auth.ts';

export const ZMember = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  createdAt: z.string(),
});
export type TMember = z.infer<typeof ZMember>;

export const ZUpdateMemberBody = z.strictObject({ role: ZRole });

export const ZCreateInvitationBody = z.strictObject({
  email: ZEmail,
  role: ZRole.exclude(['owner']).default('editor'),
});
export type TCreateInvitationBody = z.infer<typeof ZCreateInvitationBody>;

export const ZInvitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role: ZRole,
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TInvitation = z.infer<typeof ZInvitation>;

/** The inviter gets the link (no mail server is assumed) and passes it on. */
export const ZCreatedInvitation = ZInvitation.extend({ token: z.string(), acceptUrl: z.string() });

export const ZInvitationPreview = z.object({
  accountName: z.string(),
  email: z.string(),
  role: ZRole,
  expiresAt: z.string(),
  /** True when a user with this email exists: accepting then needs their password, not a new one. */
  existingUser: z.boolean(),
});

export const ZAcceptInvitationBody = z.strictObject({
  password: ZPassword,
  /** Required when no user with the invited email exists yet. */
  name: z.string().trim().min(1).max(120).optional(),
});

export const ZLanguage = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { message: 'must be a language tag such as "en" or "pt-BR"' });

const ZTimezone = z
  .string()
  .trim()
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' },
  );

const ZSiteUrl = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as "https://example.com"' }));

/** A site's monthly credit budget: a whole number of credits (0 stops every paid run of the site). */
export const ZMonthlyCreditBudget = z
  .number({ message: 'must be a whole number of credits, or null for no budget' })
  .int({ message: 'must be a whole number of credits' })
  .min(0, { message: 'must be 0 or more credits' })
  .max(1_000_000_000, { message: 'must be at most 1,000,000,000 credits' });

/** The writing voice ("friendly expert", "formal", ...): a task's own wins, then its sector's, then its site's. */
const ZVoice = z.string().trim().max(2000);

export const ZCreateSiteBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  url: ZSiteUrl,
  language: ZLanguage.default('en'),
  timezone: ZTimezone.default('UTC'),
  /** The site's default voice, used when neither the task nor its sector names one ("" for none). */
  voice: ZVoice.default(''),
});
export type TCreateSiteBody = z.infer<typeof ZCreateSiteBody>;

export const ZUpdateSiteBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    url: ZSiteUrl,
    language: ZLanguage,
    timezone: ZTimezone,
    voice: ZVoice,
    /** Credits the site's runs may use per calendar month (UTC); null removes the limit. Admins and owners only. */
    monthlyCreditBudget: ZMonthlyCreditBudget.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });
export type TUpdateSiteBody = z.infer<typeof ZUpdateSiteBody>;

/** What the site list shows of a connection (the full view is GET /sites/:siteId/connection). */
export const ZSiteConnectionSummary = z.object({
  status: z.enum(['connected', 'disconnected']),
  wpVersion: z.string().nullable(),
  pluginVersion: z.string().nullable(),
  health: z.enum(['unknown', 'ok', 'unreachable', 'error']),
  lastContactAt: z.string().nullable(),
});

export const ZSite = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  language: z.string(),
  timezone: z.string(),
  /** The default voice for the site's writing ("" for none): a sector's or task's own voice wins. */
  voice: z.string(),
  sectorCount: z.number().int(),
  /** Credits the site's runs may use per calendar month (UTC); null: no budget. */
  monthlyCreditBudget: z.number().int().nullable(),
  connection: ZSiteConnectionSummary.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSite = z.infer<typeof ZSite>;

export const ZSiteParams = z.object({ siteId: z.uuid({ message: 'must be a site id (UUID)' }) });
export const ZSectorParams = ZSiteParams.extend({
  sectorId: z.uuid({ message: 'must be a sector id (UUID)' }),
});

export const ZCreateSectorBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  voice: ZVoice.default(''),
  language: ZLanguage.nullable().optional(),
});
export type TCreateSectorBody = z.infer<typeof ZCreateSectorBody>;

export const ZUpdateSectorBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    voice: ZVoice,
    language: ZLanguage.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });
export type TUpdateSectorBody = z.infer<typeof ZUpdateSectorBody>;

export const ZSector = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  name: z.string(),
  voice: z.string(),
  /** Null: the site's language applies. */
  language: z.string().nullable(),
  effectiveLanguage: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSector = z.infer<typeof ZSector>;
