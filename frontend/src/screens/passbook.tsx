/** The resident's waste-bank passbook: balance and every entry, as the bank's ledger has it. */
import { api } from '../../shared/api';
import { useLoad } from '../cache';
import { allPages, type Bank, type Member, type Passbook as PassbookData } from '../data';
import { formatBaht, formatDate, formatNumber, t, useT, type Key } from '../i18n';
import { Banner, LoadState, Screen } from '../ui/kit';
import { useMyHousehold } from './resident';

async function loadPassbooks(householdId: number): Promise<PassbookData[]> {
  const banks = await allPages<Bank>('waste-banks');
  const books: PassbookData[] = [];
  for (const bank of banks) {
    const members = await allPages<Member>(`waste-banks/${bank.id}/members`);
    for (const member of members.filter((m) => m.household_id === householdId)) {
      books.push(await api<PassbookData>(`waste-banks/${bank.id}/members/${member.id}/passbook`));
    }
  }
  return books;
}

export function Passbook() {
  useT();
  const household = useMyHousehold();
  const books = useLoad(household.id ? `derived:passbooks:${household.id}` : null, () => loadPassbooks(household.id!));
  return (
    <Screen title={t('passbook_title')}>
      <LoadState loaded={books}>
        {(list) => list.length === 0 ? <Banner kind="info" icon="book">{t('passbook_none')}</Banner> : (
          <>
            {list.map((book) => (
              <section class="card passbook" key={book.member.id}>
                <h2>{book.bank.name_th}</h2>
                <p class="muted">{t('member_no')} {book.member.member_number}</p>
                <p class="balance">
                  <span>{t('balance')}</span>
                  <strong data-testid="balance">{formatBaht(book.closing_balance)}</strong>
                </p>
                <ul class="rows">
                  {[...book.entries].reverse().map((entry) => (
                    <li class="row" key={entry.id}>
                      <div class="row-main">
                        <div class="row-title">{formatDate(entry.entry_date)} · {t(`entry_${entry.kind}` as Key)}</div>
                        {entry.lines.length > 0 && (
                          <div class="row-sub muted">
                            {entry.lines.map((l) => `${t(`material_${l.material}` as Key)} ${formatNumber(l.kg, 2)} ${t('kg_unit')}`).join(', ')}
                          </div>
                        )}
                      </div>
                      <div class="amount">
                        <strong class={entry.amount < 0 ? 'bad-text' : 'ok-text'}>{entry.amount < 0 ? '' : '+'}{formatNumber(entry.amount, 2)}</strong>
                        <span class="muted">{formatNumber(entry.balance, 2)}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </>
        )}
      </LoadState>
    </Screen>
  );
}
