import type { KeywordForClustering } from './lexical.ts';
import { seededRandom } from './communities.ts';

const NOUNS =
  `shoes, boots, sandals, socks, jacket, backpack, tent, sleeping bag, headphones, earbuds, speaker, laptop, tablet,
monitor, keyboard, mouse, router, camera, lens, tripod, drone, watch, smartwatch, fitness tracker, coffee maker,
grinder, kettle, blender, toaster, air fryer, pressure cooker, knife set, cutting board, frying pan, cookware,
mattress, pillow, duvet, sofa, desk, chair, lamp, rug, curtains, vacuum cleaner, dishwasher, washing machine, dryer,
refrigerator, freezer, microwave, oven, grill, smoker, lawn mower, leaf blower, chainsaw, drill, saw, ladder,
paint brush, bike, helmet, scooter, skateboard, kayak, paddle board, fishing rod, golf clubs, tennis racket, yoga mat,
dumbbells, treadmill, rowing machine, protein powder, vitamins, shampoo, conditioner, sunscreen, moisturizer,
perfume, razor, toothbrush, dog food, cat food, dog bed, cat litter, aquarium, bird feeder, car seat, stroller, crib,
baby monitor, diapers, toys, puzzle, board game, guitar, piano, ukulele, microphone, printer, phone case, charger`
    .split(/,\s*/u)
    .filter(Boolean);

const QUALIFIERS = `running, trail, hiking, waterproof, leather, wireless, portable, electric, manual, stainless steel,
cast iron, bamboo, organic, vegan, kids, women's, men's, travel, compact, heavy duty, lightweight, ergonomic,
adjustable, smart, gaming, outdoor, indoor, vintage, wooden, glass, ceramic, cordless, rechargeable, noise cancelling,
foldable, budget, premium, professional, beginner, memory foam, cooling, heated, insulated`.split(/,\s*/u);

const BRANDS = `acme nordik velora brightline summit koda peakline oakridge lumen zephyr hollis tandem orbit maple
harbor vertex crestline pioneer atlas ember`.split(/\s+/u);

const PREFIXES = ['', '', '', 'best', 'cheap', 'top', 'buy', 'affordable', 'how to choose', 'how to clean'];
const SUFFIXES = [
  '',
  '',
  '',
  'review',
  'reviews',
  'for sale',
  'near me',
  'under 100',
  '2025',
  'guide',
  'online',
  'deals',
];

/**
 * `count` distinct realistic keywords (qualifier x product topics with brand, modifier and plural variants) and
 * long-tailed volumes, generated deterministically from `seed`: for benches and scale tests.
 */
export function generateKeywords(count: number, seed = 42): KeywordForClustering[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const out: KeywordForClustering[] = [];
  const seen = new Set<string>();
  // Topics in use grow with the count, so bigger sets have more topics rather than only longer tails.
  const topics = Math.max(20, Math.round(count / 12));
  let guard = 0;
  while (out.length < count && guard++ < count * 50) {
    const t = Math.floor(Math.pow(random(), 1.3) * topics);
    const noun = NOUNS[t % NOUNS.length]!;
    const qualifier = QUALIFIERS[Math.floor(t / NOUNS.length) % QUALIFIERS.length]!;
    const second = t >= NOUNS.length * QUALIFIERS.length ? `${QUALIFIERS[(t * 7) % QUALIFIERS.length]} ` : '';
    const words = [pick(PREFIXES), random() < 0.2 ? pick(BRANDS) : '', second + qualifier, noun, pick(SUFFIXES)];
    if (random() < 0.15) words.splice(2, 2, noun, `for ${qualifier}`);
    const keyword = words.filter(Boolean).join(' ');
    if (seen.has(keyword)) continue;
    seen.add(keyword);
    const volume = Math.max(10, Math.round(50_000 / (1 + t) ** 0.7 / (1 + random() * 20)));
    out.push({ id: `k${out.length}`, normalized: keyword, volume });
  }
  return out;
}
