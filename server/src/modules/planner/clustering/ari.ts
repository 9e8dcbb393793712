const pairs = (k: number) => (k * (k - 1)) / 2;

/**
 * Adjusted Rand index of two partitions of the same items (Hubert & Arabie, 1985): 1 when they agree exactly, about
 * 0 for a random grouping, negative when worse than random. `truth` and `predicted` map each item to its group label;
 * both must have the same items.
 */
export function adjustedRandIndex(truth: ReadonlyMap<string, string>, predicted: ReadonlyMap<string, string>): number {
  if (truth.size !== predicted.size) throw new Error('Both partitions must cover the same items');
  const n = truth.size;
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (const [item, a] of truth) {
    const b = predicted.get(item);
    if (b === undefined) throw new Error(`Item ${item} is missing from the predicted partition`);
    const cell = `${a}\u0000${b}`;
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
    rows.set(a, (rows.get(a) ?? 0) + 1);
    cols.set(b, (cols.get(b) ?? 0) + 1);
  }
  let index = 0;
  for (const c of cells.values()) index += pairs(c);
  let rowPairs = 0;
  for (const r of rows.values()) rowPairs += pairs(r);
  let colPairs = 0;
  for (const c of cols.values()) colPairs += pairs(c);
  const expected = n < 2 ? 0 : (rowPairs * colPairs) / pairs(n);
  const max = (rowPairs + colPairs) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
