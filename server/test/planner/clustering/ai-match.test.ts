import { describe, expect, it } from 'vitest';
import { matchAiClusters } from '../../../src/modules/planner/jobs-clusters.ts';

describe('matching the model clusters back to keywords', () => {
  it('matches by normalized text, keeps first placement, reports dropped and invented keywords, merges same names', () => {
    const { clusters, invented, dropped } = matchAiClusters([
      {
        sent: [
          { id: 'a', normalized: 'running shoes' },
          { id: 'b', normalized: 'best running shoes' },
          { id: 'c', normalized: 'running socks' },
          { id: 'd', normalized: 'trail shoes' },
        ],
        clusters: [
          { name: 'Running Shoes', keywords: ['Running  Shoes', 'best running shoes', 'shoes for mars'] },
          { name: 'Socks', keywords: ['running socks', 'running shoes'] },
          { name: 'Empty', keywords: ['nothing we sent'] },
        ],
      },
      {
        sent: [
          { id: 'e', normalized: 'running shoe' },
          { id: 'f', normalized: 'wool socks' },
        ],
        clusters: [{ name: 'running shoes', keywords: ['running shoe'] }],
      },
    ]);
    expect(clusters).toEqual([
      { name: 'Running Shoes', keywordIds: ['a', 'b', 'e'] },
      { name: 'Socks', keywordIds: ['c'] },
    ]);
    expect(invented).toEqual(['shoes for mars', 'nothing we sent']);
    // "trail shoes" and "wool socks" were sent and not returned.
    expect(dropped).toBe(2);
  });
});
