import { z } from 'zod';
import { ZErrorCode } from './errors.ts';

/** `{ success: true, data, message? }`: every successful answer of the API. */
export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, message: z.string().optional() });
}

/** `{ success: false, error, code, requestId, details? }`: every failed answer of the API. */
export const ZErrorEnvelope = z.object({
  success: z.literal(false),
  error: z.string(),
  code: ZErrorCode,
  requestId: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TErrorEnvelope = z.infer<typeof ZErrorEnvelope>;

/** Cursor pagination, newest first: pass `nextCursor` back as `cursor` until it is null. */
export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
/** A page of `T`, as `pageOf(ZThing)` answers it. */
export type TPage<T> = z.infer<ReturnType<typeof pageOf<z.ZodType<T>>>>;
