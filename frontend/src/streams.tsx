/** The four sorting streams (codes are data, colours are display) and their pickers. */
import { t, useT, type Key } from './i18n';
import { Icon, type IconName } from './ui/icons';

export type Stream = 'organic' | 'recyclable' | 'general' | 'hazardous';
export const STREAMS: Stream[] = ['organic', 'recyclable', 'general', 'hazardous'];
export type Handling = 'wet_bin' | 'compost' | 'animal_feed' | 'other';
export const HANDLINGS: Handling[] = ['wet_bin', 'compost', 'animal_feed', 'other'];

const ICONS: Record<Stream, IconName> = { organic: 'leaf', recyclable: 'bottle', general: 'trash', hazardous: 'battery' };

export function streamIcon(s: string): IconName {
  return ICONS[s as Stream] ?? 'trash';
}

export function streamName(s: string): string {
  return t(`stream_${s}` as Key);
}

export function StreamChips({ streams }: { streams: string[] }) {
  useT();
  return (
    <span class="chips">
      {streams.map((s) => (
        <span key={s} class={`chip stream-${s}`}>
          <Icon name={streamIcon(s)} size={16} />
          {streamName(s)}
        </span>
      ))}
    </span>
  );
}

export function StreamPicker({ value, onChange, legend }: { value: Stream[]; onChange: (v: Stream[]) => void; legend: string }) {
  useT();
  return (
    <fieldset class="tiles tiles-2">
      <legend>{legend}</legend>
      {STREAMS.map((s) => {
        const on = value.includes(s);
        return (
          <label key={s} class={`tile stream-tile stream-${s}${on ? ' on' : ''}`}>
            <input
              type="checkbox"
              name="streams"
              value={s}
              checked={on}
              onChange={() => onChange(on ? value.filter((x) => x !== s) : STREAMS.filter((x) => x === s || value.includes(x)))}
            />
            <Icon name={ICONS[s]} size={32} />
            <span>{streamName(s)}</span>
            <span class="tick" aria-hidden="true"><Icon name="check" size={18} /></span>
          </label>
        );
      })}
    </fieldset>
  );
}

export function HandlingPicker({ value, onChange, legend }: { value: Handling | null; onChange: (v: Handling) => void; legend: string }) {
  useT();
  return (
    <fieldset class="tiles tiles-2">
      <legend>{legend}</legend>
      {HANDLINGS.map((h) => (
        <label key={h} class={`tile handling-tile${value === h ? ' on' : ''}`}>
          <input type="radio" name="organic_handling" value={h} checked={value === h} onChange={() => onChange(h)} />
          <span class="dot" aria-hidden="true"><Icon name="check" size={16} /></span>
          <span>{t(`handling_${h}` as Key)}</span>
        </label>
      ))}
    </fieldset>
  );
}
