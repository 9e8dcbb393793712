/**
 * Scale tests run smaller in the default run (`npm test`, CI) and at full size with FULL_SCALE=1
 * (`npm run test:scale -w @igny8/server`, nightly): the same assertions, a smaller N.
 */
export const FULL_SCALE = process.env.FULL_SCALE === '1';

/** `full` with FULL_SCALE=1, else `small`. */
export function scaled(full: number, small: number): number {
  return FULL_SCALE ? full : small;
}
