import { describe, expect, it } from 'vitest';
import { inferIntent, normalizeKeyword } from '../../src/modules/planner/normalize.ts';

describe('keyword normalization', () => {
  it('folds case, whitespace and Unicode composition', () => {
    expect(normalizeKeyword('  Running \t Shoes ')).toBe('running shoes');
    // "é" composed (U+00E9) and decomposed (e + U+0301) are one keyword.
    expect(normalizeKeyword('Caf\u0065\u0301 Paris')).toBe(normalizeKeyword('CAF\u00c9 paris'));
    expect(normalizeKeyword('Straße')).toBe('straße');
  });

  it('infers intent from cue words', () => {
    expect(inferIntent('buy running shoes')).toBe('transactional');
    expect(inferIntent('best running shoes 2026')).toBe('commercial');
    expect(inferIntent('nike vs adidas')).toBe('commercial');
    expect(inferIntent('nike login')).toBe('navigational');
    expect(inferIntent('how to lace running shoes')).toBe('informational');
    expect(inferIntent('running shoes')).toBe('informational');
  });
});
