import { successEnvelope } from '@igny8/shared';
import type { z } from 'zod';

/** The success envelope around `data`. */
export function ok<T>(data: T, message?: string): { success: true; data: T; message?: string } {
  return message === undefined ? { success: true, data } : { success: true, data, message };
}

/** Response schema of a route answering `status` with `data` inside the envelope. */
export function reply<T extends z.ZodType>(data: T) {
  return successEnvelope(data);
}
