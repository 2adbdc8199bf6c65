/** Settings kept on the phone: the base-map tile URL, and the persistent-storage request. */
import { getMeta, setMeta } from '../shared/db';
import { lang } from './i18n';

/**
 * Base-map tiles, set when the app is built (VITE_TILE_URL). The server's Content-Security-Policy
 * admits only the tile host of its own KHAYA_MAP_TILE_URL, so both name the same server; the
 * default is the server's default.
 */
export const DEFAULT_TILE_URL: string = import.meta.env.VITE_TILE_URL ?? 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';

/** The tile URL template to use; an empty string means no base map at all. */
export async function tileUrl(): Promise<string> {
  const settings = await getMeta('settings');
  return settings?.tile_url === '' ? '' : DEFAULT_TILE_URL;
}

/** Turn the base map on or off on this phone (off saves data; the app's layers still draw). */
export async function setBaseMap(on: boolean): Promise<void> {
  await setMeta('settings', { lang: lang.get(), tile_url: on ? null : '' });
}

export interface StorageStatus {
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

export async function storageStatus(): Promise<StorageStatus> {
  const s = navigator.storage;
  const persisted = s?.persisted ? await s.persisted() : null;
  const estimate = s?.estimate ? await s.estimate() : undefined;
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Ask the browser not to evict the outbox under storage pressure (granted silently or not). */
export async function askPersistentStorage(): Promise<boolean> {
  try {
    if (!navigator.storage?.persist) return false;
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
