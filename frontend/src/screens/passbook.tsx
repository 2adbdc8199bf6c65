/**
 * The resident's waste-bank passbook: each account's balance and every entry, as the bank's
 * ledger has it. One request names the household's accounts; each passbook then loads on its
 * own, so one that fails leaves the others (and every balance) on the screen.
 */
import { accountsOf, MEMBERSHIPS, passbookPath, type Account, type Memberships, type Passbook as PassbookData } from '../data';
import { formatBaht, formatDate, formatNumber, nameOf, t, useT, type Key } from '../i18n';
import { useLoad } from '../load';
import { Banner, LoadState, Screen } from '../ui/kit';

function Book({ account }: { account: Account }) {
  useT();
  const { bank, member } = account;
  const book = useLoad<PassbookData>(passbookPath(account), { store: 'device' });
  return (
    <section class="card passbook" data-testid="passbook" data-member={member.id}>
      <h2>{nameOf(bank)}</h2>
      <p class="muted">
        {t('member_no')} {member.member_number}
        {bank.next_buying_day && <> · <span data-testid="next-buying-day">{t('passbook_next_day', { day: formatDate(bank.next_buying_day) })}</span></>}
      </p>
      <p class="balance">
        <span>{t('balance')}</span>
        <strong data-testid="balance">{formatBaht(book.data?.closing_balance ?? member.balance)}</strong>
      </p>
      <LoadState loaded={book}>
        {(data) => (
          <ul class="rows" data-testid="passbook-entries">
            {[...data.entries].reverse().map((entry) => (
              <li class="row" key={entry.id} data-kind={entry.kind}>
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
        )}
      </LoadState>
    </section>
  );
}

export function Passbook() {
  useT();
  const accounts = useLoad<Memberships>(MEMBERSHIPS, { store: 'device' });
  return (
    <Screen title={t('passbook_title')}>
      <LoadState loaded={accounts}>
        {(data) => {
          const list = accountsOf(data);
          if (list.length > 0) return <>{list.map((account) => <Book key={account.member.id} account={account} />)}</>;
          const open = data.banks.filter((b) => b.active).map(nameOf);
          return (
            <Banner kind="info" icon="book">
              {t('passbook_none')}
              {open.length > 0 && <><br />{t('bank_join_at', { banks: open.join(', ') })}</>}
            </Banner>
          );
        }}
      </LoadState>
    </Screen>
  );
}
