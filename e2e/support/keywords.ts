/** The keyword file the Planner journeys import. */

const HEADS = [
  'trail running shoes',
  'hiking boots',
  'running socks',
  'trekking poles',
  'hydration vest',
  'rain jacket',
  'headlamp',
  'camping stove',
  'sleeping bag',
  'tent footprint',
  'compression tights',
  'gps watch',
  'energy gels',
  'blister plasters',
  'gaiters',
  'running belt',
  'merino base layer',
  'approach shoes',
  'trail map app',
  'insect repellent',
];
const MODIFIERS = [
  'best',
  'cheap',
  'waterproof',
  'lightweight',
  'for women',
  'for men',
  'for beginners',
  'review',
  'on sale',
  'vs',
];

/** 20 topics x 10 wordings = 200 distinct keywords, in Semrush's layout. */
export const keywordCsv = (): string => {
  const rows = ['Keyword,Volume,Keyword Difficulty'];
  HEADS.forEach((head, h) =>
    MODIFIERS.forEach((modifier, m) => {
      const keyword = modifier === 'best' || modifier === 'cheap' ? `${modifier} ${head}` : `${head} ${modifier}`;
      rows.push(`${keyword},${(20 - h) * 100 + (10 - m) * 7},${(h * 7 + m * 3) % 100}`);
    }),
  );
  return `${rows.join('\n')}\n`;
};
