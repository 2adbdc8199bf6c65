/**
 * Weighing a waste-bank deposit for a member household; priced by the server on the day.
 *
 * The household's accounts, banks and prices come in one request; offline, from the accounts
 * of the volunteer's villages the phone stored on its last online visit.
 */
import { useState } from 'preact/hooks';
import type { OutboxItem } from '../../shared/db';
import { enqueue, resubmit } from '../../shared/outbox';
import { localToday } from '../../shared/util';
import { readCache } from '../cache';
import { accountsOf, MEMBERSHIPS, type Memberships } from '../data';
import { formatBaht, formatNumber, nameOf, t, useT, type Key } from '../i18n';
import { useLoad } from '../load';
import { goBack } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { kick } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, LoadState, Screen, showToast } from '../ui/kit';
import { useHousehold } from './household';

const MATERIALS = ['pet', 'plastic_other', 'paper', 'carton', 'glass', 'aluminium', 'iron', 'other'];

function useAccounts(householdId: number) {
  const path = `${MEMBERSHIPS}?household_id=${householdId}`;
  return useLoad<Memberships>(path, {
    store: 'device',
    offlineFallback: async () => (await readCache<Memberships>(MEMBERSHIPS))?.data,
  });
}

export function DepositScreen({ id, fix }: { id: number; fix?: OutboxItem }) {
  useT();
  const { session } = useStore(auth);
  const household = useHousehold(id);
  const context = useAccounts(id);
  const [choice, setChoice] = useState<number | null>(fix ? Number(fix.data.bank_id) : null);
  const [kg, setKg] = useState<Record<string, string>>(() => Object.fromEntries(
    ((fix?.data.lines as { material: string; kg: number }[]) ?? []).map((l) => [l.material, String(l.kg)]),
  ));
  const [note, setNote] = useState(fix ? String(fix.data.note ?? '') : '');
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <Screen title={t('deposit_title')} back={`/households/${id}`}>
      <LoadState loaded={context}>
        {(answer) => {
          const memberships = accountsOf(answer, id).filter((a) => a.member.active);
          if (memberships.length === 0) {
            const open = answer.banks.filter((b) => b.active).map(nameOf);
            return (
              <Banner kind="warn" icon="alert">
                {open.length ? t('deposit_not_member') : t('deposit_no_bank')}
                {open.length > 0 && <><br />{t('bank_join_at', { banks: open.join(', ') })}</>}
              </Banner>
            );
          }
          const current = memberships.find((m) => m.bank.id === choice) ?? memberships[0];
          const price = (material: string) => current.prices.find((p) => p.material === material)?.price_per_kg;
          const priced = MATERIALS.filter((m) => price(m) !== undefined);
          if (priced.length === 0) return <Banner kind="warn" icon="alert">{t('deposit_no_price')}</Banner>;
          const lines = priced.map((material) => ({ material, kg: Number((kg[material] ?? '').replace(',', '.')) }))
            .filter((l) => Number.isFinite(l.kg) && l.kg > 0);
          const total = lines.reduce((sum, l) => sum + l.kg * (price(l.material) ?? 0), 0);

          async function save(event: Event) {
            event.preventDefault();
            if (lines.length === 0) {
              setProblem(t('deposit_enter_kg'));
              return;
            }
            const data = {
              bank_id: current.bank.id,
              member_id: current.member.id,
              deposit_date: fix ? fix.data.deposit_date : localToday(),
              lines: lines.map((l) => ({ material: l.material, kg: Math.round(l.kg * 100) / 100 })),
              note: note.trim() || null,
            };
            if (fix) await resubmit(fix.seq!, data);
            else await enqueue({ kind: 'deposit', data, user_id: session!.user_id, household_id: id });
            showToast(navigator.onLine ? t('saved') : t('saved_waiting'), navigator.onLine ? 'ok' : 'info');
            kick();
            goBack(`/households/${id}`);
          }

          return (
            <form class="deposit-form" onSubmit={save} noValidate>
              <p class="lead">{t('house_no')} <strong>{household.data?.house_number ?? current.member.household?.house_number ?? ''}</strong></p>
              {memberships.length > 1 ? (
                <label class="field">
                  <span>{t('deposit_bank')}</span>
                  <select class="input" value={current.bank.id} onChange={(e) => setChoice(Number((e.currentTarget as HTMLSelectElement).value))}>
                    {memberships.map((m) => <option key={m.bank.id} value={m.bank.id}>{nameOf(m.bank)}</option>)}
                  </select>
                </label>
              ) : <p data-testid="deposit-bank">{nameOf(current.bank)}</p>}
              <p class="muted">{t('member_no')} {current.member.member_number} · {t('balance')} {formatBaht(current.member.balance)}</p>
              <div class="material-grid">
                {priced.map((material) => {
                  const p = price(material)!;
                  return (
                    <label class="field material" key={material}>
                      <span>{t(`material_${material}` as Key)}</span>
                      <small class="muted">{t('deposit_price', { n: formatNumber(p, 2) })}</small>
                      <input class="input" type="text" inputMode="decimal" name={`kg_${material}`} value={kg[material] ?? ''}
                        aria-label={`${t(`material_${material}` as Key)} (${t('kg_unit')})`}
                        onInput={(e) => setKg({ ...kg, [material]: (e.currentTarget as HTMLInputElement).value })} />
                    </label>
                  );
                })}
              </div>
              <label class="field">
                <span>{t('notes')}</span>
                <input class="input" type="text" maxLength={500} value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
              </label>
              <p class="total">{t('deposit_total')}: <strong>{formatBaht(total)}</strong></p>
              {problem && lines.length === 0 && <Banner kind="error" icon="alert">{problem}</Banner>}
              <button type="submit" class="button button-primary button-big"><Icon name="check" />{t('save')}</button>
            </form>
          );
        }}
      </LoadState>
    </Screen>
  );
}
