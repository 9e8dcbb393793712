import { describe, expect, it } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- a test is never bundled: it checks the copies against the contract.
import { AUTOMATION_STAGES, AUTOMATION_STOP_REASONS } from '@igny8/shared';
import { STAGES, durationText, stagePercent, stopReasonText } from './labels';

describe('automation labels', () => {
  it('says every stop reason of the contract as a sentence of its own', () => {
    const sentences = AUTOMATION_STOP_REASONS.map((reason) => stopReasonText(reason));
    for (const [index, sentence] of sentences.entries()) {
      expect(sentence, AUTOMATION_STOP_REASONS[index]).not.toBe(AUTOMATION_STOP_REASONS[index]);
      expect(sentence).toMatch(/\.$/);
    }
    expect(new Set(sentences).size).toBe(AUTOMATION_STOP_REASONS.length);
  });

  it('keeps the stages in the order of the contract', () => {
    expect([...STAGES]).toEqual([...AUTOMATION_STAGES]);
  });

  it('fills a stage by what it finished of what it took in', () => {
    const stage = { stage: 'ideas' as const, status: 'running' as const, in: 4, out: 1, failed: 1, running: 2 };
    expect(stagePercent(stage)).toBe(50);
    expect(stagePercent({ ...stage, in: 0, out: 0, failed: 0, running: 0 })).toBe(0);
    expect(stagePercent({ ...stage, status: 'skipped' })).toBe(100);
  });

  it('writes durations in seconds, minutes and hours', () => {
    expect(durationText(null, null)).toBe('—');
    expect(durationText('2026-12-07T10:00:00Z', '2026-12-07T10:00:42Z')).toBe('42 s');
    expect(durationText('2026-12-07T10:00:00Z', '2026-12-07T10:03:12Z')).toBe('3 min 12 s');
    expect(durationText('2026-12-07T10:00:00Z', '2026-12-07T12:05:00Z')).toBe('2 h 5 min');
  });
});
