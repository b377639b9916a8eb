/**
 * A small phone normaliser to E.164 (+<country code><national number>, at most 15 digits)
 * for the countries the task offers: each with its calling code, its trunk prefix (the 0
 * dialled before a national number, dropped in international form; Italy, Spain and
 * Singapore have none) and the lengths its national numbers have.
 */
interface Plan {
  code: string;
  trunk: string | null;
  lengths: readonly [number, number];
}

export const countryPlans = {
  us: { code: '1', trunk: '1', lengths: [10, 10] },
  ca: { code: '1', trunk: '1', lengths: [10, 10] },
  gb: { code: '44', trunk: '0', lengths: [9, 10] },
  ie: { code: '353', trunk: '0', lengths: [7, 9] },
  in: { code: '91', trunk: '0', lengths: [10, 10] },
  au: { code: '61', trunk: '0', lengths: [9, 9] },
  nz: { code: '64', trunk: '0', lengths: [8, 10] },
  de: { code: '49', trunk: '0', lengths: [6, 11] },
  fr: { code: '33', trunk: '0', lengths: [9, 9] },
  es: { code: '34', trunk: null, lengths: [9, 9] },
  it: { code: '39', trunk: null, lengths: [6, 11] },
  nl: { code: '31', trunk: '0', lengths: [9, 9] },
  sg: { code: '65', trunk: null, lengths: [8, 8] },
  za: { code: '27', trunk: '0', lengths: [9, 9] },
  ae: { code: '971', trunk: '0', lengths: [8, 9] },
  br: { code: '55', trunk: '0', lengths: [10, 11] },
} as const satisfies Record<string, Plan>;
export type Country = keyof typeof countryPlans;

export type PhoneResult = { ok: true; e164: string; extension: string | null } | { ok: false; reason: string };

const plans: readonly Plan[] = Object.values(countryPlans);

/** The national number checked against the plan: the trunk prefix dropped, the length and (NANP) the first digits. */
function national(digits: string, plan: Plan): PhoneResult {
  // The trunk prefix is dropped in E.164: a leading 0 (also when written after the country
  // code, "+44 (0)20 …"), or North America's 1 before ten digits.
  const trunk =
    plan.trunk !== null && digits.startsWith(plan.trunk) && (plan.trunk === '0' || digits.length > plan.lengths[1]);
  const number = trunk ? digits.slice(1) : digits;
  const [min, max] = plan.lengths;
  if (number.length < min || number.length > max)
    return {
      ok: false,
      reason: `${number.length} digits after +${plan.code}, expected ${min === max ? min : `${min} to ${max}`}`,
    };
  // North American area codes and exchanges never start with 0 or 1.
  if (plan.code === '1' && !/^[2-9]\d{2}[2-9]/.test(number))
    return { ok: false, reason: 'not a North American number' };
  return { ok: true, e164: `+${plan.code}${number}`, extension: null };
}

/**
 * The number in E.164, written with a + or an international prefix (00, or 011 from North
 * America) or, without one, as a number of the default country; an extension ("x12",
 * "ext. 12") is kept apart since E.164 has none. Letters and too many digits are refused.
 */
export function normalisePhone(text: string, country: Country): PhoneResult {
  const home = countryPlans[country];
  const ext = /\s*(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$/i.exec(text);
  const main = ext === null ? text.trim() : text.slice(0, ext.index).trim();
  if (main === '') return { ok: false, reason: 'empty' };
  if (!/^\+?[\d\s().\-/]+$/.test(main)) return { ok: false, reason: 'has characters a phone number does not' };
  const digits = main.replace(/\D/g, '');
  const intlPrefix = home.code === '1' ? '011' : '00';
  const international = main.startsWith('+')
    ? digits
    : digits.startsWith(intlPrefix)
      ? digits.slice(intlPrefix.length)
      : null;
  let result: PhoneResult;
  if (international === null) result = national(digits, home);
  else {
    // Calling codes are a prefix code: at most one of one, two or three digits matches.
    const plan = plans.find((p) => international.startsWith(p.code));
    if (plan !== undefined) result = national(international.slice(plan.code.length), plan);
    else
      result =
        international.length >= 8 && international.length <= 15
          ? { ok: true, e164: `+${international}`, extension: null }
          : { ok: false, reason: `${international.length} digits, an international number has 8 to 15` };
  }
  return result.ok && ext !== null ? { ...result, extension: ext[1] ?? null } : result;
}
