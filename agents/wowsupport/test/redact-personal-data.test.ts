import { describe, expect, it } from 'vitest';
import { redactionMaxLength, redactPersonalData } from '../src/learning/redact-personal-data.ts';

describe('redactPersonalData', () => {
  const names = { customer: 'Ada Lovelace', organisation: ['Acme Corp', 'acme-corp'] };

  it("removes the customer's and the organisation's names, whole and by their parts, whatever their case", () => {
    expect(
      redactPersonalData('Hi, Ada Lovelace here from Acme Corp (acme-corp). ADA again; lovelace signs.', names),
    ).toBe('Hi, [customer] here from [organisation] ([organisation]). [customer] again; [customer] signs.');
  });

  it('leaves words that merely contain a name, and names of fewer than three letters, alone', () => {
    expect(redactPersonalData('Adapters in the Acmeography module', names)).toBe('Adapters in the Acmeography module');
    expect(redactPersonalData('Al Bo said so; Al agreed', { customer: 'Al Bo' })).toBe('[customer] said so; Al agreed');
  });

  it('removes email addresses, phone numbers and secret-looking keys', () => {
    expect(
      redactPersonalData(
        'Mail ada.l+billing@acme.example.co.uk or call +44 (20) 7946-0958 or 020 7946 0958; key sk_live_abcdef1234567890.',
      ),
    ).toBe('Mail [email] or call [phone] or [phone]; key [secret].');
  });

  it('keeps short numbers, versions and dates', () => {
    expect(redactPersonalData('Version 2.4.1 since 2024-05-01, error 503 after 30 s')).toBe(
      'Version 2.4.1 since 2024-05-01, error 503 after 30 s',
    );
  });

  it('removes links carrying a token (a query, a fragment, credentials, a long random segment) and keeps plain ones', () => {
    expect(
      redactPersonalData(
        [
          'https://app.example.com/reset?token=abc',
          'https://user:pw@example.com/',
          'https://example.com/invite/Zx81hG0aQk2LmN9pR7sTuVwY',
          'https://docs.example.com/webhooks/signatures.',
        ].join(' '),
      ),
    ).toBe('[link] [link] [link] https://docs.example.com/webhooks/signatures.');
  });

  it('escapes what a name holds before matching on it', () => {
    expect(redactPersonalData('Call O.K. (Ltd) now', { organisation: ['O.K. (Ltd)'] })).toBe('Call [organisation] now');
    expect(redactPersonalData('anything', { customer: '.*' })).toBe('anything');
  });

  it('bounds what it reads', () => {
    expect(redactPersonalData('x'.repeat(redactionMaxLength + 50))).toHaveLength(redactionMaxLength);
  });
});
