/** The signed-in field screens, routed by path: a chunk of its own that loads after sign-in. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OutboxItem } from '../shared/db';
import { t, useT } from './i18n';
import { match } from './router';
import { auth } from './session';
import { useStore } from './store';
import { syncState } from './sync';
import { Card } from './screens/card';
import { DepositScreen } from './screens/deposit';
import { GuideScreen } from './screens/guide';
import { HouseholdScreen, useHousehold } from './screens/household';
import { Households } from './screens/households';
import { InspectScreen } from './screens/inspect';
import { LogForm } from './screens/log-form';
import { Outbox } from './screens/outbox';
import { Passbook } from './screens/passbook';
import { History, ResidentHome } from './screens/resident';
import { MyReports, ReportScreen } from './screens/report';
import { QrOpen, Scan } from './screens/scan';
import { Settings } from './screens/settings';
import { Screen } from './ui/kit';

/** Leaflet is big and only the map needs it: that screen loads (from the precache) on first use. */
function LazyMap() {
  const [Screen, setScreen] = useState<ComponentType | null>(null);
  useEffect(() => {
    void import('./screens/map').then((m) => setScreen(() => m.default));
  }, []);
  return Screen ? <Screen /> : <div class="loading" role="status"><span class="spinner" /></div>;
}

function FixScreen({ seq }: { seq: number }) {
  useT();
  const { items } = useStore(syncState);
  const { session } = useStore(auth);
  const item: OutboxItem | undefined = items.find((i) => i.seq === seq);
  if (!item || item.household_id === null) return <Screen title={t('outbox_fix')} back="/outbox"><p class="empty">{t('outbox_empty')}</p></Screen>;
  if (item.kind === 'inspection') return <InspectScreen id={item.household_id} fix={item} />;
  if (item.kind === 'deposit') return <DepositScreen id={item.household_id} fix={item} />;
  return (
    <Screen title={t('outbox_fix')} back="/outbox">
      <LogForm householdId={item.household_id} userId={session!.user_id} fix={item} onSaved={() => history.back()} />
    </Screen>
  );
}

function HouseLine({ id }: { id: number }) {
  const household = useHousehold(id);
  return household.data ? <p class="lead">{t('house_no')} <strong>{household.data.house_number}</strong></p> : null;
}

function VolunteerLog({ id }: { id: number }) {
  useT();
  const { session } = useStore(auth);
  return (
    <Screen title={t('log_for_household')} back={`/households/${id}`}>
      <HouseLine id={id} />
      <LogForm householdId={id} userId={session!.user_id} onSaved={() => history.back()} />
    </Screen>
  );
}

export default function Routed({ path, resident }: { path: string; resident: boolean }) {
  let p: Record<string, string> | null;
  if ((p = match('/h/:token', path))) return <QrOpen token={p.token} />;
  if (path === '/outbox') return <Outbox />;
  if (path === '/settings') return <Settings />;
  if (path === '/map') return <LazyMap />;
  if (path === '/guide') return <GuideScreen />;
  if (path === '/report') return <ReportScreen />;
  if (path === '/reports') return <MyReports />;
  if ((p = match('/fix/:seq', path))) return <FixScreen seq={Number(p.seq)} />;
  if (resident) {
    if (path === '/history') return <History />;
    if (path === '/card') return <Card />;
    if (path === '/passbook') return <Passbook />;
    return <ResidentHome />;
  }
  if (path === '/scan') return <Scan />;
  if ((p = match('/households/:id/inspect', path))) return <InspectScreen id={Number(p.id)} />;
  if ((p = match('/households/:id/log', path))) return <VolunteerLog id={Number(p.id)} />;
  if ((p = match('/households/:id/deposit', path))) return <DepositScreen id={Number(p.id)} />;
  if ((p = match('/households/:id', path))) return <HouseholdScreen id={Number(p.id)} />;
  return <Households />;
}

