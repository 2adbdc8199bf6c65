/**
 * The phone's IndexedDB: the one typed schema shared by the page and the service worker.
 *
 * Upgrades only ever add stores or indexes; the outbox survives every app version, so an
 * update can never drop an item that is waiting to be sent.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type ItemKind = 'sorting_log' | 'inspection' | 'deposit' | 'report';
export type ItemStatus = 'waiting' | 'sent' | 'rejected';

/** A photo taken offline: uploaded (idempotently, by its own id) before the item that cites it.
 * A household's photo (a log's or an inspection's) names its household; a report's names none. */
export interface QueuedPhoto {
  id: string;
  household_id: number | null;
  blob: Blob;
  uploaded: boolean;
  /** 'report': POST /reports/photos, cited in the item's photo_ids; else POST /photos. */
  target?: 'report';
}

/** What the server made of an inspection's location when it stored it (see POST /sync). */
export interface InspectionNotice {
  location_flag: 'far' | 'no_location' | 'mock_location' | null;
  distance_m: number | null;
  gps_accuracy_m: number | null;
  passed: boolean;
  /** pending: waits for the LGO; null: not flagged. */
  review: 'pending' | 'accepted' | 'rejected' | null;
  review_reason: string | null;
  /** Whether the result counts (verification, the sign, the figures). */
  counted: boolean;
}

export interface OutboxItem {
  /** Insertion order; replay is strictly first in, first out. */
  seq?: number;
  client_id: string;
  kind: ItemKind;
  data: Record<string, unknown>;
  /** The phone's clock when the item was made (ISO 8601 with offset). */
  device_time: string;
  created_at: number;
  /** Only this user's session may send it: another person signing in on the phone must not. */
  user_id: number;
  household_id: number | null;
  status: ItemStatus;
  attempts: number;
  server_id?: unknown;
  /** The server's answer about an inspection it stored. */
  notice?: InspectionNotice;
  /** The server's field errors for a rejected item. */
  errors?: Record<string, unknown>;
  /** Why the last attempt did not get an answer (offline, server error, ...). */
  last_error?: string;
  sent_at?: number;
  photo?: QueuedPhoto;
}

export interface Session {
  user_id: number;
  display_name: string;
  access_token: string;
  refresh_token: string;
  /** Epoch ms after which the access token should be refreshed before use. */
  access_expires_at: number;
}

export interface ClockCheck {
  /** The server's clock at the last answer (epoch ms) and the phone's clock at that moment. */
  server_ms: number;
  local_ms: number;
  /** Server minus phone, seconds, as the last sync measured it. */
  offset_s: number | null;
}

export interface Settings {
  lang: 'th' | 'en';
  /** Leaflet URL template for base tiles; empty draws the app's own layers on a plain ground. */
  tile_url: string | null;
}

export interface MetaMap {
  session: Session;
  device_id: string;
  clock: ClockCheck;
  settings: Settings;
  last_sync: { at: number; sent: number; rejected: number };
}

export interface CacheEntry {
  key: string;
  user_id: number;
  data: unknown;
  fetched_at: number;
}

interface KhayaDB extends DBSchema {
  outbox: {
    key: number;
    value: OutboxItem;
    indexes: { by_client_id: string; by_status: ItemStatus; by_household: number };
  };
  cache: { key: string; value: CacheEntry; indexes: { by_user: number } };
  meta: { key: string; value: unknown };
}

export const DB_NAME = 'khaya';
export const DB_VERSION = 1;

let opening: Promise<IDBPDatabase<KhayaDB>> | null = null;

export function db(): Promise<IDBPDatabase<KhayaDB>> {
  if (!opening) {
    opening = openDB<KhayaDB>(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) {
          const outbox = database.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
          outbox.createIndex('by_client_id', 'client_id', { unique: true });
          outbox.createIndex('by_status', 'status');
          outbox.createIndex('by_household', 'household_id');
          const cache = database.createObjectStore('cache', { keyPath: 'key' });
          cache.createIndex('by_user', 'user_id');
          database.createObjectStore('meta');
        }
      },
      blocking() {
        // A newer version of the app wants to upgrade the schema: let it, and reopen on demand.
        void opening?.then((d) => d.close());
        opening = null;
      },
    });
  }
  return opening;
}

export async function getMeta<K extends keyof MetaMap>(key: K): Promise<MetaMap[K] | undefined> {
  return (await (await db()).get('meta', key)) as MetaMap[K] | undefined;
}

export async function setMeta<K extends keyof MetaMap>(key: K, value: MetaMap[K]): Promise<void> {
  await (await db()).put('meta', value, key);
}

export async function deleteMeta(key: keyof MetaMap): Promise<void> {
  await (await db()).delete('meta', key);
}
