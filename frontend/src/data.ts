/** What the API returns, the loaders that combine several calls, and rules derived from them. */
import { api } from '../shared/api';
import type { OutboxItem } from '../shared/db';
import { addDays, localToday } from '../shared/util';
import { readCache } from './cache';
import type { Me } from './roles';

export interface Page<T> {
  items: T[];
  meta: { page: number; pages: number; per_page: number; total: number };
}

export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

export interface Household {
  id: number;
  village_code: string;
  lgo_code: string;
  house_number: string;
  members: number;
  head_name: string | null;
  phone: string | null;
  occupancy: string;
  wet_bin: string;
  registered_on: string;
  active: boolean;
  verified_on: string | null;
  last_log_on: string | null;
  last_inspected_on: string | null;
  point: GeoPoint | null;
  version: number;
  /** The household's QR card token: in the list too, so a phone opens a scanned card offline. */
  qr_token: string;
}

export interface HouseholdDetail extends Household {
  qr_url: string;
  deactivated_on?: string | null;
  deactivation_reason?: string | null;
}

export interface SortingLog {
  id: number;
  client_id: string;
  household_id: number;
  log_date: string;
  streams: string[];
  organic_handling: string | null;
  kg_organic: number | null;
  kg_recyclable: number | null;
  kg_general: number | null;
  kg_hazardous: number | null;
  recorded_role: string | null;
  voided_at: string | null;
  void_reason?: string | null;
}

export interface Inspection {
  id: number;
  client_id: string;
  household_id: number;
  inspected_on: string;
  passed: boolean;
  registered: boolean;
  bin_built: boolean;
  food_waste_in_bin: boolean;
  lid_closed: boolean;
  used_correctly: boolean;
  location_flag: 'far' | 'no_location' | 'mock_location' | null;
  distance_m: number | null;
  gps_accuracy_m: number | null;
  /** The arrangement the inspector confirmed. */
  wet_bin: string | null;
  /** pending: a flagged inspection waiting for the LGO; null: not flagged. */
  review: 'pending' | 'accepted' | 'rejected' | null;
  review_reason: string | null;
  counted: boolean;
}

export interface Village {
  code: string;
  name_th: string;
  name_en: string;
  tambon_code: string;
  moo: number | null;
}

export interface Bank {
  id: number;
  name_th: string;
  name_en: string | null;
  lgo_code: string;
  village_code: string | null;
  /** The first buying day from today on; null when the bank has set none. */
  next_buying_day: string | null;
  active: boolean;
}

/** Who holds an account, for those who may see the household: the phone masked. */
export interface MemberHousehold {
  id: number;
  house_number: string;
  head_name: string | null;
  phone: string | null;
  village_code: string;
  village_name_th: string;
  village_name_en: string;
  moo: number | null;
}

export interface Member {
  id: number;
  bank_id: number;
  household_id: number;
  member_number: number;
  joined_on: string;
  balance: number;
  active: boolean;
  household: MemberHousehold | null;
}

export interface Price {
  material: string;
  price_per_kg: number;
  valid_from: string;
}

/** GET me/memberships: the accounts in the caller's area, their banks and today's prices. */
export interface Memberships extends Page<Member> {
  on: string;
  banks: Bank[];
  prices: (Price & { bank_id: number })[];
}

/** One account with its bank and the bank's prices today. */
export interface Account {
  bank: Bank;
  member: Member;
  prices: Price[];
}

export const MEMBERSHIPS = 'me/memberships';

/** The accounts of one household (all of them without an id), each with its bank and prices. */
export function accountsOf(data: Memberships, householdId?: number): Account[] {
  const banks = new Map(data.banks.map((b) => [b.id, b]));
  return data.items
    .filter((m) => householdId === undefined || m.household_id === householdId)
    .flatMap((member) => {
      const bank = banks.get(member.bank_id);
      return bank ? [{ bank, member, prices: data.prices.filter((p) => p.bank_id === bank.id) }] : [];
    });
}

export function passbookPath({ bank, member }: Account): string {
  return `waste-banks/${bank.id}/members/${member.id}/passbook`;
}

/** Every account the caller may see (a volunteer's villages'), for the phone to keep offline. */
export async function loadAllMemberships(): Promise<Memberships> {
  const first = await api<Memberships>(`${MEMBERSHIPS}?per_page=500&page=1`);
  const all = { ...first, items: [...first.items], banks: [...first.banks], prices: [...first.prices] };
  for (let page = 2; page <= first.meta.pages; page++) {
    const next = await api<Memberships>(`${MEMBERSHIPS}?per_page=500&page=${page}`);
    all.items.push(...next.items);
    // Each page names the banks of its own accounts.
    const known = new Set(all.banks.map((b) => b.id));
    all.banks.push(...next.banks.filter((b) => !known.has(b.id)));
    all.prices.push(...next.prices.filter((p) => !known.has(p.bank_id)));
  }
  return all;
}

export interface PassbookEntry {
  id: number;
  entry_date: string;
  kind: string;
  amount: number;
  balance: number;
  note: string | null;
  lines: { material: string; kg: number; unit_price: number; amount: number }[];
}

export interface Passbook {
  member: Member;
  bank: Bank;
  opening_balance: number;
  closing_balance: number;
  entries: PassbookEntry[];
}

/** A log that has not been heard of for this many days is overdue. */
export const LOG_OVERDUE_DAYS = 7;
/** A household not inspected for this many days (or never) is due an inspection. */
export const INSPECTION_DUE_DAYS = 90;

/** Every page of a list (the register pages at 500 rows). */
export async function allPages<T>(path: string): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const first = await api<Page<T>>(`${path}${sep}per_page=500&page=1`);
  const items = [...first.items];
  for (let page = 2; page <= first.meta.pages; page++) {
    items.push(...(await api<Page<T>>(`${path}${sep}per_page=500&page=${page}`)).items);
  }
  return items;
}

export function villageCodesOf(me: Me | undefined): string[] {
  return me?.user.volunteer?.village_codes ?? [];
}

/** The villages a field user works in: a volunteer's assignments, or the LGO's villages. */
export async function loadVillages(me: Me): Promise<Village[]> {
  const codes = villageCodesOf(me);
  if (codes.length === 0 && me.user.lgo_code) {
    return allPages<Village>(`areas/villages?lgo=${encodeURIComponent(me.user.lgo_code)}`);
  }
  const tambons = [...new Set(codes.map((c) => c.slice(0, 6)))];
  const lists = await Promise.all(tambons.map((tb) => allPages<Village>(`areas/villages?parent=${tb}`)));
  return lists.flat().filter((v) => codes.includes(v.code));
}

export async function loadHouseholds(villages: string[]): Promise<Household[]> {
  const lists = await Promise.all(villages.map((code) => allPages<Household>(`households?village=${code}`)));
  return lists.flat();
}

export function householdsKey(me: Me | undefined): string {
  return `derived:households:${me?.user.id ?? 0}`;
}

/** Find a household offline: its detail if ever opened, else its row in the stored list. */
export async function storedHousehold(id: number, me: Me | undefined): Promise<Household | undefined> {
  const detail = await readCache<HouseholdDetail>(`households/${id}`);
  if (detail) return detail.data;
  const list = await readCache<Household[]>(householdsKey(me));
  return list?.data.find((h) => h.id === id);
}

export function daysSince(iso: string | null, today = localToday()): number | null {
  if (!iso) return null;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${iso}T00:00:00Z`)) / 86_400_000);
}

export function logOverdue(h: Household, pendingLog: boolean): boolean {
  if (pendingLog) return false;
  const days = daysSince(h.last_log_on);
  return days === null || days >= LOG_OVERDUE_DAYS;
}

export function inspectionDue(h: Household, pendingInspection: boolean): boolean {
  if (pendingInspection) return false;
  const days = daysSince(h.last_inspected_on);
  return days === null || days >= INSPECTION_DUE_DAYS;
}

/** Dates with a log: the server's (not voided) and the phone's own that are not rejected. */
export function loggedDates(logs: SortingLog[], items: OutboxItem[]): Set<string> {
  const dates = new Set(logs.filter((l) => !l.voided_at).map((l) => l.log_date));
  for (const item of items) {
    if (item.kind === 'sorting_log' && item.status !== 'rejected') dates.add(String(item.data.log_date));
  }
  return dates;
}

/** Consecutive days logged up to today (or up to yesterday while today is still open). */
export function streak(dates: Set<string>, today = localToday()): number {
  let day = dates.has(today) ? today : addDays(today, -1);
  let n = 0;
  while (dates.has(day)) {
    n++;
    day = addDays(day, -1);
  }
  return n;
}

/** Today's price of what a waste bank buys an item as, across the LGO's active banks. */
export interface PriceRange {
  low: number;
  high: number;
  banks: number;
}

/** One item of the sorting guide, as the LGO's residents see it. */
export interface GuideItem {
  key: string;
  name_th: string;
  name_en: string;
  aliases_th: string[];
  aliases_en: string[];
  stream: string;
  bin_colour: string;
  where: string;
  material: string | null;
  prepare_th: string;
  prepare_en: string;
  note_th: string | null;
  note_en: string | null;
  price: PriceRange | null;
}

export interface GuideLine {
  th: string;
  en: string;
}

export interface WetBinGuide {
  title_th: string;
  title_en: string;
  summary_th: string;
  summary_en: string;
  build: GuideLine[];
  put_in: GuideLine[];
  keep_out: GuideLine[];
  care: GuideLine[];
  checks: GuideLine[];
  no_space_th: string;
  no_space_en: string;
}

/** GET guide?lgo=: every item in the guide's order, with the LGO's changes and prices. */
export interface Guide {
  version: string;
  lgo_code: string | null;
  lgo_name_th: string | null;
  lgo_name_en: string | null;
  on: string;
  items: GuideItem[];
  wet_bin: WetBinGuide;
}

/** The guide a user reads: their household's LGO, else their own, else the province's. */
export function guidePath(me: Me | undefined, household?: Household | null): string {
  const lgo = household?.lgo_code ?? me?.user.lgo_code ?? me?.user.grants.find((g) => g.lgo_code)?.lgo_code;
  return lgo ? `guide?lgo=${encodeURIComponent(lgo)}` : 'guide';
}

/** GET households/{id}/rewards: the streak, badges and the village's standing (aggregates). */
export interface Rewards {
  household_id: number;
  today: string;
  streak: { current: number; best: number; best_ended_on: string | null };
  logged_days: number;
  badges: { badge: string; earned_on: string }[];
  village: {
    period: string;
    village_code: string;
    village_name_th: string;
    village_name_en: string;
    rank: number | null;
    value: number | null;
    change: number | null;
    ranked: number;
    villages: number;
    small_denominator: boolean;
    no_data: boolean;
  } | null;
}

export const rewardsPath = (householdId: number): string => `households/${householdId}/rewards`;
