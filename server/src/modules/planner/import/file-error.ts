import { AppError } from '../../../errors.ts';

/** A whole-file problem: 422 with the file named as the bad field and what to do about it. */
export function fileError(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: [{ in: 'body', field: 'file', message }] });
}

export const SAVE_AS_CSV =
  'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)"; in Google Sheets File > Download > "Comma-separated values (.csv)"; then upload that file.';

/** A count as people read it: 140,012. */
export const formatNumber = (n: number) => n.toLocaleString('en-US');
