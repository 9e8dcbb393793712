import { capitalize, NOUNS, type Rng, slugify, wordList, type Writer } from './words.ts';

/**
 * Instances valid against a JSON schema (the subset structured outputs and tool schemas use), with content steered by
 * field names and the prompt's words, plus the JSON-example helpers for requests that show a shape instead.
 */

export type JsonSchema = boolean | { [key: string]: unknown };

type Obj = { [key: string]: unknown };
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const MAX_DEPTH = 8;

/** Generates an instance valid against a JSON schema (the subset structured outputs and tool schemas use). */
export class SchemaInstanceGenerator {
  #bodyWords: number;
  #bodyUsed = false;

  constructor(
    readonly writer: Writer,
    readonly root: JsonSchema,
    /** Words for the first long-text field (article body), from "about N words" in the prompt. */
    bodyWords = 300,
  ) {
    this.#bodyWords = bodyWords;
  }

  generate(schema: JsonSchema = this.root, name = '', depth = 0): unknown {
    if (schema === true) return this.#string({}, name);
    if (schema === false || !isObj(schema) || depth > 40) return null;
    const s = describedConstraints(this.#resolve(schema));
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length) return this.writer.rng.pick(s.enum);
    const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined) as
      JsonSchema[] | undefined;
    if (branches?.length) {
      const nonNull = branches.filter((b) => !(isObj(b) && this.#resolve(b).type === 'null'));
      // Deep in recursive schemas, take null when allowed so generation terminates.
      if (depth >= MAX_DEPTH && nonNull.length < branches.length) return null;
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      const branch = nonNull[0] ?? branches[0]!;
      return this.generate(isObj(branch) ? { ...rest, ...this.#resolve(branch) } : branch, name, depth);
    }
    if (Array.isArray(s.allOf) && s.allOf.length) {
      const { allOf, ...rest } = s;
      return this.generate(
        mergeAll([rest, ...(allOf as JsonSchema[]).map((b) => (isObj(b) ? this.#resolve(b) : {}))]),
        name,
        depth,
      );
    }
    let type = s.type;
    if (Array.isArray(type)) {
      const nonNull = type.filter((t) => t !== 'null');
      type = depth >= MAX_DEPTH && nonNull.length < type.length ? 'null' : (nonNull[0] ?? 'null');
    }
    if (type === undefined) type = 'properties' in s ? 'object' : 'items' in s ? 'array' : 'string';
    switch (type) {
      case 'object':
        return this.#object(s, depth);
      case 'array':
        return this.#array(s, name, depth);
      case 'integer':
        return this.#number(s, name, true);
      case 'number':
        return this.#number(s, name, false);
      case 'boolean':
        return this.writer.rng.chance(0.5);
      case 'null':
        return null;
      default:
        return this.#string(s, name);
    }
  }

  #resolve(schema: Obj): Obj {
    let s = schema;
    for (let i = 0; i < 20 && typeof s.$ref === 'string'; i++) {
      const ref = s.$ref;
      let target: unknown = this.root;
      if (ref !== '#') {
        for (const part of ref.replace(/^#\//, '').split('/'))
          target = isObj(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      }
      const { $ref: _r, ...rest } = s;
      s = { ...(isObj(target) ? target : {}), ...rest };
    }
    return s;
  }

  #object(s: Obj, depth: number): Obj {
    const out: Obj = {};
    const props = isObj(s.properties) ? s.properties : {};
    // Optional properties are filled too: valid either way, and it exercises the consumer's handling of them.
    for (const [key, sub] of Object.entries(props)) out[key] = this.generate(sub as JsonSchema, key, depth + 1);
    if (!Object.keys(props).length && isObj(s.additionalProperties)) {
      const n = Math.max(num(s.minProperties) ?? 0, 2);
      for (let i = 0; i < n; i++)
        out[this.writer.nextKeyword() + (i >= this.writer.keywords.length ? `_${i}` : '')] = this.generate(
          s.additionalProperties as JsonSchema,
          '',
          depth + 1,
        );
    }
    return out;
  }

  #array(s: Obj, name: string, depth: number): unknown[] {
    const rng = this.writer.rng;
    const min = num(s.minItems) ?? 0;
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
    let max = num(s.maxItems) ?? Math.max(min, prefix.length) + 3;
    if (depth >= MAX_DEPTH) max = min;
    const count =
      depth >= MAX_DEPTH ? min : rng.int(Math.max(min, Math.min(2, max)), Math.min(max, Math.max(min, 2) + 2));
    const items = (s.items ?? {}) as JsonSchema;
    const itemSchema = isObj(items) ? describedConstraints(this.#resolve(items)) : {};
    // Lists of keywords/phrases take the prompt's listed items, in order, so clusters partition the input.
    const phraseList =
      /keyword|phrase|term|quer|topic|tag|synonym|entit/i.test(name) &&
      itemSchema.type === 'string' &&
      !itemSchema.enum &&
      !itemSchema.format &&
      !itemSchema.pattern;
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let attempt = 0; out.length < count && attempt < count * 6; attempt++) {
      const i = out.length;
      let v: unknown;
      if (i < prefix.length) v = this.generate(prefix[i]!, name, depth + 1);
      else if (phraseList) v = this.#fitString(itemSchema, this.writer.nextPhrase());
      else v = this.generate(items, singular(name), depth + 1);
      if (s.uniqueItems === true) {
        const key = JSON.stringify(v);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(v);
    }
    return out;
  }

  #number(s: Obj, name: string, integer: boolean): number {
    const rng = this.writer.rng;
    const [dLo, dHi] =
      /score|confidence|probab|weight|ratio|similar|share/i.test(name) && !integer
        ? [0, 1]
        : /volume|searches|count|views|traffic|impressions/i.test(name)
          ? [10, 20000]
          : /position|rank|order|index|priority|level/i.test(name)
            ? [1, 10]
            : /year/i.test(name)
              ? [2015, 2025]
              : [0, 100];
    // Bounds as wide as a 32-bit int or more (zod's z.int() emits ±2^53) say "any number": use plausible ones.
    const bound = (v: unknown) => {
      const n = num(v);
      return n !== undefined && Math.abs(n) < 2 ** 31 ? n : undefined;
    };
    const exMin = bound(s.exclusiveMinimum);
    const exMax = bound(s.exclusiveMaximum);
    let lo = bound(s.minimum) ?? (exMin !== undefined ? exMin : undefined);
    let hi = bound(s.maximum) ?? (exMax !== undefined ? exMax : undefined);
    if (lo === undefined && hi === undefined) [lo, hi] = [dLo, dHi];
    else if (lo === undefined) lo = Math.min(dLo, hi! - 10);
    else if (hi === undefined) hi = Math.max(dHi, lo + 10);
    let low = lo!;
    let high = hi!;
    const multiple = num(s.multipleOf);
    if (integer || (multiple !== undefined && Number.isInteger(multiple))) {
      low = exMin !== undefined && bound(s.minimum) === undefined ? Math.floor(exMin) + 1 : Math.ceil(low);
      high = exMax !== undefined && bound(s.maximum) === undefined ? Math.ceil(exMax) - 1 : Math.floor(high);
    }
    if (multiple !== undefined && multiple > 0) {
      const k = rng.int(Math.ceil(low / multiple), Math.floor(high / multiple));
      return Number((k * multiple).toPrecision(12));
    }
    if (integer) return rng.int(low, high);
    const v = low + rng.next() * (high - low);
    const rounded = Math.round(v * 100) / 100;
    const ok = (x: number) =>
      x >= low && x <= high && (exMin === undefined || x > exMin) && (exMax === undefined || x < exMax);
    return ok(rounded) ? rounded : ok(v) ? v : (low + high) / 2;
  }

  #string(s: Obj, name: string): string {
    const w = this.writer;
    const rng = w.rng;
    const maxLength = num(s.maxLength);
    let v: string;
    switch (s.format) {
      case 'date-time':
        v = this.#date()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z');
        break;
      case 'date':
        v = this.#date().toISOString().slice(0, 10);
        break;
      case 'time':
        v = this.#date().toISOString().slice(11, 19);
        break;
      case 'email':
      case 'idn-email':
        v = `${slugify(w.nextKeyword()) || 'user'}@example.com`;
        break;
      case 'uri':
      case 'url':
      case 'iri':
      case 'uri-reference':
        v = `https://example.com/${slugify(w.phrase(2, 4))}`;
        break;
      case 'uuid':
        v = this.#uuid();
        break;
      case 'hostname':
      case 'idn-hostname':
        v = `${slugify(w.nextKeyword())}.example.com`;
        break;
      case 'ipv4':
        v = `192.0.2.${rng.int(1, 254)}`;
        break;
      case 'ipv6':
        v = `2001:db8::${rng.int(1, 65535).toString(16)}`;
        break;
      default:
        v = this.#byName(name, maxLength);
    }
    return this.#fitString(s, v);
  }

  #byName(name: string, maxLength: number | undefined): string {
    const w = this.writer;
    const n = name.toLowerCase();
    const long = maxLength === undefined || maxLength > 400;
    if (/slug/.test(n)) return slugify(w.phrase(2, 5));
    if (/(^|_)(url|link|href|uri)s?$|url$/.test(n)) return `https://example.com/${slugify(w.phrase(2, 4))}`;
    if (/email/.test(n)) return `${slugify(w.nextKeyword())}@example.com`;
    if (/colou?r/.test(n))
      return '#' + Buffer.from([w.rng.int(0, 255), w.rng.int(0, 255), w.rng.int(0, 255)]).toString('hex');
    if (/(^|_)(lang|language|locale)$/.test(n)) return 'en';
    if (/html/.test(n) && long) return w.html(this.#takeBodyWords());
    if (/(content|body|article|markdown|draft)$/.test(n) && long) return w.markdown(this.#takeBodyWords());
    if (/(^|_)id$|Id$/.test(name)) return `${slugify(w.nextKeyword())}-${w.rng.int(1000, 9999)}`;
    if (/(keyword|phrase|term|query|tag|topic|entity)/.test(n)) return w.nextPhrase();
    if (/(title|headline|heading|h1|label|name|cluster)/.test(n)) return w.title();
    if (
      /(description|summary|excerpt|snippet|meta|reason|explanation|rationale|note|comment|caption|alt_?text|^alt$)/.test(
        n,
      )
    )
      return w.paragraph(w.rng.int(1, 2));
    if (/(text|message|answer|outline|intro|conclusion|paragraph)/.test(n)) return w.paragraph();
    return w.phrase(2, 6);
  }

  #takeBodyWords(): number {
    const words = this.#bodyUsed ? 80 : this.#bodyWords;
    this.#bodyUsed = true;
    return words;
  }

  /** Applies minLength/maxLength and, when it can, pattern (patterns are tried against a few simple shapes). */
  #fitString(s: Obj, value: string): string {
    const min = num(s.minLength) ?? 0;
    const max = num(s.maxLength) ?? Infinity;
    const fit = (v: string) => {
      let out = v;
      while ([...out].length < min) out += (out ? ' ' : '') + this.writer.rng.pick(NOUNS);
      if ([...out].length > max) {
        const chars = [...out].slice(0, max).join('');
        const cut = chars.replace(/\s+\S*$/, '').replace(/[\s,;:.-]+$/, '');
        out = [...cut].length >= Math.max(min, 1) ? cut : chars;
      }
      return out;
    };
    const fitted = fit(value);
    if (typeof s.pattern !== 'string') return fitted;
    let re: RegExp;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      return fitted;
    }
    if (re.test(fitted)) return fitted;
    const rng = this.writer.rng;
    const kw = slugify(this.writer.nextKeyword()) || 'item';
    const candidates = [
      slugify(value),
      kw,
      kw.toUpperCase(),
      kw.replace(/-/g, '_'),
      kw.replace(/-/g, ''),
      capitalize(kw.replace(/-/g, '')),
      String(rng.int(1, 9)),
      String(rng.int(100, 999)),
      '#' + Buffer.from([rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]).toString('hex'),
      this.#uuid(),
      this.#date().toISOString().slice(0, 10),
    ];
    for (const c of candidates) {
      const f = fit(c);
      if (re.test(f)) return f;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const generated = fromPattern(s.pattern, rng);
      if (generated !== undefined && re.test(generated)) return generated;
    }
    return fitted;
  }

  #date(): Date {
    return new Date(Date.UTC(2024, 0, 1) + this.writer.rng.int(0, 730 * 24 * 3600) * 1000);
  }

  #uuid(): string {
    const bytes = Buffer.from(Array.from({ length: 16 }, () => this.writer.rng.int(0, 255)));
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const h = bytes.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

// A small regex-to-string generator for `pattern`: literals, classes, \\d \\w \\s, groups, alternation and
// quantifiers. Lookarounds and backreferences are skipped; the caller checks the result against the real RegExp.

type PatternNode =
  | { t: 'seq'; items: PatternNode[] }
  | { t: 'alt'; options: PatternNode[] }
  | { t: 'set'; chars: string[] }
  | { t: 'repeat'; node: PatternNode; min: number; max: number };

const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];
const PRINTABLE = [...LOWER, ...UPPER, ...DIGITS, ' ', '-', '_', '.'];

export function fromPattern(pattern: string, rng: Rng): string | undefined {
  let i = 0;
  const escapeSet = (c: string): string[] | undefined =>
    ({
      d: DIGITS,
      w: [...LOWER, ...UPPER, ...DIGITS, '_'],
      s: [' '],
      D: LOWER,
      W: ['-'],
      S: LOWER,
    })[c];
  const parseAlt = (): PatternNode => {
    const options = [parseSeq()];
    while (pattern[i] === '|') {
      i++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  };
  const parseSeq = (): PatternNode => {
    const items: PatternNode[] = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      const atom = parseAtom();
      if (atom) items.push(parseQuantifier(atom));
    }
    return { t: 'seq', items };
  };
  const parseClass = (): PatternNode => {
    const negate = pattern[i] === '^';
    if (negate) i++;
    const chars: string[] = [];
    let first = true;
    while (i < pattern.length && (pattern[i] !== ']' || first)) {
      first = false;
      let c = pattern[i++]!;
      if (c === '\\') {
        const e = pattern[i++]!;
        const set = escapeSet(e);
        if (set) {
          chars.push(...set);
          continue;
        }
        c = e;
      }
      if (pattern[i] === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']') {
        const end = pattern[i + 1] === '\\' ? pattern[i + 2]! : pattern[i + 1]!;
        i += pattern[i + 1] === '\\' ? 3 : 2;
        const [a, b] = [c.codePointAt(0)!, end.codePointAt(0)!];
        for (let code = a; code <= Math.min(b, a + 255); code++) chars.push(String.fromCodePoint(code));
      } else chars.push(c);
    }
    i++; // ]
    return { t: 'set', chars: negate ? PRINTABLE.filter((c) => !chars.includes(c)) : chars };
  };
  const parseAtom = (): PatternNode | undefined => {
    const c = pattern[i++]!;
    if (c === '^' || c === '$') return undefined;
    if (c === '(') {
      if (/^\?(?:[=!]|<[=!])/.test(pattern.slice(i))) {
        // Lookaround: cannot be honoured by construction; skip it and rely on the final check.
        for (let depth = 1; i < pattern.length && depth > 0; i++) {
          if (pattern[i] === '\\') i++;
          else if (pattern[i] === '(') depth++;
          else if (pattern[i] === ')') depth--;
        }
        return undefined;
      }
      if (pattern.startsWith('?:', i)) i += 2;
      else if (pattern[i] === '?' && pattern[i + 1] === '<') i = pattern.indexOf('>', i) + 1;
      const node = parseAlt();
      i++; // )
      return node;
    }
    if (c === '[') return parseClass();
    if (c === '.') return { t: 'set', chars: LOWER };
    if (c === '\\') {
      const e = pattern[i++]!;
      if (e === 'b' || e === 'B') return undefined;
      return { t: 'set', chars: escapeSet(e) ?? [e] };
    }
    return { t: 'set', chars: [c] };
  };
  const parseQuantifier = (node: PatternNode): PatternNode => {
    let min = 1;
    let max = 1;
    const c = pattern[i];
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, 3];
    else if (c === '+') [min, max] = [1, 3];
    else if (braces) {
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] ? Number(braces[3]) : min + 3;
      i += braces[0].length - 1;
    } else return node;
    i++;
    if (pattern[i] === '?') i++; // lazy
    return { t: 'repeat', node, min, max };
  };
  const render = (node: PatternNode): string => {
    switch (node.t) {
      case 'seq':
        return node.items.map(render).join('');
      case 'alt':
        return render(rng.pick(node.options));
      case 'set':
        return node.chars.length ? rng.pick(node.chars) : '';
      case 'repeat': {
        const n = rng.int(node.min, Math.min(node.max, node.min + 8));
        return Array.from({ length: n }, () => render(node.node)).join('');
      }
    }
  };
  try {
    return render(parseAlt());
  } catch {
    return undefined;
  }
}

const CONSTRAINT_KEYS = new Set(
  wordList(`minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern format minItems
    maxItems uniqueItems minProperties maxProperties`),
);

/**
 * Constraints the Anthropic SDK moved into the description ("{minimum: 3, maximum: 15}") because structured outputs do
 * not support them: a real model reads and mostly honours them, so the fake does too.
 */
function describedConstraints(s: Obj): Obj {
  const inner = typeof s.description === 'string' ? /\{([^{}]*)\}\s*$/.exec(s.description)?.[1] : undefined;
  if (!inner) return s;
  const keys = [...inner.matchAll(/(?:^|, )(\w+): /g)];
  const out = { ...s };
  keys.forEach((m, i) => {
    const key = m[1]!;
    const value = inner.slice(m.index + m[0].length, keys[i + 1]?.index ?? inner.length);
    if (!CONSTRAINT_KEYS.has(key) || key in out) return;
    try {
      out[key] = JSON.parse(value);
    } catch {
      // Not a constraint this parser understands.
    }
  });
  return out;
}

function mergeAll(parts: Obj[]): Obj {
  const out: Obj = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties' && isObj(out.properties) && isObj(v)) out.properties = { ...out.properties, ...v };
      else if (k === 'required' && Array.isArray(out.required) && Array.isArray(v))
        out.required = [...new Set([...out.required, ...v])];
      else out[k] = v;
    }
  }
  return out;
}

const singular = (name: string) => name.replace(/ies$/, 'y').replace(/s$/, '');
/** A JSON schema describing an example value: the shape a prompt shows for json_object mode. */
export function schemaFromExample(value: unknown): JsonSchema {
  if (typeof value === 'string') {
    // "informational | commercial" in an example is a list of allowed values.
    const options = value.split('|').map((o) => o.trim());
    if (options.length > 1 && options.every((o) => o && o.length < 40)) return { type: 'string', enum: options };
    return { type: 'string' };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value))
    return {
      type: 'array',
      items: value.length ? schemaFromExample(value[0]) : { type: 'string' },
      minItems: Math.min(1, value.length),
      maxItems: Math.max(3, value.length),
    };
  if (isObj(value))
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaFromExample(v)])),
      required: Object.keys(value),
    };
  return { type: 'string' };
}

/** The last JSON object embedded in the text (an "answer in this shape" example), if any. */
export function findJsonExample(text: string): unknown {
  let found: unknown;
  let tries = 0;
  for (let start = text.indexOf('{'); start >= 0 && tries < 100; start = text.indexOf('{', start + 1), tries++) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) break;
    try {
      found = JSON.parse(text.slice(start, end + 1));
      start = end;
    } catch {
      // Not JSON (a template placeholder, code): keep scanning inside it.
    }
  }
  return found;
}
