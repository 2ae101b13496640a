/**
 * ISO 3166-1 alpha-2 country codes: the 249 officially assigned ones, as the ISO 3166
 * Maintenance Agency lists them (https://www.iso.org/obp/ui/#search, "Officially assigned codes",
 * the list behind https://www.iso.org/iso-3166-country-codes.html). The set has not changed since
 * `BQ`, `CW`, `SX` (2010) and `SS` (2011) were added; later changes renamed countries only.
 * Not in it, on purpose: user-assigned codes (`XK` Kosovo, `ZZ`, `AA`, `QM`–`QZ`, `XA`–`XZ`),
 * exceptionally and transitionally reserved ones (`UK`, `EU`, `AC`, `CP`, `DG`, `EA`, `IC`, `TA`,
 * `FX`, ...) and deleted ones (`AN`, `CS`, `YU`, `SU`, `ZR`, ...). `Intl.DisplayNames` names most
 * of those too (`ZZ` is "Unknown Region"), so it is no validator. When ISO assigns or withdraws a
 * code, change this list.
 */
const ASSIGNED = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ',
  'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ',
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ',
  'DE DJ DK DM DO DZ',
  'EC EE EG EH ER ES ET',
  'FI FJ FK FM FO FR',
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY',
  'HK HM HN HR HT HU',
  'ID IE IL IM IN IO IQ IR IS IT',
  'JE JM JO JP',
  'KE KG KH KI KM KN KP KR KW KY KZ',
  'LA LB LC LI LK LR LS LT LU LV LY',
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ',
  'NA NC NE NF NG NI NL NO NP NR NU NZ',
  'OM',
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY',
  'QA',
  'RE RO RS RU RW',
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ',
  'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ',
  'UA UG UM US UY UZ',
  'VA VC VE VG VI VN VU',
  'WF WS',
  'YE YT',
  'ZA ZM ZW',
]
  .join(' ')
  .split(' ');

const COUNTRY_CODES: ReadonlySet<string> = new Set(ASSIGNED);

/** Whether `code` is an officially assigned ISO 3166-1 alpha-2 code (upper case: `US`, not `us`). */
export const isCountryCode = (code: string): boolean => COUNTRY_CODES.has(code);

/**
 * The JSON Schema format of a country code in request schemas (`http/validation.ts` registers it):
 * `Type.String({ format: COUNTRY_FORMAT })`. A value outside the list is a 400 `validation_failed`
 * naming the field, with `COUNTRY_MESSAGE`.
 */
export const COUNTRY_FORMAT = 'iso-3166-1-alpha-2';
export const COUNTRY_MESSAGE = 'is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. US)';
