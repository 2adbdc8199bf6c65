/**
 * One of the LGO's waste banks: its next buying day and buying days, members by household with
 * their passbook PDFs, the ledger, and prices.
 */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import type { Bank, Member, Page as ApiPage } from '../../data';
import { formatBaht, formatDate, formatNumber, formatPhone, lang, nameOf, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { auth } from '../../session';
import { useStore } from '../../store';
import { Banner, showToast } from '../../ui/kit';
import { DownloadButton, errorText, Loaded, Page, Pager } from '../lib';
import { type Opening, openingText } from '../opening';
import { Prices } from './prices';

export interface BankFull extends Bank {
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

export function NextBuyingDay({ day }: { day: string | null }) {
  return <span data-testid="next-buying-day">{day ? formatDate(day) : t('bank_no_next_day')}</span>;
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
  const ledger = useLoad<ApiPage<Entry>>(`waste-banks/${bank}/ledger?per_page=25&page=${page}`, { store: 'none' });
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

/** One of the LGO's banks; another LGO's (opened by its address) says so and offers nothing. */
export function BankOffice({ id }: { id: number }) {
  useT();
  const { me } = useStore(auth);
  const bank = useLoad<BankFull>(`waste-banks/${id}`, { store: 'none' });
  const mine = Boolean(bank.data && (me?.roles.includes('admin')
    || me?.user.grants.some((g) => (g.role === 'lgo_staff' || g.role === 'lgo_admin') && g.lgo_code === bank.data!.lgo_code)));
  const [page, setPage] = useState(1);
  const members = useLoad<ApiPage<Member>>(mine ? `waste-banks/${id}/members?per_page=200&page=${page}` : null, { store: 'none' });
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
