/** The resident's own QR card: what volunteers scan, with the code to type when a camera cannot. */
import { useEffect, useState } from 'preact/hooks';
import type { HouseholdDetail } from '../data';
import { t, useT } from '../i18n';
import { useLoad } from '../load';
import { LoadState, Screen } from '../ui/kit';
import { useMyHousehold } from './resident';
import { Banner } from '../ui/kit';

function QrSvg({ text }: { text: string }) {
  const [path, setPath] = useState<{ d: string; size: number } | null>(null);
  useEffect(() => {
    let live = true;
    // The encoder is only needed on this screen, so it loads (and is precached) on its own.
    void import('lean-qr').then(({ generate, correction }) => {
      const code = generate(text, { minCorrectionLevel: correction.M });
      let d = '';
      for (let y = 0; y < code.size; y++) {
        for (let x = 0; x < code.size; x++) if (code.get(x, y)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
      }
      if (live) setPath({ d, size: code.size + 8 });
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (!path) return <div class="qr qr-loading" />;
  return (
    <svg class="qr" viewBox={`0 0 ${path.size} ${path.size}`} role="img" aria-label={text} shape-rendering="crispEdges">
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

export function Card() {
  useT();
  const household = useMyHousehold();
  const detail = useLoad<HouseholdDetail>(household.id ? `households/${household.id}` : null, { store: 'device' });
  return (
    <Screen title={t('card_title')}>
      <LoadState loaded={household}>
        {(h) => h === null ? <Banner kind="warn" icon="alert">{t('no_household')}</Banner> : (
          <LoadState loaded={detail}>
            {(d) => (
              <section class="card qr-card" data-testid="qr-card">
                <QrSvg text={d.qr_url} />
                <div class="qr-house">
                  <span class="muted">{t('house_no')}</span>
                  <strong>{d.house_number}</strong>
                </div>
                <div class="stream-strip" aria-hidden="true">
                  <span class="stream-organic" /><span class="stream-recyclable" /><span class="stream-general" /><span class="stream-hazardous" />
                </div>
                <p>{t('card_hint')}</p>
                <p class="muted">{t('code')}: <code data-testid="qr-token">{d.qr_token}</code></p>
              </section>
            )}
          </LoadState>
        )}
      </LoadState>
    </Screen>
  );
}
