/** Who a signed-in user is (the `/me` answer) and what their roles make of the app: below the
 * session, so that what reads a user's roles never needs the module that signs them in. */
export interface Grant {
  id: number;
  role: string;
  lgo_code: string | null;
  village_code: string | null;
}

export interface Me {
  user: {
    id: number;
    display_name: string;
    phone: string | null;
    username: string | null;
    lgo_code: string | null;
    grants: Grant[];
    volunteer: { volunteer_type: string; village_codes: string[] } | null;
  };
  roles: string[];
  permissions: string[];
}

export type Mode = 'resident' | 'volunteer';

/** Residents get the household screens; volunteers and LGO roles get the field screens. */
export function modeOf(me: Me | undefined): Mode {
  if (!me) return 'resident';
  return me.roles.some((r) => r !== 'resident') ? 'volunteer' : 'resident';
}

const LGO_ROLES = ['lgo_staff', 'lgo_admin'];
const PROVINCE_ROLES = ['province_officer', 'national_officer', 'admin'];
// Roles over every province: the national office (DLA) and system admins.
const NATIONAL_ROLES = ['national_officer', 'admin'];
const FIELD_ROLES = ['resident', 'volunteer', ...LGO_ROLES];

/** LGO staff and admins: the register, their map and their LGO's reports. */
export function isLgoOffice(me: Me | undefined): boolean {
  return Boolean(me?.roles.some((r) => LGO_ROLES.includes(r)));
}

/** Provincial officers and admins: the province's dashboards (aggregates only). */
export function isProvinceOffice(me: Me | undefined): boolean {
  return Boolean(me?.roles.some((r) => PROVINCE_ROLES.includes(r)));
}

/** The national office (DLA) and admins: the provinces compared, then drilled into. */
export function isNationalOffice(me: Me | undefined): boolean {
  return Boolean(me?.roles.some((r) => NATIONAL_ROLES.includes(r)));
}

export function isOfficeUser(me: Me | undefined): boolean {
  return isLgoOffice(me) || isProvinceOffice(me);
}

/** A desk-sized screen (the office layout's breakpoint, as in styles.css). */
export function onDesk(): boolean {
  return window.matchMedia('(min-width: 900px)').matches;
}

/** Provincial officers and admins have no field work: the office is their whole app. */
export function officeOnly(me: Me | undefined): boolean {
  return isOfficeUser(me) && !me!.roles.some((r) => FIELD_ROLES.includes(r));
}

