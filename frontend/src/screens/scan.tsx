/**
 * Opening a household from its QR card: the camera where the browser has BarcodeDetector
 * (Chromium on Android), else — and always — a typed card code, card link or house number.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, OfflineError } from '../../shared/api';
import { readCache, writeCache } from '../cache';
import { householdsKey, type Household, type HouseholdDetail, type Page } from '../data';
import { errorMessage, t, useT } from '../i18n';
import { Link, navigate } from '../router';
import { auth, modeOf, type Me } from '../session';
import { useStore } from '../store';
import { Icon } from '../ui/icons';
import { Banner, Screen } from '../ui/kit';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

function detectorClass(): DetectorClass | null {
  return (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector ?? null;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The token a card's printed code stands for (20 Crockford base32 characters: the token's 96
 * bits), forgiving lower case, O for 0, I or L for 1, spaces and dashes; null for anything else.
 * The server reads codes the same way (households/cards.py).
 */
export function tokenOfCode(text: string): string | null {
  const cleaned = text.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== 20 || [...cleaned].some((c) => !CROCKFORD.includes(c))) return null;
  let bits = '';
  for (const c of cleaned) bits += CROCKFORD.indexOf(c).toString(2).padStart(5, '0');
  if (/1/.test(bits.slice(96))) return null; // a real code's last 4 bits are zero
  let token = '';
  for (let i = 0; i < 96; i += 6) token += BASE64URL[parseInt(bits.slice(i, i + 6), 2)];
  return token;
}

/** The card's token from a scanned or typed text: the /h/<token> link, the code printed under
 * the QR, or the bare token. */
export function tokenOf(text: string): string | null {
  const trimmed = text.trim();
  const link = /\/h\/([A-Za-z0-9_-]+)/.exec(trimmed);
  if (link) return link[1];
  const fromCode = tokenOfCode(trimmed);
  if (fromCode) return fromCode;
  return /^[A-Za-z0-9_-]{12,32}$/.test(trimmed) ? trimmed : null;
}

type Outcome = { id: number } | { choices: Household[] } | { problem: string };

/**
 * Resolve a card token to a household id: the server when online; offline, a card scanned here
 * before, else the register the phone keeps (it carries every card's token).
 */
export async function openToken(token: string, me: Me | undefined): Promise<Outcome> {
  try {
    const household = await api<HouseholdDetail>(`households/by-qr/${encodeURIComponent(token)}`);
    await writeCache(`qr:${token}`, { id: household.id });
    await writeCache(`households/${household.id}`, household);
    return { id: household.id };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { problem: t('scan_not_found') };
    if (!(error instanceof OfflineError)) return { problem: errorMessage(error) };
    const known = await readCache<{ id: number }>(`qr:${token}`);
    if (known) return { id: known.data.id };
    const stored = (await readCache<Household[]>(householdsKey(me)))?.data ?? [];
    const match = stored.find((h) => h.qr_token === token);
    return match ? { id: match.id } : { problem: t('scan_need_online') };
  }
}

async function findHouse(text: string, me: Me | undefined): Promise<Outcome> {
  const wanted = text.trim().toLowerCase();
  const stored = (await readCache<Household[]>(householdsKey(me)))?.data ?? [];
  let matches = stored.filter((h) => h.house_number.toLowerCase() === wanted);
  if (matches.length === 0 && navigator.onLine) {
    try {
      matches = (await api<Page<Household>>(`households?q=${encodeURIComponent(text.trim())}&per_page=20`)).items
        .filter((h) => h.house_number.toLowerCase() === wanted || h.house_number.toLowerCase().startsWith(wanted));
    } catch {
      // Fall through to "not found".
    }
  }
  if (matches.length === 1) return { id: matches[0].id };
  if (matches.length > 1) return { choices: matches };
  return { problem: t('scan_not_found') };
}

export function Scan() {
  useT();
  const { me } = useStore(auth);
  const [typed, setTyped] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [scanning, setScanning] = useState(false);
  const [busy, setBusy] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const canScan = Boolean(detectorClass() && navigator.mediaDevices?.getUserMedia);

  async function resolve(text: string) {
    setBusy(true);
    const token = tokenOf(text);
    const result = token ? await openToken(token, me) : await findHouse(text, me);
    setBusy(false);
    if ('id' in result) navigate(`/households/${result.id}`);
    else setOutcome(result);
  }

  function stop() {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    setScanning(false);
  }

  async function start() {
    const Detector = detectorClass();
    if (!Detector) return;
    setOutcome(null);
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch {
      setOutcome({ problem: t('scan_no_camera') });
      return;
    }
    setScanning(true);
    const detector = new Detector({ formats: ['qr_code'] });
    const el = video.current!;
    el.srcObject = stream.current;
    await el.play();
    const tick = async () => {
      if (!stream.current) return;
      try {
        const codes = await detector.detect(el);
        if (codes[0]?.rawValue) {
          stop();
          await resolve(codes[0].rawValue);
          return;
        }
      } catch {
        // A frame the detector could not read: try the next one.
      }
      window.setTimeout(() => void tick(), 250);
    };
    void tick();
  }

  useEffect(() => stop, []);

  return (
    <Screen title={t('scan_title')}>
      {canScan ? (
        <div class="scanner">
          <video ref={video} muted playsInline class={scanning ? '' : 'hidden'} aria-label={t('scan_title')} />
          <button type="button" class="button button-primary button-big" onClick={() => (scanning ? stop() : void start())}>
            <Icon name="scan" />{scanning ? t('scan_stop') : t('scan_start')}
          </button>
        </div>
      ) : (
        <Banner kind="info" icon="scan">{t('scan_no_camera')}</Banner>
      )}
      <form class="typed-code" onSubmit={(e) => { e.preventDefault(); if (typed.trim()) void resolve(typed); }}>
        <label class="field">
          <span>{t('scan_typed')}</span>
          <input class="input" name="code" autocomplete="off" autocapitalize="off" spellcheck={false} value={typed}
            placeholder="XXXXX-XXXXX-XXXXX-XXXXX" aria-describedby="code-hint"
            onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
          <span class="muted small" id="code-hint">{t('scan_code_hint')}</span>
        </label>
        <button type="submit" class="button button-primary" disabled={busy}>{t('scan_open')}</button>
      </form>
      {outcome && 'problem' in outcome && <Banner kind="warn" icon="alert">{outcome.problem}</Banner>}
      {outcome && 'choices' in outcome && (
        <>
          <p>{t('scan_pick')}</p>
          <ul class="rows">
            {outcome.choices.map((h) => (
              <li key={h.id}><Link class="row row-link" href={`/households/${h.id}`}><span class="house-no">{h.house_number}</span> <span class="muted">{h.head_name ?? ''} · {h.village_code}</span></Link></li>
            ))}
          </ul>
        </>
      )}
    </Screen>
  );
}

/** /h/<token>: what a QR card's link opens — the household for a volunteer, home for its resident. */
export function QrOpen({ token }: { token: string }) {
  useT();
  const { me } = useStore(auth);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void openToken(token, me).then((result) => {
      if ('id' in result) navigate(modeOf(me) === 'resident' ? '/card' : `/households/${result.id}`, true);
      else if ('problem' in result) setProblem(result.problem);
    });
  }, [token]);
  return (
    <Screen title={t('scan_title')} back="/">
      {problem ? <Banner kind="warn" icon="alert">{problem}</Banner> : <div class="loading" role="status"><span class="spinner" /></div>}
    </Screen>
  );
}
