/**
 * The sorting guide: what goes where, how to prepare it, today's waste-bank price, and the
 * wet-waste bin. The user's LGO's guide is kept on the phone (prefetched at sign-in) and
 * searched here with the server's own rules (guide-search.ts), so a search needs no signal.
 */
import { useMemo, useState } from 'preact/hooks';
import { guidePath, type Guide, type GuideItem, type GuideLine, type PriceRange, type WetBinGuide } from '../data';
import { entryOf, search } from '../guide-search';
import { formatNumber, lang, t, useT, type Key } from '../i18n';
import { useLoad } from '../load';
import { modeOf } from '../roles';
import { auth } from '../session';
import { useStore } from '../store';
import { streamIcon, streamName } from '../streams';
import { Icon, type IconName } from '../ui/icons';
import { LoadState, Screen } from '../ui/kit';
import { useMyHousehold } from './resident';

const WHERE_ICONS: Record<string, IconName> = {
  wet_bin: 'leaf',
  waste_bank: 'scale',
  hazardous_dropoff: 'pin',
  general_collection: 'trash',
};

const inLang = (th: string, en: string | null | undefined): string => (lang.get() === 'en' && en ? en : th);

function priceText(price: PriceRange): string {
  const low = formatNumber(price.low, 2);
  return t('guide_price', { price: price.low === price.high ? low : `${low}–${formatNumber(price.high, 2)}` });
}

function ItemCard({ item }: { item: GuideItem }) {
  const en = lang.get() === 'en';
  const note = en ? item.note_en ?? item.note_th : item.note_th ?? item.note_en;
  return (
    <li class={`guide-item stream-${item.stream}`} data-testid="guide-item" data-key={item.key} data-stream={item.stream}
      data-colour={item.bin_colour} data-where={item.where}>
      <span class={`cal-mark stream-${item.stream}`} aria-hidden="true"><Icon name={streamIcon(item.stream)} size={20} /></span>
      <div class="guide-main">
        <h3 class="guide-name">{inLang(item.name_th, item.name_en)}</h3>
        <div class="muted small" lang={en ? 'th' : 'en'}>{en ? item.name_th : item.name_en}</div>
        <span class="chips"><span class={`chip stream-${item.stream}`}>{streamName(item.stream)}</span></span>
        <div class="guide-where" data-testid="guide-where">
          <Icon name={WHERE_ICONS[item.where] ?? 'trash'} size={18} />
          <span><span class="visually-hidden">{t('guide_where')}: </span><strong>{t(`where_${item.where}` as Key)}</strong></span>
        </div>
        {item.where === 'waste_bank' && (
          <div class="guide-price" data-testid="guide-price">
            {item.price ? <>{priceText(item.price)} <span class="muted small">{t('guide_price_banks', { n: item.price.banks })}</span></> : <span class="muted">{t('guide_no_price')}</span>}
          </div>
        )}
        <p class="guide-prepare"><span class="visually-hidden">{t('guide_prepare')}: </span>{inLang(item.prepare_th, item.prepare_en)}</p>
        {note && <p class="guide-note" data-testid="guide-note"><strong>{t('guide_lgo_note')}:</strong> {note}</p>}
      </div>
    </li>
  );
}

function Lines({ title, lines }: { title: Key; lines: GuideLine[] }) {
  return (
    <>
      <h3>{t(title)}</h3>
      <ul class="guide-lines">{lines.map((line) => <li key={line.th}>{inLang(line.th, line.en)}</li>)}</ul>
    </>
  );
}

function WetBin({ wet, open }: { wet: WetBinGuide; open: boolean }) {
  return (
    <details class="card guide-wet" open={open} data-testid="guide-wet-bin">
      <summary><span class="cal-mark stream-organic" aria-hidden="true"><Icon name="leaf" size={20} /></span><strong>{inLang(wet.title_th, wet.title_en)}</strong></summary>
      <p>{inLang(wet.summary_th, wet.summary_en)}</p>
      <Lines title="guide_wet_put_in" lines={wet.put_in} />
      <Lines title="guide_wet_keep_out" lines={wet.keep_out} />
      <Lines title="guide_wet_build" lines={wet.build} />
      <Lines title="guide_wet_care" lines={wet.care} />
      <Lines title="guide_wet_checks" lines={wet.checks} />
      <h3>{t('guide_wet_no_space')}</h3>
      <p>{inLang(wet.no_space_th, wet.no_space_en)}</p>
    </details>
  );
}

function GuideBody({ guide }: { guide: Guide }) {
  const [query, setQuery] = useState('');
  const entries = useMemo(() => guide.items.map(entryOf), [guide]);
  const byKey = useMemo(() => new Map(guide.items.map((item) => [item.key, item])), [guide]);
  const asked = query.trim() !== '';
  const shown = asked ? search(query, entries).map((m) => byKey.get(m.key)!) : guide.items;
  const lgo = inLang(guide.lgo_name_th ?? '', guide.lgo_name_en);
  return (
    <>
      <label class="field guide-search">
        <span class="visually-hidden">{t('guide_search_label')}</span>
        <Icon name="search" size={20} />
        <input class="input" type="search" value={query} placeholder={t('guide_search_placeholder')} data-testid="guide-search"
          enterKeyHint="search" autoComplete="off" onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <p class="muted small" role="status" data-testid="guide-count">
        {asked ? (shown.length ? t('guide_found', { n: shown.length }) : t('guide_none', { q: query.trim() })) : t('guide_all', { n: shown.length })}
        {' · '}{lgo ? t('guide_for_lgo', { lgo }) : t('guide_province')}
      </p>
      {!asked && <WetBin wet={guide.wet_bin} open={false} />}
      <ul class="guide-list" data-testid="guide-results">{shown.map((item) => <ItemCard key={item.key} item={item} />)}</ul>
      {asked && <WetBin wet={guide.wet_bin} open={false} />}
    </>
  );
}

export function GuideScreen() {
  useT();
  const { me } = useStore(auth);
  const resident = modeOf(me) === 'resident';
  const household = useMyHousehold(resident);
  // A resident reads their household's LGO's guide: wait for the household (stored or
  // answered) so the screen asks once, under the key prefetch kept.
  const settled = !resident || household.data !== undefined || (!household.loading && Boolean(household.error));
  const guide = useLoad<Guide>(settled ? guidePath(me, household.data) : null, { store: 'device' });
  return (
    <Screen title={t('guide_title')} back="/">
      <LoadState loaded={guide}>{(g) => <GuideBody guide={g} />}</LoadState>
    </Screen>
  );
}
