/**
 * The sorting guide's forgiving search, on the phone: the same rules as the server's
 * (backend/khaya/collection/guide_search.py, whose docstring states them), so a search offline
 * finds what the server would, in the same order. Keep the two in step; the browser test
 * tests/e2e/test_guide_offline.py searches offline for queries the server's tests use.
 */

const THAI_DIGITS = '๐๑๒๓๔๕๖๗๘๙';
const MARKS = /[\u0e47-\u0e4e]/g;
const NOT_KEPT = /[^\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45a-z0-9]+/g;
const ENGLISH_WORD = /[a-z]+/g;
const ES_ENDINGS = ['sses', 'shes', 'ches', 'xes', 'zes'];
// Longest first, so a longer spelling is replaced before a shorter one inside it.
const VARIANTS: [string, string][] = [
  ['อะลูมิเนียม', 'อลูมิเนียม'],
  ['aluminium', 'aluminum'],
  ['แบตเตอรี', 'แบต'],
  ['พีอีที', 'pet'],
  ['เพท', 'pet'],
  ['เพต', 'pet'],
];
export const TIERS = ['name', 'alias', 'substring', 'fuzzy'] as const;
export type Tier = (typeof TIERS)[number];
const MIN_CONTAINED = 3;
const MIN_FUZZY = 4;

function singular(word: string): string {
  if (word.length < 4) return word;
  if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (ES_ENDINGS.some((e) => word.endsWith(e))) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** The form every comparison uses: rules 1-8 of guide_search.py, in the same order. */
export function normalize(text: string): string {
  let out = text.normalize('NFKC').toLowerCase().replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d)));
  out = out.replaceAll('\u0e4d\u0e32', '\u0e33').replace(MARKS, '');
  out = out.replace(ENGLISH_WORD, singular).replace(NOT_KEPT, '');
  for (const [variant, canonical] of VARIANTS) out = out.replaceAll(variant, canonical);
  return out;
}

/** The fewest edits that turn `query` into some substring of `text` (Sellers' variant). Every
 * character left after normalize is in the BMP, so UTF-16 units count code points as Python does. */
export function substringDistance(query: string, text: string): number {
  let previous = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= query.length; i++) {
    const current = [i, ...new Array<number>(text.length).fill(0)];
    for (let j = 1; j <= text.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (query[i - 1] === text[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return Math.min(...previous);
}

function allowedEdits(length: number): number {
  if (length < MIN_FUZZY) return 0;
  return length < 8 ? 1 : 2;
}

export interface Searchable {
  key: string;
  name_th: string;
  name_en: string;
  aliases_th: string[];
  aliases_en: string[];
}

export interface Entry {
  key: string;
  names: string[];
  aliases: string[];
}

export interface Match {
  key: string;
  tier: Tier;
  edits: number;
}

function forms(texts: string[]): string[] {
  return [...new Set(texts.map(normalize).filter(Boolean))];
}

/** One item's searchable texts, normalised once: its names, then its aliases and key. */
export function entryOf(item: Searchable): Entry {
  const names = forms([item.name_th, item.name_en]);
  const aliases = forms([...item.aliases_th, ...item.aliases_en, item.key]).filter((a) => !names.includes(a));
  return { key: item.key, names, aliases };
}

/** How well a normalised query matches one entry, or null. */
export function match(query: string, entry: Entry): Match | null {
  const texts = [...entry.names, ...entry.aliases];
  if (entry.names.includes(query)) return { key: entry.key, tier: 'name', edits: 0 };
  if (entry.aliases.includes(query)) return { key: entry.key, tier: 'alias', edits: 0 };
  if (texts.some((text) => text.includes(query))) {
    return { key: entry.key, tier: 'substring', edits: 0 };
  }
  const edits = texts.filter((text) => text.length >= MIN_CONTAINED && query.includes(text)).map((text) => query.length - text.length);
  const allowed = allowedEdits(query.length);
  if (allowed) {
    for (const text of texts) {
      // A query longer than a text by more than the allowance cannot come within it.
      if (query.length - text.length > allowed) continue;
      const d = substringDistance(query, text);
      if (d <= allowed) edits.push(d);
    }
  }
  return edits.length ? { key: entry.key, tier: 'fuzzy', edits: Math.min(...edits) } : null;
}

/** The entries that match `query`, best first, the guide's order among equals. */
export function search(query: string, entries: Entry[]): Match[] {
  const normalised = normalize(query);
  if (!normalised) return [];
  const found = entries.map((entry) => match(normalised, entry)).filter((m): m is Match => m !== null);
  // Array.prototype.sort is stable, as Python's sorted() is: the guide's order stays.
  return found.sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) || a.edits - b.edits);
}
