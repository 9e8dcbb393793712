import { describe, expect, it } from 'vitest';
import { articleToBlocks } from '../../../src/modules/writer/content/blocks.ts';
import { PARAGRAPHS } from '../../fixtures/writer/languages.ts';
import { checkLanguage, primarySubtag, toBcp47 } from '../../../src/modules/writer/content/language.ts';
import { countWords } from '../../../src/modules/writer/content/words.ts';

const LANGS = Object.keys(PARAGRAPHS) as Array<keyof typeof PARAGRAPHS>;

describe('checkLanguage', () => {
  it('uses realistic paragraphs of about 200 words', () => {
    for (const lang of LANGS) expect(countWords(PARAGRAPHS[lang])).toBeGreaterThanOrEqual(170);
  });

  it.each(LANGS)('detects %s and matches the requested tag', (lang) => {
    const result = checkLanguage(PARAGRAPHS[lang], lang);
    expect(result).toMatchObject({ detected: lang, matches: true });
    expect(result.confidence).toBeGreaterThan(0.3);
  });

  it('accepts region subtags (pt-BR, en-GB, de-AT, es-419, fr_CA)', () => {
    expect(checkLanguage(PARAGRAPHS.pt, 'pt-BR').matches).toBe(true);
    expect(checkLanguage(PARAGRAPHS.en, 'en-GB').matches).toBe(true);
    expect(checkLanguage(PARAGRAPHS.de, 'de-AT').matches).toBe(true);
    expect(checkLanguage(PARAGRAPHS.es, 'es-419').matches).toBe(true);
    expect(checkLanguage(PARAGRAPHS.fr, 'fr_CA').matches).toBe(true);
  });

  it('reports a mismatch for every other requested language, close ones included (es vs pt)', () => {
    for (const lang of LANGS) {
      for (const other of LANGS) {
        if (other === lang) continue;
        expect(checkLanguage(PARAGRAPHS[lang], other), `${lang} text, ${other} requested`).toMatchObject({
          detected: lang,
          matches: false,
        });
      }
    }
  });

  it('checks block markup by its visible text (delimiters and tags do not count)', () => {
    const markup = articleToBlocks([{ heading: 'Zimmerpflanzen richtig pflegen', html: `<p>${PARAGRAPHS.de}</p>` }]);
    expect(checkLanguage(markup, 'de')).toMatchObject({ detected: 'de', matches: true });
    expect(checkLanguage(markup, 'en')).toMatchObject({ detected: 'de', matches: false });
  });

  it('treats very short texts as unknown, never as a mismatch', () => {
    for (const text of ['', 'OK', 'Hello there, nice day', '<p>Guten Morgen</p>', 'Best running shoes 2024: a guide']) {
      expect(checkLanguage(text, 'de')).toEqual({ detected: null, matches: null, confidence: 0 });
    }
  });

  it('maps ISO 639-3 codes to BCP 47 primary subtags', () => {
    expect(toBcp47('deu')).toBe('de');
    expect(toBcp47('por')).toBe('pt');
    expect(toBcp47('cmn')).toBe('zh');
    expect(toBcp47('nob')).toBe('no');
    expect(toBcp47('arb')).toBe('ar');
    expect(toBcp47('sco')).toBe('sco');
    expect(primarySubtag('pt-BR')).toBe('pt');
    expect(primarySubtag('zh_Hant_TW')).toBe('zh');
  });
});
