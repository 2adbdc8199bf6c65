/**
 * The LGO's waste banks: the list (the server answers only the caller's own LGO's), and one
 * bank's next buying day, buying days, ledger, members by household, prices and passbook PDFs.
 */
import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import type { Bank, Member, Page as ApiPage, Price } from '../data';
import { formatBaht, formatDate, formatNumber, formatPhone, lang, nameOf, t, useT, type Key } from '../i18n';
import { Link } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { Banner, Reasons, showToast } from '../ui/kit';
import { DownloadButton, errorText, formErrors, Loaded, Page, Pager, useFetch } from './lib';
import { type Opening, openingText } from './operations';

interface BankFull extends Bank {
  host: string | null;
  partner_buyer: string | null;
  buying_schedule: Opening;
}

interface Entry {
  id: number;
  member_id: number;
  entry_date: string;
  kind: string;
  amount: number;
  note: string | null;
  lines: { material: string; kg: number }[];
}

const MATERIALS = ['pet', 'plastic_other', 'paper', 'carton', 'glass', 'aluminium', 'iron', 'other'] as const;

function NextBuyingDay({ day }: { day: string | null }) {
  return <span data-testid="next-buying-day">{day ? formatDate(day) : t('bank_no_next_day')}</span>;
}

export function Banks() {
  useT();
  const banks = useFetch<ApiPage<BankFull>>('waste-banks?per_page=100');
  return (
    <Page title={t('on_banks')}>
      <Loaded fetched={banks}>
        {(data) => data.items.length === 0 ? <Banner kind="info" icon="book">{t('bank_none')}</Banner> : (
          <div class="table-wrap">
            <table class="data-table" data-testid="banks-table">
              <thead>
                <tr>
                  <th scope="col">{t('o_name')}</th>
                  <th scope="col">{t('bank_host')}</th>
                  <th scope="col">{t('bank_next_day')}</th>
                  <th scope="col">{t('bank_buying_days')}</th>
                  <th scope="col">{t('reg_status')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((b) => (
                  <tr key={b.id} data-testid="bank-row">
                    <td><Link href={`/office/banks/${b.id}`}>{nameOf(b)}</Link></td>
                    <td>{b.host ?? ''}</td>
                    <td><NextBuyingDay day={b.next_buying_day} /></td>
                    <td>{openingText(b.buying_schedule)}</td>
                    <td>{b.active ? t('reg_active') : t('reg_inactive')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Page>
  );
}

/** Add or remove the dated days the bank buys on (the buyer's truck comes on set dates). */
function BuyingDays({ bank, onSaved }: { bank: BankFull; onSaved: () => void }) {
  useT();
  const [day, setDay] = useState('');
  const dates = bank.buying_schedule?.dates ?? [];
  const save = async (next: string[]) => {
    try {
      await api(`waste-banks/${bank.id}`, { method: 'PATCH', body: { buying_schedule: { weekly: bank.buying_schedule?.weekly ?? [], dates: [...new Set(next)].sort() } } });
      showToast(t('o_saved'));
      onSaved();
    } catch (error) {
      showToast(errorText(error), 'warn');
    }
  };
  return (
    <details class="buying-days">
      <summary>{t('bank_edit_days')}</summary>
      <ul class="chips">
        {dates.map((d) => (
          <li key={d} class="chip">
            {formatDate(d)}
            <button type="button" class="link-button" aria-label={`${t('bank_remove_day')} ${formatDate(d)}`} onClick={() => void save(dates.filter((x) => x !== d))}>×</button>
          </li>
        ))}
      </ul>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (day) void save([...dates, day]);
          setDay('');
        }}
      >
        <label class="field inline-field">
          <span>{t('bank_add_day')}</span>
          <input class="input" type="date" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} data-testid="buying-day" />
        </label>
        <button type="submit" class="button button-secondary button-small">{t('o_add')}</button>
      </form>
    </details>
  );
}

/** The house and village of an account, or nothing for those who may not see the household. */
function holder(m: Member): string {
  const h = m.household;
  if (!h) return '';
  const village = lang.get() === 'en' ? h.village_name_en || h.village_name_th : h.village_name_th;
  // Village names repeat within an LGO; the หมู่ number tells them apart.
  return `${h.house_number} · ${h.moo ? `${t('bank_moo', { n: h.moo })} ` : ''}${village}`;
}

function Members({ bank, members }: { bank: number; members: ApiPage<Member> }) {
  useT();
  return (
    <div class="table-wrap">
      <table class="data-table" data-testid="members-table">
        <thead>
          <tr>
            <th scope="col" class="num">{t('bank_member_no')}</th>
            <th scope="col">{t('reg_head')}</th>
            <th scope="col">{t('reg_house_no')}</th>
            <th scope="col">{t('reg_phone')}</th>
            <th scope="col" class="num">{t('bank_balance')}</th>
            <th scope="col">{t('bank_passbook')}</th>
          </tr>
        </thead>
        <tbody>
          {members.items.map((m) => (
            <tr key={m.id} data-testid="member-row">
              <td class="num">{m.member_number}</td>
              <td>{m.household ? <Link href={`/office/households/${m.household_id}`}>{m.household.head_name || t('bank_no_head')}</Link> : ''}</td>
              <td>{holder(m)}</td>
              <td>{formatPhone(m.household?.phone)}</td>
              <td class={m.balance < 0 ? 'num bad-text' : 'num'}>{formatBaht(m.balance)}</td>
              <td><DownloadButton path={`waste-banks/${bank}/members/${m.id}/passbook.pdf?lang=${lang.get()}`} name={`passbook-${m.member_number}.pdf`} label={t('o_pdf')} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Ledger({ bank, members }: { bank: number; members: Map<number, Member> }) {
  useT();
  const [page, setPage] = useState(1);
  const ledger = useFetch<ApiPage<Entry>>(`waste-banks/${bank}/ledger?per_page=25&page=${page}`);
  return (
    <Loaded fetched={ledger}>
      {(data) => (
        <>
          <div class="table-wrap">
            <table class="data-table bank-ledger" data-testid="ledger-table">
              <thead>
                <tr><th scope="col">{t('bank_date')}</th><th scope="col">{t('bank_member_no')}</th><th scope="col">{t('bank_kind')}</th><th scope="col" class="num">{t('bank_amount')}</th><th scope="col">{t('bank_note')}</th></tr>
              </thead>
              <tbody>
                {data.items.map((e) => {
                  const m = members.get(e.member_id);
                  return (
                    <tr key={e.id}>
                      <td>{formatDate(e.entry_date)}</td>
                      <td>{m ? `${m.member_number}${m.household ? ` · ${m.household.house_number}` : ''}` : e.member_id}</td>
                      <td>{t(`entry_${e.kind}` as Key)}{e.lines.length > 0 && ` · ${e.lines.map((l) => `${t(`material_${l.material}` as Key)} ${formatNumber(l.kg, 1)} ${t('kg_unit')}`).join(', ')}`}</td>
                      <td class="num">{formatBaht(e.amount)}</td>
                      <td>{e.note ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager meta={data.meta} onPage={setPage} />
        </>
      )}
    </Loaded>
  );
}

function Prices({ bank }: { bank: number }) {
  useT();
  const prices = useFetch<{ on: string; prices: Price[] }>(`waste-banks/${bank}/prices`);
  const [price, setPrice] = useState({ material: 'pet', price_per_kg: '', valid_from: '' });
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  return (
    <>
      <h2>{t('bank_prices')}</h2>
      <Loaded fetched={prices}>
        {(data) => (
          <table class="data-table" data-testid="prices-table">
            <thead><tr><th scope="col">{t('bank_material')}</th><th scope="col" class="num">{t('bank_price')}</th><th scope="col">{t('bank_valid_from')}</th></tr></thead>
            <tbody>
              {data.prices.map((p) => (
                <tr key={p.material}><td>{t(`material_${p.material}` as Key)}</td><td class="num">{formatNumber(p.price_per_kg, 2)}</td><td>{formatDate(p.valid_from)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <form
        class="office-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api(`waste-banks/${bank}/prices`, { method: 'POST', body: { material: price.material, price_per_kg: price.price_per_kg, valid_from: price.valid_from } });
            setErrors(undefined);
            showToast(t('o_saved'));
            prices.reload();
          } catch (error) {
            setErrors(formErrors(error));
          }
        }}
      >
        <h2>{t('bank_new_price')}</h2>
        <label class="field">
          <span>{t('bank_material')}</span>
          <select class="input" value={price.material} onChange={(e) => setPrice({ ...price, material: (e.target as HTMLSelectElement).value })}>
            {MATERIALS.map((m) => <option key={m} value={m}>{t(`material_${m}` as Key)}</option>)}
          </select>
        </label>
        <label class="field"><span>{t('bank_price')}</span><input class="input" inputMode="decimal" value={price.price_per_kg} onInput={(e) => setPrice({ ...price, price_per_kg: (e.target as HTMLInputElement).value })} required /></label>
        <label class="field"><span>{t('bank_valid_from')}</span><input class="input" type="date" value={price.valid_from} onInput={(e) => setPrice({ ...price, valid_from: (e.target as HTMLInputElement).value })} required /></label>
        {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
        <button type="submit" class="button button-primary button-small">{t('o_save')}</button>
      </form>
    </>
  );
}

/** One of the LGO's banks; another LGO's (opened by its address) says so and offers nothing. */
export function BankOffice({ id }: { id: number }) {
  useT();
  const { me } = useStore(auth);
  const bank = useFetch<BankFull>(`waste-banks/${id}`);
  const mine = Boolean(bank.data && (me?.roles.includes('admin')
    || me?.user.grants.some((g) => (g.role === 'lgo_staff' || g.role === 'lgo_admin') && g.lgo_code === bank.data!.lgo_code)));
  const [page, setPage] = useState(1);
  const members = useFetch<ApiPage<Member>>(mine ? `waste-banks/${id}/members?per_page=200&page=${page}` : null);
  const byId = new Map((members.data?.items ?? []).map((m) => [m.id, m]));

  return (
    <Page title={bank.data ? nameOf(bank.data) : t('on_banks')} tools={<Link href="/office/banks" class="button button-quiet button-small">{t('back')}</Link>}>
      <Loaded fetched={bank}>
        {(b) => !mine ? <Banner kind="warn" icon="alert"><span data-testid="bank-not-ours">{t('bank_not_ours')}</span></Banner> : (
          <>
            <p class="bank-next">
              <strong>{t('bank_next_day')}:</strong> <NextBuyingDay day={b.next_buying_day} />
              {b.host ? ` · ${b.host}` : ''}{b.partner_buyer ? ` · ${t('bank_buyer')}: ${b.partner_buyer}` : ''}
            </p>
            <p><strong>{t('bank_buying_days')}:</strong> <span data-testid="buying-days">{openingText(b.buying_schedule)}</span></p>
            <BuyingDays bank={b} onSaved={bank.reload} />
            <div class="office-split">
              <div>
                <h2>{t('bank_members')}{members.data ? ` (${formatNumber(members.data.meta.total)})` : ''}</h2>
                <Loaded fetched={members}>{(data) => <><Members bank={id} members={data} /><Pager meta={data.meta} onPage={setPage} /></>}</Loaded>
                <h2>{t('bank_ledger')}</h2>
                <Ledger bank={id} members={byId} />
              </div>
              <aside class="office-side">
                <Prices bank={id} />
              </aside>
            </div>
          </>
        )}
      </Loaded>
    </Page>
  );
}
